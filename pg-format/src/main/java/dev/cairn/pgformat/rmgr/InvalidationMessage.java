package dev.cairn.pgformat.rmgr;

import dev.cairn.pgformat.RelFileLocator;

import java.util.ArrayList;
import java.util.List;

/**
 * One SharedInvalidationMessage (16 bytes, a union discriminated by its first
 * byte). Kept raw: the storage tier only passes these through and prints them.
 *
 * @param id       the discriminator: >= 0 is a catcache id, negative values are the kinds below
 * @param dbId     database OID (0 for shared objects); unused by SMGR messages
 * @param objectId catcache hash value, catalog OID or relation OID, depending on the kind
 * @param smgrRel  relation of an SMGR message, else null
 */
public record InvalidationMessage(int id, long dbId, long objectId, RelFileLocator smgrRel) {
    public static final int SIZE = 16;
    public static final int CATALOG = -1;
    public static final int RELCACHE = -2;
    public static final int SMGR = -3;
    public static final int RELMAP = -4;
    public static final int SNAPSHOT = -5;

    static InvalidationMessage read(PayloadReader r) {
        r.requireRemaining(SIZE, "SharedInvalidationMessage");
        int id = r.i8("id");
        if (id == SMGR) {
            r.skip(3, "backend id");
            return new InvalidationMessage(id, 0, 0, r.relFileLocator("rnode"));
        }
        r.skip(3, "padding");
        long db = r.u32("dbId");
        long obj = r.u32("objectId");
        r.skip(4, "padding");
        return new InvalidationMessage(id, db, obj, null);
    }

    static List<InvalidationMessage> readAll(PayloadReader r, long n) {
        int count = r.count(n, SIZE, "inval msgs");
        var out = new ArrayList<InvalidationMessage>(count);
        for (int i = 0; i < count; i++) {
            out.add(read(r));
        }
        return List.copyOf(out);
    }

    /** As pg_waldump prints one message, e.g. {@code catcache 55} or {@code relcache 16384}. */
    public String describe() {
        if (id >= 0) {
            return "catcache " + id;
        }
        return switch (id) {
            case CATALOG -> "catalog " + objectId;
            case RELCACHE -> "relcache " + objectId;
            case SMGR -> "smgr";
            case RELMAP -> "relmap";
            case SNAPSHOT -> "snapshot " + objectId;
            default -> "unknown id " + id;
        };
    }
}
