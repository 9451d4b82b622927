package dev.cairn.pageserver.store;

import dev.cairn.common.Id128;
import dev.cairn.pageserver.RelFork;
import dev.cairn.common.TimelineKey;
import dev.cairn.pgformat.ForkNumber;
import dev.cairn.common.Lsn;
import dev.cairn.pgformat.RelFileLocator;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Big-endian RocksDB keys, so that byte order is (tenant, timeline, kind,
 * entity fields..., LSN) and the newest version of an entity at or before an
 * LSN is one seek-for-prev away. Every key starts with the same 33-byte
 * timeline prefix; versioned keys end with the 8-byte LSN.
 * <pre>
 *   PAGE       spc u32, db u32, rel u32, fork u8, block u32, lsn
 *   REL_SIZE   spc u32, db u32, rel u32, fork u8, lsn
 *   RELMAP     spc u32, db u32, lsn
 *   TABLESPACE spc u32, lsn
 *   SLRU       slru u8, page u32, lsn
 *   TWOPHASE   xid u32, lsn
 *   CHECKPOINT lsn          BOUNDARY lsn
 *   CONTROL    -            POSITION -          CONFIG_FILE name (UTF-8)
 * </pre>
 */
public final class KeyCodec {
    public static final int TIMELINE_PREFIX = 16 + 16 + 1;
    public static final int LSN_BYTES = 8;
    public static final int PAGE_KEY = TIMELINE_PREFIX + 13 + 4 + LSN_BYTES;
    public static final int REL_KEY = TIMELINE_PREFIX + 13 + LSN_BYTES;

    private KeyCodec() {
    }

    public static byte[] kindPrefix(TimelineKey tl, KeyKind kind) {
        return start(tl, kind, 0).array();
    }

    public static byte[] page(TimelineKey tl, RelFork rf, long block, Lsn lsn) {
        return rel(start(tl, KeyKind.PAGE, 13 + 4 + LSN_BYTES), rf).putInt((int) block).putLong(lsn.value()).array();
    }

    /** The keys of all versions of all blocks of a fork start with this. */
    public static byte[] pagePrefix(TimelineKey tl, RelFork rf) {
        return rel(start(tl, KeyKind.PAGE, 13), rf).array();
    }

    public static byte[] relSize(TimelineKey tl, RelFork rf, Lsn lsn) {
        return rel(start(tl, KeyKind.REL_SIZE, 13 + LSN_BYTES), rf).putLong(lsn.value()).array();
    }

    public static byte[] relmap(TimelineKey tl, long spc, long db, Lsn lsn) {
        return start(tl, KeyKind.RELMAP, 8 + LSN_BYTES).putInt((int) spc).putInt((int) db).putLong(lsn.value()).array();
    }

    public static byte[] tablespace(TimelineKey tl, long spc, Lsn lsn) {
        return start(tl, KeyKind.TABLESPACE, 4 + LSN_BYTES).putInt((int) spc).putLong(lsn.value()).array();
    }

    public static byte[] slru(TimelineKey tl, SlruKind slru, long page, Lsn lsn) {
        return start(tl, KeyKind.SLRU, 5 + LSN_BYTES).put((byte) slru.code).putInt((int) page).putLong(lsn.value()).array();
    }

    public static byte[] slruPrefix(TimelineKey tl, SlruKind slru) {
        return start(tl, KeyKind.SLRU, 1).put((byte) slru.code).array();
    }

    public static byte[] twophase(TimelineKey tl, long xid, Lsn lsn) {
        return start(tl, KeyKind.TWOPHASE, 4 + LSN_BYTES).putInt((int) xid).putLong(lsn.value()).array();
    }

    public static byte[] checkpoint(TimelineKey tl, Lsn lsn) {
        return start(tl, KeyKind.CHECKPOINT, LSN_BYTES).putLong(lsn.value()).array();
    }

    public static byte[] boundary(TimelineKey tl, Lsn lsn) {
        return start(tl, KeyKind.BOUNDARY, LSN_BYTES).putLong(lsn.value()).array();
    }

    public static byte[] control(TimelineKey tl) {
        return kindPrefix(tl, KeyKind.CONTROL);
    }

    public static byte[] position(TimelineKey tl) {
        return kindPrefix(tl, KeyKind.POSITION);
    }

    public static byte[] gcHorizon(TimelineKey tl) {
        return kindPrefix(tl, KeyKind.GC_HORIZON);
    }

    public static byte[] ancestry(TimelineKey tl) {
        return kindPrefix(tl, KeyKind.ANCESTRY);
    }

    public static byte[] configFile(TimelineKey tl, String name) {
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        return start(tl, KeyKind.CONFIG_FILE, n.length).put(n).array();
    }

