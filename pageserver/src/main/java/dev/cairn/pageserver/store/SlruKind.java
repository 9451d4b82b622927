package dev.cairn.pageserver.store;

/** The SLRUs a basebackup carries, with their directories (32 pages of 8 KiB per segment file in PostgreSQL 15). */
public enum SlruKind {
    XACT(0, "pg_xact"),
    MULTIXACT_OFFSETS(1, "pg_multixact/offsets"),
    MULTIXACT_MEMBERS(2, "pg_multixact/members");

    public static final int PAGES_PER_SEGMENT = 32;

    public final int code;
    public final String directory;

    SlruKind(int code, String directory) {
        this.code = code;
        this.directory = directory;
    }

    public static SlruKind ofCode(int code) {
        for (SlruKind k : values()) {
            if (k.code == code) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown SLRU " + code);
    }

    /** PostgreSQL 15's segment file name (SlruFileName without long segment names). */
    public static String segmentFileName(long segment) {
        return String.format("%04X", segment);
    }
}
