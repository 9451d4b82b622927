/** AES-256-GCM via JCE: zeroable key material, the data envelope and its nonce sequence. */
package dev.cairn.kms.crypto;
