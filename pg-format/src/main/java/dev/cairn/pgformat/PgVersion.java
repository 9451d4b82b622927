package dev.cairn.pgformat;

/**
 * Version-specific format constants. Everything that differs between
 * PostgreSQL major versions (magic numbers, layouts) hangs off one of these,
 * so that 16 and 17 can be added beside 15.
 */
public enum PgVersion {
    PG15(15, 0xD110, 1300, 202209061);

    /** The major version, e.g. 15. */
    public final int major;
    /** XLOG_PAGE_MAGIC: the first two bytes of every WAL page. */
    public final int walPageMagic;
    /** PG_CONTROL_VERSION stored in pg_control. */
    public final int controlVersion;
    /** CATALOG_VERSION_NO stored in pg_control. */
    public final int catalogVersion;

    PgVersion(int major, int walPageMagic, int controlVersion, int catalogVersion) {
        this.major = major;
        this.walPageMagic = walPageMagic;
        this.controlVersion = controlVersion;
        this.catalogVersion = catalogVersion;
    }

    public static PgVersion forMajor(int major) {
        for (PgVersion v : values()) {
            if (v.major == major) {
                return v;
            }
        }
        throw new IllegalArgumentException("unsupported PostgreSQL major version " + major + " (supported: 15)");
    }

    /** The version whose CATALOG_VERSION_NO pg_control carries. */
    public static PgVersion forCatalogVersion(long catalogVersion) {
        for (PgVersion v : values()) {
            if (v.catalogVersion == catalogVersion) {
                return v;
            }
        }
        throw new IllegalArgumentException("catalog version " + catalogVersion
                + ", which no supported PostgreSQL version has (supported: 15)");
    }

    public static PgVersion forWalPageMagic(int magic) {
        for (PgVersion v : values()) {
            if (v.walPageMagic == magic) {
                return v;
            }
        }
        return null;
    }
}
