package dev.cairn.pgformat.rmgr;

import dev.cairn.pgformat.control.CheckPoint;
import dev.cairn.common.Lsn;
import dev.cairn.pgformat.RelFileLocator;
import dev.cairn.pgformat.rmgr.TestRecords.Bytes;
import dev.cairn.pgformat.wal.DecodedRecord;
import dev.cairn.pgformat.wal.RmgrId;
import dev.cairn.pgformat.wal.WalFormatException;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Hand-built main data for the non-transaction rmgrs, checked field by field and against pg_waldump's desc format. */
class RmgrDecodersTest {
    private static final RelFileLocator REL = new RelFileLocator(1663, 5, 16384);

    private static RmgrRecord decode(RmgrId rmgr, int info, Bytes data) {
        return RecordDecoder.decode(TestRecords.record(rmgr.id, info, 0, data.toArray()));
    }

    private static String describe(RmgrId rmgr, int info, Bytes data) {
        return RecordDescriber.describe(TestRecords.record(rmgr.id, info, 0, data.toArray()));
    }

    static Bytes checkpoint() {
        return new Bytes().u64(0x1970E10L).u32(1).u32(1).u8(1).zeros(7)
                .u64((2L << 32) | 739).u32(24576).u32(3).u32(7).u32(716).u32(1).u32(1).u32(1).zeros(4)
                .u64(1_700_000_000L).u32(0).u32(0).u32(738).zeros(4);
    }

    @Test
    void checkpointOnline() {
        Bytes data = checkpoint();
        assertThat(data.size()).isEqualTo(CheckPoint.SIZE);
        var c = (XlogRecord.Checkpoint) decode(RmgrId.XLOG, XlogRecord.CHECKPOINT_ONLINE, data);
        assertThat(c.shutdown()).isFalse();
        CheckPoint f = c.checkpoint();
        assertThat(f.redo()).isEqualTo(Lsn.parse("0/1970E10"));
        assertThat(f.nextXidEpoch()).isEqualTo(2);
        assertThat(f.nextXid()).isEqualTo(739);
        assertThat(f.nextOid()).isEqualTo(24576);
        assertThat(f.nextMulti()).isEqualTo(3);
        assertThat(f.nextMultiOffset()).isEqualTo(7);
        assertThat(f.time()).isEqualTo(1_700_000_000L);
        assertThat(f.oldestActiveXid()).isEqualTo(738);
        assertThat(describe(RmgrId.XLOG, XlogRecord.CHECKPOINT_ONLINE, checkpoint())).isEqualTo(
                "CHECKPOINT_ONLINE redo 0/1970E10; tli 1; prev tli 1; fpw true; xid 2:739; oid 24576; multi 3;"
                        + " offset 7; oldest xid 716 in DB 1; oldest multi 1 in DB 1;"
                        + " oldest/newest commit timestamp xid: 0/0; oldest running xid 738; online");
    }

    @Test
    void shortCheckpointIsBadPayload() {
        byte[] data = java.util.Arrays.copyOf(checkpoint().toArray(), 80);
        DecodedRecord rec = TestRecords.record(RmgrId.XLOG.id, XlogRecord.CHECKPOINT_SHUTDOWN, 0, data);
        assertThatThrownBy(() -> RecordDecoder.decode(rec)).isInstanceOfSatisfying(WalFormatException.class, e -> {
            assertThat(e.reason()).isEqualTo(WalFormatException.Cause.BAD_PAYLOAD);
            assertThat(e.getMessage()).contains("CHECKPOINT_SHUTDOWN").contains("CheckPoint");
        });
    }

