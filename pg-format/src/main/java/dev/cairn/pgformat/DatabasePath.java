package dev.cairn.pgformat;

/**
 * Where a database's files live relative to the data directory (GetDatabasePath and the tablespace layout
 * of PostgreSQL): global/ for the shared catalogs, base/DB in pg_default, and in any other tablespace
 * pg_tblspc/SPC/PG_MAJOR_CATVERSION/DB, the version directory letting servers of several major versions
 * share one tablespace location.
 */
public final class DatabasePath {
    private DatabasePath() {
    }

    public static String of(PgVersion version, long spcOid, long dbOid) {
        if (spcOid == RelFileLocator.GLOBALTABLESPACE_OID) {
            return "global";
        }
        if (spcOid == RelFileLocator.DEFAULTTABLESPACE_OID) {
            return "base/" + dbOid;
        }
        return tablespaceVersionDirectory(version, spcOid) + "/" + dbOid;
    }

    /** pg_tblspc/SPC: a symlink to the tablespace's location, or for an in-place tablespace the directory itself. */
    public static String tablespaceDirectory(long spcOid) {
        return "pg_tblspc/" + spcOid;
    }

    /** pg_tblspc/SPC/PG_MAJOR_CATVERSION (TABLESPACE_VERSION_DIRECTORY). */
    public static String tablespaceVersionDirectory(PgVersion version, long spcOid) {
        return tablespaceDirectory(spcOid) + "/" + versionDirectoryName(version);
    }

    /** PG_MAJOR_CATVERSION, e.g. PG_15_202209061. */
    public static String versionDirectoryName(PgVersion version) {
        return "PG_" + version.major + "_" + version.catalogVersion;
    }

    /** True for pg_default and pg_global, the tablespaces every data directory has. */
    public static boolean isBuiltinTablespace(long spcOid) {
        return spcOid == RelFileLocator.DEFAULTTABLESPACE_OID || spcOid == RelFileLocator.GLOBALTABLESPACE_OID;
    }
}
