package dev.cairn.kms;

import dev.cairn.common.Id128;

/**
 * Identifies one data-encryption key of a tenant. The sequence number is unique within the tenant and
 * never reused, so a DEK id stored beside data (a WAL segment, a page epoch) always names the same key.
 * Its text form is {@code tenant/dek-N}.
 */
public record DekId(Id128 tenant, long sequence) {

    public DekId {
        if (tenant == null) {
            throw new IllegalArgumentException("tenant is required");
        }
        if (sequence <= 0) {
            throw new IllegalArgumentException("DEK sequence must be positive: " + sequence);
        }
    }

    /** Parses {@code tenant/dek-N}. */
    public static DekId parse(String text) {
        int slash = text.indexOf('/');
        if (slash < 0 || !text.startsWith("dek-", slash + 1)) {
            throw new IllegalArgumentException("invalid DEK id '" + text + "': expected tenant/dek-N");
        }
        try {
            return new DekId(Id128.parse(text.substring(0, slash)), Long.parseLong(text.substring(slash + 5)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("invalid DEK id '" + text + "': expected tenant/dek-N", e);
        }
    }

    @Override
    public String toString() {
        return tenant + "/dek-" + sequence;
    }
}
