package dev.cairn.pgformat.wal.synth;

import dev.cairn.common.Lsn;
import dev.cairn.pgformat.PgConstants;
import dev.cairn.pgformat.PgVersion;
import dev.cairn.pgformat.control.CheckPoint;
import dev.cairn.pgformat.wal.WalPageHeader;
import dev.cairn.pgformat.wal.XLogRecordHeader;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The bytes of synthetic segments, checked structurally (stock PostgreSQL checks them in {@link SyntheticCheckpointStartTest}). */
class SyntheticCheckpointSegmentTest {
    private static final int SEG = PgConstants.DEFAULT_WAL_SEGMENT_SIZE;
    private static final int PAGE = PgConstants.XLOG_BLCKSZ;
    private static final long SYSID = 7_311_111_111_111_111_111L;
    private static final Lsn PREV = Lsn.parse("0/2122F18");

    @Test
    void midPageRecordHasZerosBeforeItAndAContinuationClaimReachingIt() {
        Lsn l = Lsn.parse("0/5002BB8"); // segment 5, page 1, offset 0xBB8
        SyntheticCheckpointSegment s = segment(l);
        List<WalSegmentFile> files = s.files();
        assertThat(files).hasSize(1);
        byte[] seg = files.get(0).bytes();
        assertThat(files.get(0).fileName()).isEqualTo("000000010000000000000005");
        assertThat(seg).hasSize(SEG);

        WalPageHeader first = WalPageHeader.read(ByteBuffer.wrap(seg), 0);
        assertThat(first.isLong()).isTrue();
        assertThat(first.isContinuation()).isFalse();
        assertThat(first.magic()).isEqualTo(PgVersion.PG15.walPageMagic);
        assertThat(first.pageAddress()).isEqualTo(Lsn.parse("0/5000000"));
        assertThat(first.systemId()).isEqualTo(SYSID);
        assertThat(first.segmentSize()).isEqualTo(SEG);
        assertThat(first.walBlockSize()).isEqualTo(PAGE);
        assertThat(first.timeline()).isEqualTo(1);
        assertZero(seg, WalPageHeader.LONG_SIZE, PAGE);

        WalPageHeader second = WalPageHeader.read(ByteBuffer.wrap(seg), PAGE);
        assertThat(second.isLong()).isFalse();
        assertThat(second.info()).isEqualTo(WalPageHeader.XLP_FIRST_IS_CONTRECORD);
        assertThat(second.pageAddress()).isEqualTo(Lsn.parse("0/5002000"));
        assertThat(WalPageHeader.SHORT_SIZE + second.remainingLength()).isEqualTo(0xBB8);
        assertZero(seg, PAGE + WalPageHeader.SHORT_SIZE, 0x2BB8);

        assertRecord(Arrays.copyOfRange(seg, 0x2BB8, 0x2BB8 + ShutdownCheckpointRecord.TOTAL_LENGTH), l);
        assertZero(seg, 0x2BB8 + ShutdownCheckpointRecord.TOTAL_LENGTH, SEG);
        assertThat(s.endLsn()).isEqualTo(l.plus(120));
    }

    @Test
    void recordRightAfterAPageHeaderNeverClaimsAContinuation() {
        for (String at : new String[] {"0/5006018", "0/5000028"}) {
            Lsn l = Lsn.parse(at);
            byte[] seg = segment(l).files().get(0).bytes();
            int pageOffset = (int) (l.value() - Lsn.parse("0/5000000").value()) & ~(PAGE - 1);
            WalPageHeader h = WalPageHeader.read(ByteBuffer.wrap(seg), pageOffset);
            assertThat(h.isContinuation()).as(at).isFalse();
            assertThat(h.remainingLength()).isZero();
            assertRecord(Arrays.copyOfRange(seg, pageOffset + h.size(), pageOffset + h.size() + 114), l);
        }
    }