    // ------------------------------------------------------------ decoding

    public static KeyKind kindOf(byte[] key) {
        return KeyKind.ofCode(key[TIMELINE_PREFIX - 1] & 0xFF);
    }

    public static Lsn lsnOf(byte[] key) {
        return Lsn.of(ByteBuffer.wrap(key, key.length - LSN_BYTES, LSN_BYTES).getLong());
    }

    /** The key with its trailing LSN removed: what identifies the versioned entity. */
    public static byte[] entityOf(byte[] key) {
        return Arrays.copyOf(key, key.length - LSN_BYTES);
    }

    /** True when two versioned keys address the same entity (they differ at most in the LSN). */
    public static boolean sameEntity(byte[] a, byte[] b) {
        return a.length == b.length && Arrays.equals(a, 0, a.length - LSN_BYTES, b, 0, b.length - LSN_BYTES);
    }

    public static boolean hasPrefix(byte[] key, byte[] prefix) {
        return key.length >= prefix.length && Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length);
    }

    /** The relation fork of a PAGE or REL_SIZE key. */
    public static RelFork relForkOf(byte[] key) {
        ByteBuffer b = ByteBuffer.wrap(key, TIMELINE_PREFIX, 13);
        RelFileLocator rel = new RelFileLocator(u32(b.getInt()), u32(b.getInt()), u32(b.getInt()));
        int fork = b.get();
        ForkNumber f = ForkNumber.ofOrNull(fork);
        if (f == null) {
            throw new IllegalArgumentException("bad fork number " + fork + " in key");
        }
        return new RelFork(rel, f);
    }

    public static long blockOf(byte[] pageKey) {
        return u32(ByteBuffer.wrap(pageKey, TIMELINE_PREFIX + 13, 4).getInt());
    }

    /** (spc, db) of a RELMAP key. */
    public static long[] relmapIdOf(byte[] key) {
        ByteBuffer b = ByteBuffer.wrap(key, TIMELINE_PREFIX, 8);
        return new long[] {u32(b.getInt()), u32(b.getInt())};
    }

    /** The tablespace OID of a TABLESPACE key. */
    public static long tablespaceIdOf(byte[] key) {
        return u32(ByteBuffer.wrap(key, TIMELINE_PREFIX, 4).getInt());
    }

    public static long slruPageOf(byte[] key) {
        return u32(ByteBuffer.wrap(key, TIMELINE_PREFIX + 1, 4).getInt());
    }

    public static long twophaseXidOf(byte[] key) {
        return u32(ByteBuffer.wrap(key, TIMELINE_PREFIX, 4).getInt());
    }

    /** A readable description for error messages, e.g. "page 1663/5/16384_main blk 3 @0/16B3748". */
    public static String describe(byte[] key) {
        try {
            KeyKind kind = kindOf(key);
            String what = switch (kind) {
                case PAGE -> "page " + relForkOf(key) + " blk " + blockOf(key);
                case REL_SIZE -> "relation size " + relForkOf(key);
                case RELMAP -> "relmap " + relmapIdOf(key)[0] + "/" + relmapIdOf(key)[1];
                case TABLESPACE -> "tablespace " + tablespaceIdOf(key);
                case SLRU -> SlruKind.ofCode(key[TIMELINE_PREFIX]).directory + " page " + slruPageOf(key);
                case TWOPHASE -> "two-phase state of xid " + twophaseXidOf(key);
                case CONFIG_FILE -> "config file " + new String(key, TIMELINE_PREFIX, key.length - TIMELINE_PREFIX,
                        StandardCharsets.UTF_8);
                default -> kind.name().toLowerCase();
            };
            ByteBuffer b = ByteBuffer.wrap(key);
            TimelineKey tl = new TimelineKey(new Id128(b.getLong(), b.getLong()), new Id128(b.getLong(), b.getLong()));
            return what + (kind.versioned ? " @" + lsnOf(key) : "") + " of " + tl;
        } catch (RuntimeException e) {
            return "key of " + key.length + " bytes";
        }
    }

    private static ByteBuffer start(TimelineKey tl, KeyKind kind, int rest) {
        return ByteBuffer.allocate(TIMELINE_PREFIX + rest)
                .putLong(tl.tenant().hi()).putLong(tl.tenant().lo())
                .putLong(tl.timeline().hi()).putLong(tl.timeline().lo())
                .put((byte) kind.code);
    }

    private static ByteBuffer rel(ByteBuffer b, RelFork rf) {
        return b.putInt((int) rf.rel().spcOid()).putInt((int) rf.rel().dbOid()).putInt((int) rf.rel().relNumber())
                .put((byte) rf.fork().number);
    }

    private static long u32(int v) {
        return Integer.toUnsignedLong(v);
    }
}
