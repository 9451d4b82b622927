package dev.cairn.pageserver;

import java.security.SecureRandom;
import java.util.HexFormat;

/** A 128-bit tenant or timeline identifier, printed as 32 lower-case hex characters. */
public record Id128(long hi, long lo) implements Comparable<Id128> {
    private static final SecureRandom RANDOM = new SecureRandom();

    public static Id128 random() {
        return new Id128(RANDOM.nextLong(), RANDOM.nextLong());
    }

    public static Id128 parse(String hex) {
        if (hex == null || hex.length() != 32) {
            throw new IllegalArgumentException("not a 128-bit id (expected 32 hex characters): " + hex);
        }
        try {
            return new Id128(Long.parseUnsignedLong(hex.substring(0, 16), 16), Long.parseUnsignedLong(hex.substring(16), 16));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a 128-bit id (expected 32 hex characters): " + hex, e);
        }
    }

    @Override
    public int compareTo(Id128 o) {
        int c = Long.compareUnsigned(hi, o.hi);
        return c != 0 ? c : Long.compareUnsigned(lo, o.lo);
    }

    @Override
    public String toString() {
        return HexFormat.of().toHexDigits(hi) + HexFormat.of().toHexDigits(lo);
    }
}
