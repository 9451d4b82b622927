package dev.cairn.pgformat.rmgr;

import dev.cairn.pgformat.ForkNumber;
import dev.cairn.pgformat.PgVersion;
import dev.cairn.pgformat.RelFileLocator;

/** A relation fork's path relative to the data directory, as relpathperm() prints it. */
final class RelationPath {
    private RelationPath() {
    }

    static String of(RelFileLocator rel, int forkNumber) {
        ForkNumber fork = ForkNumber.ofOrNull(forkNumber);
        String suffix = forkNumber == 0 ? "" : "_" + (fork != null ? fork.pgName : "fork" + forkNumber);
        return dir(rel.spcOid(), rel.dbOid()) + "/" + rel.relNumber() + suffix;
    }

    static String of(RelFileLocator rel) {
        return of(rel, 0);
    }

    /** The directory of a database in a tablespace (GetDatabasePath). */
    static String dir(long spcOid, long dbOid) {
        if (spcOid == RelFileLocator.GLOBALTABLESPACE_OID) {
            return "global";
        }
        if (spcOid == RelFileLocator.DEFAULTTABLESPACE_OID) {
            return "base/" + dbOid;
        }
        PgVersion v = PgVersion.PG15;
        return "pg_tblspc/" + spcOid + "/PG_" + v.major + "_" + v.catalogVersion + "/" + dbOid;
    }
}
