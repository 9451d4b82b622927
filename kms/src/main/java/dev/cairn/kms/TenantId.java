package dev.cairn.kms;

import java.util.regex.Pattern;

/** A tenant identifier: 1-64 characters of {@code [A-Za-z0-9_-]} (it names files). */
public record TenantId(String value) implements Comparable<TenantId> {
    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    public TenantId {
        if (value == null || !VALID.matcher(value).matches()) {
            throw new IllegalArgumentException("invalid tenant id '" + value + "': expected 1-64 of [A-Za-z0-9_-]");
        }
    }

    public static TenantId of(String value) {
        return new TenantId(value);
    }

    @Override
    public int compareTo(TenantId o) {
        return value.compareTo(o.value);
    }

    @Override
    public String toString() {
        return value;
    }
}
