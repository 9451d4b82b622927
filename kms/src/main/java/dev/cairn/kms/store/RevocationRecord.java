package dev.cairn.kms.store;

import dev.cairn.kms.RevocationSource;

/** A persisted revocation: who revoked, why, when (ISO-8601). */
public record RevocationRecord(RevocationSource source, String reason, String at) {
}
