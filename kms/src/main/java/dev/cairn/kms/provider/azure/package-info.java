/** Azure Key Vault through the official keys SDK: wrapKey/unwrapKey with RSA-OAEP-256 under versioned keys. */
package dev.cairn.kms.provider.azure;
