/**
 * KMS providers: where the customer's CMK lives. A {@link dev.cairn.kms.provider.KmsProvider} wraps and
 * unwraps KEKs under a CMK named by a {@link dev.cairn.kms.provider.KeyRef}, and classifies every failure
 * as transient, revoked or rejected.
 */
package dev.cairn.kms.provider;
