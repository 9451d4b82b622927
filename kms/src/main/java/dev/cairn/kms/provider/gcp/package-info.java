/** Google Cloud KMS through the official client (gRPC): encrypt/decrypt with additional authenticated data. */
package dev.cairn.kms.provider.gcp;
