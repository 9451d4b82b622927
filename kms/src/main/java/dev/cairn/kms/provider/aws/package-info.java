/** AWS KMS through the official SDK v2: Encrypt/Decrypt with an encryption context naming tenant and purpose. */
package dev.cairn.kms.provider.aws;
