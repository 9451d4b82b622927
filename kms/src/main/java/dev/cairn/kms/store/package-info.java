/**
 * Persistence of wrapped keys only: per-tenant keyrings written crash-safely (temporary file, fsync,
 * atomic rename, directory fsync) with a SHA-256 checksum, mode 0600.
 */
package dev.cairn.kms.store;
