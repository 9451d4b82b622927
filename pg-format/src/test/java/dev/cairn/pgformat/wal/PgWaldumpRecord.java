package dev.cairn.pgformat.wal;

import java.util.List;

/** One record as pg_waldump --bkp-details prints it: the oracle our decoder is compared with. */
public record PgWaldumpRecord(String rmgr, int recLength, int totalLength, long xid, String lsn, String prev, String desc,
                       List<Block> blocks) {

    public record Block(int id, String rel, String fork, long blk, boolean fpw, boolean apply, int holeOffset, int holeLength,
                 String method) {
    }
}
