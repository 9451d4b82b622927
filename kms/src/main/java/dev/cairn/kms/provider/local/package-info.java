/**
 * The embedded {@code local} provider: master keys in a 0600 file under the data directory. For
 * development and tests only — NOT FOR PRODUCTION: the "CMK" sits beside the data it protects.
 */
package dev.cairn.kms.provider.local;
