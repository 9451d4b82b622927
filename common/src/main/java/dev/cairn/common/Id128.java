package dev.cairn.common;

import java.util.HexFormat;
import java.util.Locale;
import java.util.regex.Pattern;

/** A 128-bit tenant or timeline id, written as 32 lower-case hex chars. */
public record Id128(long hi, long lo) implements Comparable<Id128> {
    private static final Pattern HEX32 = Pattern.compile("[0-9a-fA-F]{32}");

    public static Id128 parse(String hex) {
        if (hex == null || !HEX32.matcher(hex).matches()) {
            throw new IllegalArgumentException("not a 128-bit id (32 hex chars): " + hex);
        }
        return new Id128(HexFormat.fromHexDigitsToLong(hex, 0, 16), HexFormat.fromHexDigitsToLong(hex, 16, 32));
    }


    public static Id128 random() {
        java.security.SecureRandom r = new java.security.SecureRandom();
        return new Id128(r.nextLong(), r.nextLong());
    }

    /** Unsigned order, the same as the byte order of the big-endian encoding used in storage keys. */
    @Override
    public int compareTo(Id128 o) {
        int c = Long.compareUnsigned(hi, o.hi);
        return c != 0 ? c : Long.compareUnsigned(lo, o.lo);
    }

    @Override
    public String toString() {
        return (HexFormat.of().toHexDigits(hi) + HexFormat.of().toHexDigits(lo)).toLowerCase(Locale.ROOT);
    }
}
