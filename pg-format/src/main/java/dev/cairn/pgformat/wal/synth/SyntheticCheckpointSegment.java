package dev.cairn.pgformat.wal.synth;

import dev.cairn.common.Lsn;
import dev.cairn.pgformat.PgConstants;
import dev.cairn.pgformat.PgVersion;
import dev.cairn.pgformat.control.CheckPoint;
import dev.cairn.pgformat.control.ControlFile;
import dev.cairn.pgformat.wal.WalPageHeader;
import dev.cairn.pgformat.wal.WalSegmentName;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * A WAL segment whose only content is a shutdown checkpoint record at
 * {@code location} — what a data directory needs so that stock PostgreSQL
 * starts there without recovery and continues writing WAL right after the
 * record (pg_resetwal does the same at a segment start; we do it at any
 * record position).
 *
 * <p>The segment holds zeros except: a long page header on its first page,
 * short headers on every following page up to the one holding the record's
 * last byte, and the record. The page holding {@code location} claims a
 * continuation record (XLP_FIRST_IS_CONTRECORD) whose length reaches exactly
 * {@code location}, so that tools scanning for a record boundary, like
 * pg_waldump, find the record; when {@code location} directly follows the
 * page header the flag stays clear (PostgreSQL refuses a record there if it
 * is set: "contrecord is requested"). Pages the record continues on carry the
 * flag with the remaining length, as XLogInsert writes them. A record that
 * crosses into the next segment makes a second file.
 *
 * @param location   where the record starts; must be a valid record position (see {@link RecordPosition})
 * @param prev       xl_prev: the previous record's position, or {@link Lsn#INVALID} (as pg_resetwal writes); below location
 * @param checkpoint the record's main data; its redo must equal location and its ThisTimeLineID names the timeline
 */
public record SyntheticCheckpointSegment(PgVersion version, Lsn location, Lsn prev, long systemIdentifier,
                                         int segmentSize, CheckPoint checkpoint) {

    public SyntheticCheckpointSegment {
        RecordPosition.requireSegmentSize(segmentSize);
        RecordPosition.requireValid(location, segmentSize);
        if (!prev.isBefore(location)) {
            throw new IllegalArgumentException("xl_prev " + prev + " must be before the record at " + location);
        }
        if (!checkpoint.redo().equals(location)) {
            throw new IllegalArgumentException("a shutdown checkpoint's redo (" + checkpoint.redo()
                    + ") must equal its location (" + location + ")");
        }
        if (checkpoint.thisTimeline() == 0) {
            throw new IllegalArgumentException("timeline 0 is invalid");
        }
    }

    /** A PostgreSQL 15 segment. */
    public SyntheticCheckpointSegment(Lsn location, Lsn prev, long systemIdentifier, int segmentSize, CheckPoint checkpoint) {
        this(PgVersion.PG15, location, prev, systemIdentifier, segmentSize, checkpoint);
    }

    /** Where the record ends (MAXALIGNed): the position at which PostgreSQL writes its next record. */
    public Lsn endLsn() {
        Lsn pos = location;
        int left = ShutdownCheckpointRecord.TOTAL_LENGTH;
        while (left > 0) {
            if (pos.pageOffset(PgConstants.XLOG_BLCKSZ) == 0) {
                pos = pos.plus(RecordPosition.pageHeaderSize(pos, segmentSize));
            }
            int n = Math.min(left, PgConstants.XLOG_BLCKSZ - pos.pageOffset(PgConstants.XLOG_BLCKSZ));
            pos = pos.plus(n);
            left -= n;
        }
        return Lsn.of(PgConstants.maxAlign(pos.value()));
    }

    /** The segment file holding the record's start; {@link #files()} has a second one if the record crosses into it. */
    public WalSegmentName segmentName() {
        return WalSegmentName.containing((int) checkpoint.thisTimeline(), location, segmentSize);
    }

    /** The segment files to place in pg_wal: one, or two when the record crosses a segment boundary. */
    public List<WalSegmentFile> files() {
        byte[] record = ShutdownCheckpointRecord.encode(prev, checkpoint);
        List<WalSegmentFile> files = new ArrayList<>();
        WalSegmentName name = segmentName();
        byte[] segment = new byte[segmentSize];
        files.add(new WalSegmentFile(name, segment));
        long segmentStart = name.startLsn().value();

        long recordPage = location.value() - location.pageOffset(PgConstants.XLOG_BLCKSZ);
        for (long page = segmentStart; page < recordPage; page += PgConstants.XLOG_BLCKSZ) {
            writeHeader(segment, segmentStart, page, 0, 0);
        }
        int headerSize = RecordPosition.pageHeaderSize(location, segmentSize);
        int before = (int) (location.value() - recordPage - headerSize);
        writeHeader(segment, segmentStart, recordPage, before == 0 ? 0 : WalPageHeader.XLP_FIRST_IS_CONTRECORD, before);

        long pos = location.value();
        int written = 0;
        while (written < record.length) {
            if (pos % PgConstants.XLOG_BLCKSZ == 0) {
                if (pos - segmentStart == segmentSize) {
                    name = name.next();
                    segment = new byte[segmentSize];
                    files.add(new WalSegmentFile(name, segment));
                    segmentStart = pos;
                }
                pos += writeHeader(segment, segmentStart, pos, WalPageHeader.XLP_FIRST_IS_CONTRECORD,
                        record.length - written);
            }
            int n = (int) Math.min(record.length - written, PgConstants.XLOG_BLCKSZ - pos % PgConstants.XLOG_BLCKSZ);
            System.arraycopy(record, written, segment, (int) (pos - segmentStart), n);
            pos += n;
            written += n;
        }
        return List.copyOf(files);
    }

    /**
     * {@code base} (the cluster's current pg_control) changed to match this
     * segment: shut down cleanly with this checkpoint as the latest one, no
     * minimum recovery or backup end point.
     */
    public ControlFile controlFile(ControlFile base, long now) {
        if (base.systemIdentifier() != systemIdentifier) {
            throw new IllegalArgumentException("pg_control belongs to system " + Long.toUnsignedString(base.systemIdentifier())
                    + ", the segment to " + Long.toUnsignedString(systemIdentifier));
        }
        if (base.build().xlogSegSize() != segmentSize) {
            throw new IllegalArgumentException("pg_control says WAL segments are " + base.build().xlogSegSize()
                    + " bytes, the segment is " + segmentSize);
        }
        return base.withShutdownCheckpoint(location, checkpoint, now);
    }

    /** Writes the page header for the page at WAL address {@code page}; returns its size. */
    private int writeHeader(byte[] segment, long segmentStart, long page, int flags, int remainingLength) {
        int tli = (int) checkpoint.thisTimeline();
        WalPageHeader header = page == segmentStart
                ? WalPageHeader.longHeader(version.walPageMagic, flags, tli, Lsn.of(page), remainingLength,
                systemIdentifier, segmentSize, PgConstants.XLOG_BLCKSZ)
                : WalPageHeader.shortHeader(version.walPageMagic, flags, tli, Lsn.of(page), remainingLength);
        return header.write(ByteBuffer.wrap(segment), (int) (page - segmentStart));
    }
}
