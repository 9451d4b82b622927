package dev.cairn.kms;

import dev.cairn.common.Id128;

import java.util.Map;

/**
 * A snapshot of one tenant's keys for operators. {@code cachedUntilMillis} is 0 when no unwrapped key
 * is cached in this process.
 */
public record TenantStatus(Id128 tenant, TenantState state, RevocationSource revocationSource,
                           String revocationReason, String cmk, long activeKek, int kekCount, int dekCount,
                           Map<String, Long> activeDeks, boolean rotationPending, long generation,
                           long cachedUntilMillis) {
}