    @Test
    void otherXlogRecords() {
        assertThat(decode(RmgrId.XLOG, XlogRecord.NEXTOID, new Bytes().u32(0xFFFF_0000L)))
                .isEqualTo(new XlogRecord.NextOid(0xFFFF_0000L));
        assertThat(decode(RmgrId.XLOG, XlogRecord.SWITCH, new Bytes())).isEqualTo(new XlogRecord.Switch());
        assertThat(decode(RmgrId.XLOG, XlogRecord.FPI_FOR_HINT, new Bytes()))
                .isEqualTo(new XlogRecord.FullPageImages(true));
        assertThat(decode(RmgrId.XLOG, XlogRecord.BACKUP_END, new Bytes().u64(0x3000028L)))
                .isEqualTo(new XlogRecord.BackupEnd(Lsn.parse("0/3000028")));
        assertThat(decode(RmgrId.XLOG, XlogRecord.FPW_CHANGE, new Bytes().u8(0)))
                .isEqualTo(new XlogRecord.FpwChange(false));
        Bytes rp = new Bytes().u64(5).cstring("before-upgrade");
        rp.zeros(8 + 64 - rp.size());
        assertThat(decode(RmgrId.XLOG, XlogRecord.RESTORE_POINT, rp))
                .isEqualTo(new XlogRecord.RestorePoint(new PgTimestamp(5), "before-upgrade"));
        assertThat(describe(RmgrId.XLOG, XlogRecord.PARAMETER_CHANGE,
                new Bytes().u32(100).u32(8).u32(10).u32(5).u32(64).u32(1).u8(0).u8(1).zeros(2)))
                .isEqualTo("PARAMETER_CHANGE max_connections=100 max_worker_processes=8 max_wal_senders=10"
                        + " max_prepared_xacts=5 max_locks_per_xact=64 wal_level=replica wal_log_hints=off"
                        + " track_commit_timestamp=on");
        assertThat(decode(RmgrId.XLOG, XlogRecord.END_OF_RECOVERY, new Bytes().u64(9).u32(2).u32(1)))
                .isEqualTo(new XlogRecord.EndOfRecovery(new PgTimestamp(9), 2, 1));
        assertThat(decode(RmgrId.XLOG, XlogRecord.OVERWRITE_CONTRECORD, new Bytes().u64(0x2FFFFF0L).u64(1)))
                .isEqualTo(new XlogRecord.OverwriteContrecord(Lsn.parse("0/2FFFFF0"), new PgTimestamp(1)));
        assertThat(decode(RmgrId.XLOG, 0xC0, new Bytes())).isInstanceOf(OpaqueRecord.class);
    }

    @Test
    void clogAndMultiXact() {
        assertThat(decode(RmgrId.CLOG, ClogRecord.ZEROPAGE, new Bytes().u32(3)))
                .isEqualTo(new ClogRecord.ZeroPage(3));
        assertThat(describe(RmgrId.CLOG, ClogRecord.TRUNCATE, new Bytes().u32(2).u32(70000).u32(1)))
                .isEqualTo("TRUNCATE page 2; oldestXact 70000");
        Bytes create = new Bytes().u32(4).u32(9).u32(2).u32(750).u32(1).u32(751).u32(5);
        assertThat(decode(RmgrId.MULTIXACT, MultiXactRecord.CREATE_ID, create)).isEqualTo(
                new MultiXactRecord.CreateId(4, 9, List.of(new MultiXactRecord.Member(750, 1),
                        new MultiXactRecord.Member(751, 5))));
        assertThat(describe(RmgrId.MULTIXACT, MultiXactRecord.CREATE_ID,
                new Bytes().u32(4).u32(9).u32(2).u32(750).u32(1).u32(751).u32(5)))
                .isEqualTo("CREATE_ID 4 offset 9 nmembers 2: 750 (sh) 751 (upd) ");
        assertThat(decode(RmgrId.MULTIXACT, MultiXactRecord.TRUNCATE_ID, new Bytes().u32(1).u32(1).u32(5).u32(0).u32(9)))
                .isEqualTo(new MultiXactRecord.TruncateId(1, 1, 5, 0, 9));
        assertThatThrownBy(() -> decode(RmgrId.MULTIXACT, MultiXactRecord.CREATE_ID,
                new Bytes().u32(4).u32(9).u32(3).u32(750).u32(1)))
                .isInstanceOf(WalFormatException.class).hasMessageContaining("members");
    }

