/**
 * Envelope encryption under customer-managed keys (CMK -> KEK -> DEK).
 *
 * <p>Services use {@link dev.cairn.kms.KeyHierarchy}: one per service data directory. The customer's CMK
 * lives in a KMS reached through a {@link dev.cairn.kms.provider.KmsProvider}; each tenant has a KEK
 * (random, persisted only wrapped by the CMK) and DEKs (persisted only wrapped by the KEK). Bulk data is
 * sealed with AES-256-GCM into self-describing envelopes, see {@link dev.cairn.kms.crypto.Envelope}.
 */
package dev.cairn.kms;
