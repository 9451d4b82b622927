package dev.cairn.redo.page;

/** 32-bit transaction id arithmetic (transam.h): modulo-2^32 comparison of normal xids. */
public final class Xid {
    public static final long INVALID = 0;
    public static final long FROZEN = 2;
    private static final long FIRST_NORMAL = 3;

    private Xid() {
    }

    public static boolean isNormal(long xid) {
        return xid >= FIRST_NORMAL;
    }

    /** TransactionIdPrecedes: a is logically before b (permanent xids are before every normal one). */
    public static boolean precedes(long a, long b) {
        if (!isNormal(a) || !isNormal(b)) {
            return a < b;
        }
        return (int) (a - b) < 0;
    }
}
