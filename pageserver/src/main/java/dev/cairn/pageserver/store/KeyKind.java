package dev.cairn.pageserver.store;

/**
 * What a key addresses; its code is the byte after (tenant, timeline), so all
 * keys of one kind and timeline are contiguous. Each kind lives in one column family.
 */
public enum KeyKind {
    /** A page version: (rel, fork, block, LSN) -> 8 KiB image or tombstone. */
    PAGE(1, Family.PAGES, true),
    /** Relation fork existence and size: (rel, fork, LSN) -> {@link RelState} or tombstone (dropped). */
    REL_SIZE(2, Family.RELS, true),
    /** pg_filenode.map of a database (db 0 = global): (spc, db, LSN) -> 512 bytes or tombstone. */
    RELMAP(3, Family.RELS, true),
    /** An SLRU page: (slru, page, LSN) -> 8 KiB or tombstone (truncated). */
    SLRU(4, Family.SLRU, true),
    /** Two-phase state of a prepared transaction: (xid, LSN) -> state bytes or tombstone. */
    TWOPHASE(5, Family.SLRU, true),
    /** The checkpoint fields pg_control needs, after the record ending at LSN: (LSN) -> CheckPoint struct. */
    CHECKPOINT(6, Family.META, true),
    /** A record boundary: (end LSN) -> start LSN of the record ending there. */
    BOUNDARY(7, Family.META, true),
    /** The imported pg_control (identity, settings, build parameters). */
    CONTROL(8, Family.META, false),
    /** A configuration file of the imported data directory: (name) -> content. */
    CONFIG_FILE(9, Family.META, false),
    /** Ingest position of the timeline. */
    POSITION(10, Family.META, false),
    /** The GC horizon: reads below it are refused because older versions may be gone. */
    GC_HORIZON(11, Family.META, false),
    /** A tablespace other than pg_default and pg_global: (spc, LSN) -> its CREATE TABLESPACE location, or tombstone (dropped). */
    TABLESPACE(12, Family.RELS, true),
    /** The timeline and LSN a branch was created from (absent for a timeline from initdb or an import). */
    ANCESTRY(13, Family.META, false);

    /** RocksDB column families, one per kind of data with its own access pattern. */
    public enum Family {
        PAGES("pages"), RELS("rels"), SLRU("slru"), META("meta");

        public final String cfName;

        Family(String cfName) {
            this.cfName = cfName;
        }
    }

    public final int code;
    public final Family family;
    /** Whether keys end in an 8-byte LSN (seek-for-prev gives the version at an LSN). */
    public final boolean versioned;

    KeyKind(int code, Family family, boolean versioned) {
        this.code = code;
        this.family = family;
        this.versioned = versioned;
    }

    public static KeyKind ofCode(int code) {
        for (KeyKind k : values()) {
            if (k.code == code) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown key kind " + code);
    }
}
