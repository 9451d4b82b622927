package dev.cairn.pgformat.rmgr;

import dev.cairn.common.Lsn;
import dev.cairn.pgformat.RelFileLocator;
import dev.cairn.pgformat.rmgr.TestRecords.Bytes;
import dev.cairn.pgformat.wal.DecodedRecord;
import dev.cairn.pgformat.wal.RmgrId;
import dev.cairn.pgformat.wal.WalFormatException;
import org.junit.jupiter.api.Test;

import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class XactDecoderTest {
    private static final RelFileLocator REL = new RelFileLocator(1663, 5, 16384);
    private static final int XACT = RmgrId.XACT.id;

    /** A COMMIT_PREPARED record with every optional part, laid out as xact.c writes it. */
    private static byte[] fullCommit() {
        int xinfo = XactRecord.XINFO_HAS_DBINFO | XactRecord.XINFO_HAS_SUBXACTS | XactRecord.XINFO_HAS_RELFILENODES
                | XactRecord.XINFO_HAS_DROPPED_STATS | XactRecord.XINFO_HAS_INVALS | XactRecord.XINFO_HAS_TWOPHASE
                | XactRecord.XINFO_HAS_GID | XactRecord.XINFO_HAS_ORIGIN | XactRecord.XINFO_FORCE_SYNC_COMMIT;
        return new Bytes()
                .u64(1_000_000L) // xact_time: 2000-01-01 00:00:01
                .u32(xinfo)
                .u32(5).u32(1663) // dbinfo
                .u32(2).u32(740).u32(0xFFFF_FFF0L) // subxacts, one above 2^31 to check unsignedness
                .u32(1).rel(REL) // relfilenodes
                .u32(1).u32(2).u32(5).u32(16384) // dropped stats
                .u32(2).u8(55).zeros(3).u32(5).u32(77).zeros(4).u8(0xFE).zeros(3).u32(5).u32(16384).zeros(4) // invals
                .u32(735) // twophase xid
                .cstring("gid-one")
                .u64(0x1_0000_0010L).u64(2_000_000L) // origin (unaligned)
                .toArray();
    }

    @Test
    void commitWithEveryPart() {
        DecodedRecord rec = TestRecords.record(XACT, XactRecord.COMMIT_PREPARED | XactRecord.HAS_INFO, 0, fullCommit());
        var c = (XactRecord.Commit) RecordDecoder.decode(rec);
        assertThat(c.prepared()).isTrue();
        assertThat(c.committed()).isTrue();
        assertThat(c.xid()).as("the prepared xid, since xl_xid of COMMIT_PREPARED is 0").isEqualTo(735);
        assertThat(c.dbId()).isEqualTo(5);
        assertThat(c.tsId()).isEqualTo(1663);
        assertThat(c.subxacts()).containsExactly(740L, 0xFFFF_FFF0L);
        assertThat(c.droppedRels()).containsExactly(REL);
        assertThat(c.droppedStats()).containsExactly(new DroppedStats(2, 5, 16384));
        assertThat(c.invalidations()).extracting(InvalidationMessage::describe)
                .containsExactly("catcache 55", "relcache 16384");
        assertThat(c.gid()).isEqualTo("gid-one");
        assertThat(c.origin()).isEqualTo(new XactRecord.Origin(Lsn.of(0x1_0000_0010L), new PgTimestamp(2_000_000L)));
        assertThat(c.time().toInstant()).isEqualTo(java.time.Instant.parse("2000-01-01T00:00:01Z"));
        assertThat(c.time().format(ZoneOffset.UTC)).isEqualTo("2000-01-01 00:00:01.000000 Z");
        assertThat(RecordDescriber.describe(rec))
                .startsWith("COMMIT_PREPARED 735: ")
                .contains("; rels: base/5/16384; subxacts: 740 4294967280; dropped stats: 2/5/16384;"
                        + " inval msgs: catcache 55 relcache 16384; sync; origin: node 0, lsn 1/10, at ");
    }

    @Test
    void minimalCommitHasNoXinfo() {
        DecodedRecord rec = TestRecords.record(XACT, XactRecord.COMMIT, 731, new Bytes().u64(42).toArray());
        var c = (XactRecord.Commit) RecordDecoder.decode(rec);
        assertThat(c.xid()).isEqualTo(731);
        assertThat(c.xinfo()).isZero();
        assertThat(c.subxacts()).isEmpty();
        assertThat(c.gid()).isNull();
        assertThat(c.origin()).isNull();
    }

    @Test
    void abortIgnoresTheInvalsBitLikePostgres() {
        byte[] data = new Bytes().u64(7).u32(XactRecord.XINFO_HAS_INVALS | XactRecord.XINFO_HAS_SUBXACTS)
                .u32(1).u32(730).toArray();
        var a = (XactRecord.Abort) RecordDecoder.decode(
                TestRecords.record(XACT, XactRecord.ABORT | XactRecord.HAS_INFO, 729, data));
        assertThat(a.committed()).isFalse();
        assertThat(a.xid()).isEqualTo(729);
        assertThat(a.subxacts()).containsExactly(730L);
    }

    @Test
    void everyTruncationOfACommitIsABadPayload() {
        byte[] full = fullCommit();
        for (int len = 0; len < full.length; len++) {
            DecodedRecord rec = TestRecords.record(XACT, XactRecord.COMMIT_PREPARED | XactRecord.HAS_INFO, 0,
                    Arrays.copyOf(full, len));
            assertThatThrownBy(() -> RecordDecoder.decode(rec)).as("length %d", len)
                    .isInstanceOfSatisfying(WalFormatException.class, e -> {
                        assertThat(e.reason()).isEqualTo(WalFormatException.Cause.BAD_PAYLOAD);
                        assertThat(e.lsn()).isEqualTo(TestRecords.LSN);
                    });
        }
    }

    @Test
    void countsBeyondTheDataAreBadPayloadNotHugeAllocations() {
        for (long n : List.of(0x7FFF_FFFFL, 0xFFFF_FFFFL, 3L)) {
            byte[] data = new Bytes().u64(0).u32(XactRecord.XINFO_HAS_SUBXACTS).u32(n).u32(1).u32(2).toArray();
            DecodedRecord rec = TestRecords.record(XACT, XactRecord.COMMIT | XactRecord.HAS_INFO, 9, data);
            assertThatThrownBy(() -> RecordDecoder.decode(rec)).isInstanceOfSatisfying(WalFormatException.class,
                    e -> assertThat(e.getMessage()).contains("subxacts").contains(TestRecords.LSN.toString()));
        }
    }

    @Test
    void gidWithoutTerminatorIsBadPayload() {
        byte[] data = new Bytes().u64(0).u32(XactRecord.XINFO_HAS_TWOPHASE | XactRecord.XINFO_HAS_GID).u32(735)
                .u8('g').u8('i').u8('d').toArray();
        DecodedRecord rec = TestRecords.record(XACT, XactRecord.ABORT_PREPARED | XactRecord.HAS_INFO, 0, data);
        assertThatThrownBy(() -> RecordDecoder.decode(rec)).isInstanceOf(WalFormatException.class)
                .hasMessageContaining("NUL-terminated");
    }

    /** xl_xact_prepare followed by MAXALIGNed gid, subxacts, rels, stats and invals (twophase.c). */
    static byte[] prepareRecord() {
        Bytes b = new Bytes()
                .u32(0x57F94534L).u32(400).u32(736).u32(5).u64(3_000_000L).u32(10)
                .u32(1).u32(0).u32(1).u32(0).u32(1).u32(1) // nsubxacts, ncommitrels, nabortrels, ncommitstats, nabortstats, ninval
                .u8(0).u8(0).u16(8) // initfileinval, pad, gidlen ("gid-two" + NUL)
                .u64(0).u64(0);
        b.cstring("gid-two").alignTo(8);
        b.u32(737).alignTo(8);
        b.rel(REL).alignTo(8);
        b.u32(2).u32(5).u32(16384).alignTo(8);
        b.u8(0xFE).zeros(3).u32(5).u32(16384).zeros(4).alignTo(8);
        b.zeros(16); // rmgr data and end sentinel follow in the real record
        return b.toArray();
    }

    @Test
    void prepare() {
        DecodedRecord rec = TestRecords.record(XACT, XactRecord.PREPARE, 736, prepareRecord());
        var p = (XactRecord.Prepare) RecordDecoder.decode(rec);
        assertThat(p.xid()).isEqualTo(736);
        assertThat(p.databaseId()).isEqualTo(5);
        assertThat(p.owner()).isEqualTo(10);
        assertThat(p.gid()).isEqualTo("gid-two");
        assertThat(p.subxacts()).containsExactly(737L);
        assertThat(p.commitRels()).isEmpty();
        assertThat(p.abortRels()).containsExactly(REL);
        assertThat(p.abortStats()).containsExactly(new DroppedStats(2, 5, 16384));
        assertThat(p.invalidations()).extracting(InvalidationMessage::describe).containsExactly("relcache 16384");
        assertThat(RecordDescriber.describe(rec)).startsWith("PREPARE gid gid-two: ")
                .endsWith("; rels(abort): base/5/16384; abort dropped stats: 2/5/16384; subxacts: 737;"
                        + " inval msgs: relcache 16384");
    }

    @Test
    void prepareWithOversizedCountIsBadPayload() {
        byte[] data = prepareRecord();
        java.nio.ByteBuffer.wrap(data).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(28, 1_000_000); // nsubxacts
        DecodedRecord rec = TestRecords.record(XACT, XactRecord.PREPARE, 736, data);
        assertThatThrownBy(() -> RecordDecoder.decode(rec)).isInstanceOfSatisfying(WalFormatException.class,
                e -> assertThat(e.reason()).isEqualTo(WalFormatException.Cause.BAD_PAYLOAD));
    }

    @Test
    void assignmentAndInvalidations() {
        var a = (XactRecord.Assignment) RecordDecoder.decode(TestRecords.record(XACT, XactRecord.ASSIGNMENT, 0,
                new Bytes().u32(800).u32(2).u32(801).u32(802).toArray()));
        assertThat(a).isEqualTo(new XactRecord.Assignment(800, List.of(801L, 802L)));
        DecodedRecord inval = TestRecords.record(XACT, XactRecord.INVALIDATIONS, 0,
                new Bytes().u32(1).u8(0xFF).zeros(3).u32(0).u32(1259).zeros(4).toArray());
        assertThat(RecordDescriber.describe(inval)).isEqualTo("INVALIDATION ; inval msgs: catalog 1259");
    }
}
