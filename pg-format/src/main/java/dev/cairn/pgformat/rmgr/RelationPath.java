package dev.cairn.pgformat.rmgr;

import dev.cairn.pgformat.DatabasePath;
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
        return DatabasePath.of(PgVersion.PG15, rel.spcOid(), rel.dbOid()) + "/" + rel.relNumber() + suffix;
    }

    static String of(RelFileLocator rel) {
        return of(rel, 0);
    }

}