    @Test
    void relmapSmgrDbase() {
        byte[] map = new byte[512];
        map[0] = 0x17;
        var update = (RelMapRecord.Update) decode(RmgrId.RELMAP, RelMapRecord.UPDATE,
                new Bytes().u32(5).u32(1663).u32(512).zeros(0).u8(0x17).zeros(511));
        assertThat(update).isEqualTo(new RelMapRecord.Update(5, 1663, map));
        assertThatThrownBy(() -> decode(RmgrId.RELMAP, RelMapRecord.UPDATE, new Bytes().u32(5).u32(1663).u32(512)))
                .isInstanceOf(WalFormatException.class);

        assertThat(describe(RmgrId.SMGR, SmgrRecord.CREATE, new Bytes().rel(REL).u32(1)))
                .isEqualTo("CREATE base/5/16384_fsm");
        var trunc = (SmgrRecord.Truncate) decode(RmgrId.SMGR, SmgrRecord.TRUNCATE,
                new Bytes().u32(3).rel(REL).u32(SmgrRecord.TRUNCATE_HEAP | SmgrRecord.TRUNCATE_FSM));
        assertThat(trunc.blocks()).isEqualTo(3);
        assertThat(trunc.truncatesMain()).isTrue();
        assertThat(trunc.truncatesVisibilityMap()).isFalse();
        assertThat(trunc.truncatesFreeSpaceMap()).isTrue();
        assertThat(describe(RmgrId.SMGR, SmgrRecord.TRUNCATE, new Bytes().u32(3).rel(new RelFileLocator(1664, 0, 1262)).u32(7)))
                .isEqualTo("TRUNCATE global/1262 to 3 blocks flags 7");

        assertThat(describe(RmgrId.DBASE, DbaseRecord.CREATE_FILE_COPY, new Bytes().u32(16398).u32(1663).u32(1).u32(1663)))
                .isEqualTo("CREATE_FILE_COPY copy dir 1663/1 to 1663/16398");
        assertThat(describe(RmgrId.DBASE, DbaseRecord.CREATE_WAL_LOG, new Bytes().u32(16397).u32(1663)))
                .isEqualTo("CREATE_WAL_LOG create dir 1663/16397");
        assertThat(decode(RmgrId.DBASE, DbaseRecord.DROP, new Bytes().u32(16398).u32(2).u32(1663).u32(16500)))
                .isEqualTo(new DbaseRecord.Drop(16398, List.of(1663L, 16500L)));
        assertThatThrownBy(() -> decode(RmgrId.DBASE, DbaseRecord.DROP, new Bytes().u32(16398).u32(-1)))
                .isInstanceOf(WalFormatException.class).hasMessageContaining("tablespace_ids");
    }

    @Test
    void standby() {
        assertThat(describe(RmgrId.STANDBY, StandbyRecord.LOCK, new Bytes().u32(1).u32(724).u32(5).u32(16384)))
                .isEqualTo("LOCK xid 724 db 5 rel 16384 ");
        Bytes running = new Bytes().u32(1).u32(1).u8(0).zeros(3).u32(739).u32(738).u32(737).u32(738).u32(741);
        var rx = (StandbyRecord.RunningXacts) decode(RmgrId.STANDBY, StandbyRecord.RUNNING_XACTS, running);
        assertThat(rx.xids()).containsExactly(738L);
        assertThat(rx.subxids()).containsExactly(741L);
        assertThat(describe(RmgrId.STANDBY, StandbyRecord.RUNNING_XACTS,
                new Bytes().u32(1).u32(0).u8(0).zeros(3).u32(739).u32(738).u32(737).u32(738)))
                .isEqualTo("RUNNING_XACTS nextXid 739 latestCompletedXid 737 oldestRunningXid 738; 1 xacts: 738");
        assertThatThrownBy(() -> decode(RmgrId.STANDBY, StandbyRecord.RUNNING_XACTS,
                new Bytes().u32(5).u32(0).u8(0).zeros(3).u32(739).u32(738).u32(737).u32(738)))
                .isInstanceOf(WalFormatException.class);
        assertThat(describe(RmgrId.STANDBY, StandbyRecord.INVALIDATIONS,
                new Bytes().u32(5).u32(1663).u8(1).zeros(3).u32(1).u8(0xFD).zeros(3).rel(REL)))
                .isEqualTo("INVALIDATIONS ; relcache init file inval dbid 5 tsid 1663; inval msgs: smgr");
    }

    @Test
    void unknownRmgrsAreOpaque() {
        DecodedRecord custom = TestRecords.record(130, 0x10, 5, new byte[]{1, 2, 3},
                TestRecords.block(0, REL, 0, 7));
        var opaque = (OpaqueRecord) RecordDecoder.decode(custom);
        assertThat(opaque.blocks()).hasSize(1);
        assertThat(opaque.header().rmid()).isEqualTo(130);
        assertThat(RecordDescriber.describe(custom)).isEqualTo("UNKNOWN (10) ");
        assertThat(RecordDecoder.decode(TestRecords.record(RmgrId.BTREE.id, 0, 5, new byte[0])))
                .isInstanceOf(OpaqueRecord.class);
    }

    @Test
    void timestampsPrintLikePgWaldump() {
        assertThat(new PgTimestamp(0).format(java.time.ZoneId.of("UTC"))).isEqualTo("2000-01-01 00:00:00.000000 UTC");
        assertThat(new PgTimestamp(-1).format(java.time.ZoneId.of("UTC"))).isEqualTo("1999-12-31 23:59:59.999999 UTC");
        var t = PgTimestamp.of(java.time.Instant.parse("2026-11-23T20:51:45.547934Z"));
        assertThat(t.format(java.time.ZoneId.of("UTC"))).isEqualTo("2026-11-23 20:51:45.547934 UTC");
    }
}