    @Test
    void recordCrossingAPageContinuesAfterTheNextHeader() {
        Lsn l = Lsn.parse("0/5003FD0"); // 48 bytes left on the page
        byte[] seg = segment(l).files().get(0).bytes();
        WalPageHeader next = WalPageHeader.read(ByteBuffer.wrap(seg), 0x4000);
        assertThat(next.isContinuation()).isTrue();
        assertThat(next.remainingLength()).isEqualTo(114 - 48);
        byte[] joined = new byte[114];
        System.arraycopy(seg, 0x3FD0, joined, 0, 48);
        System.arraycopy(seg, 0x4000 + 24, joined, 48, 66);
        assertRecord(joined, l);
        assertThat(segment(l).endLsn()).isEqualTo(Lsn.parse("0/5004018").plus(72));
    }

    @Test
    void recordCrossingASegmentMakesTwoFiles() {
        Lsn l = Lsn.parse("0/5FFFFE0"); // 32 bytes left in the segment
        SyntheticCheckpointSegment s = segment(l);
        List<WalSegmentFile> files = s.files();
        assertThat(files).extracting(WalSegmentFile::fileName)
                .containsExactly("000000010000000000000005", "000000010000000000000006");
        byte[] second = files.get(1).bytes();
        WalPageHeader h = WalPageHeader.read(ByteBuffer.wrap(second), 0);
        assertThat(h.isLong()).isTrue();
        assertThat(h.isContinuation()).isTrue();
        assertThat(h.remainingLength()).isEqualTo(114 - 32);
        assertThat(h.pageAddress()).isEqualTo(Lsn.parse("0/6000000"));
        byte[] joined = new byte[114];
        System.arraycopy(files.get(0).bytes(), SEG - 32, joined, 0, 32);
        System.arraycopy(second, 40, joined, 32, 82);
        assertRecord(joined, l);
        assertThat(s.endLsn()).isEqualTo(Lsn.parse("0/6000028").plus(88));
        assertZero(second, 40 + 82, SEG);
    }

    @Test
    void invalidRequestsAreRefusedWithAReason() {
        CheckPoint cp = checkpoint(Lsn.parse("0/5002000"));
        assertThatThrownBy(() -> new SyntheticCheckpointSegment(Lsn.parse("0/5002000"), PREV, SYSID, SEG, cp))
                .hasMessageContaining("0/05002018");
        Lsn l = Lsn.parse("0/5002BB8");
        assertThatThrownBy(() -> new SyntheticCheckpointSegment(l, l, SYSID, SEG, checkpoint(l)))
                .hasMessageContaining("xl_prev");
        assertThatThrownBy(() -> new SyntheticCheckpointSegment(l, PREV, SYSID, SEG, checkpoint(l.plus(8))))
                .hasMessageContaining("redo");
        assertThat(new SyntheticCheckpointSegment(l, Lsn.INVALID, SYSID, SEG, checkpoint(l)).files()).hasSize(1);
    }

    private static SyntheticCheckpointSegment segment(Lsn l) {
        return new SyntheticCheckpointSegment(l, PREV, SYSID, SEG, checkpoint(l));
    }

    static CheckPoint checkpoint(Lsn redo) {
        return new CheckPoint(redo, 1, 1, true, 740, 16400, 1, 0, 716, 1, 1, 1, 1_763_000_000L, 0, 0, 0);
    }

    /** Header fields, CRC (computed independently, as PostgreSQL does) and main data of a record. */
    private static void assertRecord(byte[] record, Lsn l) {
        XLogRecordHeader h = XLogRecordHeader.read(record, 0);
        assertThat(h.totalLength()).isEqualTo(114);
        assertThat(h.rmid()).isZero();
        assertThat(h.info()).isZero();
        assertThat(h.xid()).isZero();
        assertThat(h.prev()).isEqualTo(PREV);
        CRC32C crc = new CRC32C();
        crc.update(record, 24, 90);
        crc.update(record, 0, 20);
        assertThat(h.crc()).isEqualTo((int) crc.getValue());
        assertThat(record[24]).isEqualTo((byte) 255);
        assertThat(record[25]).isEqualTo((byte) CheckPoint.SIZE);
        assertThat(CheckPoint.read(ByteBuffer.wrap(record, 26, CheckPoint.SIZE))).isEqualTo(checkpoint(l));
    }

    private static void assertZero(byte[] bytes, int from, int to) {
        for (int i = from; i < to; i++) {
            if (bytes[i] != 0) {
                throw new AssertionError("byte " + i + " is " + bytes[i] + ", expected zero");
            }
        }
    }
}
