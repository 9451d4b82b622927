package dev.cairn.proposer.compute;

import dev.cairn.common.Lsn;
import dev.cairn.pgformat.PgConstants;
import dev.cairn.pgformat.rmgr.RecordTypeNames;
import dev.cairn.pgformat.wal.BlockReference;
import dev.cairn.pgformat.wal.DecodedRecord;
import dev.cairn.redo.BlockRedo;
import dev.cairn.common.TimelineKey;
import dev.cairn.safekeeper.consensus.ProposerPhase;
import dev.cairn.proposer.ProposerDriver;
import org.postgresql.PGConnection;
import org.postgresql.replication.LogSequenceNumber;
import org.postgresql.replication.PGReplicationStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.SQLException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.concurrent.locks.LockSupport;

/**
 * Streams a stock PostgreSQL compute's WAL into a {@link ProposerDriver} over physical replication, and reports
 * back to the compute only the quorum commit LSN as its flush/apply position. With the compute's
 * {@code synchronous_standby_names} naming this stream and {@code synchronous_commit = on}, a COMMIT returns
 * to its client only once a majority of safekeepers has fsynced the commit record. A report limit lets the
 * storage behind the quorum hold the compute back further (the pageserver's ingest lag): no commit is reported
 * beyond it and no WAL read past it, so even one long transaction cannot run the quorum far ahead of the
 * pageserver; its WAL waits in the compute's pg_wal. For a Cairn compute, a record that changes
 * a block without its image never reaches the quorum ({@link RecordWithoutImageException}).
 *
 * <p>One thread owns the pgjdbc stream (it is not thread-safe). Once the proposer is fenced by a newer term
 * the thread closes the connection without reporting anything more, so the compute's pending and future
 * commits never get acknowledged through this stream.
 */
public final class ComputeWalStreamer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ComputeWalStreamer.class);
    /** Idle wait between polls: bounds the extra latency a commit sees when no WAL arrives meanwhile. */
    private static final long IDLE_PARK_NANOS = TimeUnit.MICROSECONDS.toNanos(200);
    /** WAL held by the proposer (window and queue) above which no more is read from the compute. */
    static final long MAX_BUFFERED_BYTES = 48L << 20;
    /** The highest LSN there is: reports limited by the quorum alone. */
    private static final Lsn NO_LIMIT = Lsn.of(-1L);
    private static final long BACKPRESSURE_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(5);
    /**
     * How often a stream that reads nothing still tells the walsender it is alive: a walsender that hears
     * nothing for wal_sender_timeout (60 s) ends the connection, and status updates otherwise go out only
     * as WAL is read or commits advance.
     */
    private static final long KEEPALIVE_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final TimelineKey timeline;
    private final ComputeAddress compute;
    private final String slotName;
    private final ProposerDriver proposer;
    private final Supplier<Lsn> reportLimit;
    private final boolean requireImages;

    private volatile boolean closing;
    private volatile Lsn receivedUpTo = Lsn.INVALID;
    private volatile Lsn reportedFlush = Lsn.INVALID;
    private volatile Throwable failure;
    private volatile String stopReason;
    private Thread thread;
    private volatile WholeRecordGate gate;
    /** When the last status update went to the walsender (nanoTime; the stream thread's own). */
    private long lastStatusNanos;

    public ComputeWalStreamer(TimelineKey timeline, ComputeAddress compute, String slotName, ProposerDriver proposer) {
        this(timeline, compute, slotName, proposer, () -> NO_LIMIT, false);
    }

    /**
     * @param reportLimit the highest position this stream may read up to or report to the compute as flushed,
     *                    asked before every read and report: how storage behind the quorum holds the compute
     *                    back (backpressure while the pageserver's ingest lags)
     * @param requireImages whether every record must carry the images of the blocks it changes (a Cairn compute,
     *                      whose pages the pageserver materialises from images); one without is refused
     *                      ({@link RecordWithoutImageException}) before it reaches the quorum
     */
    public ComputeWalStreamer(TimelineKey timeline, ComputeAddress compute, String slotName, ProposerDriver proposer,
                              Supplier<Lsn> reportLimit, boolean requireImages) {
        this.timeline = timeline;
        this.compute = compute;
        this.slotName = slotName;
        this.proposer = proposer;
        this.reportLimit = reportLimit;
        this.requireImages = requireImages;
    }

    /**
     * Starts streaming at {@code start}, which must be where the elected proposer's log ends (its term start):
     * every byte the compute sends is appended right after it.
     */
    public synchronized void start(Lsn start) {
        if (thread != null) {
            throw new IllegalStateException("stream for timeline " + timeline + " already started");
        }
        if (proposer.phase() != ProposerPhase.LEADING) {
            throw new ComputeStreamException(timeline, compute, start,
                    "proposer is " + proposer.phase() + " (term " + proposer.term() + "), not leading", null);
        }
        if (!start.equals(proposer.termStartLsn())) {
            throw new WalPositionMismatchException(timeline, compute, proposer.termStartLsn(), start,
                    "stream start is not the proposer's term start (term " + proposer.term() + ")");
        }
        int segmentSize = prepareSlot(start);
        Connection conn;
        PGReplicationStream stream;
        try {
            conn = DriverManager.getConnection(compute.jdbcUrl(), compute.replicationProperties());
        } catch (SQLException e) {
            throw new ComputeStreamException(timeline, compute, start, "replication connection failed", e);
        }
        try {
            stream = conn.unwrap(PGConnection.class).getReplicationAPI().replicationStream().physical()
                    .withSlotName(slotName)
                    .withStartPosition(LogSequenceNumber.valueOf(start.value()))
                    .withStatusInterval(1, TimeUnit.SECONDS)
                    // pgjdbc would otherwise report a keepalive's LSN as flushed once the last message's start
                    // is: that acknowledges commits no quorum has (only the quorum commit LSN is ever flushed)
                    .withAutomaticFlush(false)
                    .start();
        } catch (SQLException e) {
            closeQuietly(conn);
            throw new ComputeStreamException(timeline, compute, start, "START_REPLICATION on slot " + slotName
                    + " failed", e);
        }
        receivedUpTo = start;
        gate = requireImages ? new WholeRecordGate(start, segmentSize, this::requireImages)
                : new WholeRecordGate(start, segmentSize);
        thread = Thread.ofPlatform().name("compute-wal-" + slotName).daemon().start(() -> run(conn, stream));
    }

    /**
     * Creates the physical slot (reserving WAL now) unless it exists, so the compute keeps what we still
     * need, and returns the compute's wal_segment_size, which the record gate needs to find page headers.
     * One connection for both: each login costs a backend and a SCRAM exchange on the cold-start path.
     */
    private int prepareSlot(Lsn start) {
        try (Connection c = DriverManager.getConnection(compute.jdbcUrl(), compute.sqlProperties())) {
            try (PreparedStatement exists = c.prepareStatement(
                    "SELECT 1 FROM pg_replication_slots WHERE slot_name = ? AND slot_type = 'physical'")) {
                exists.setString(1, slotName);
                boolean found;
                try (ResultSet rs = exists.executeQuery()) {
                    found = rs.next();
                }
                if (!found) {
                    try (PreparedStatement create = c.prepareStatement("SELECT pg_create_physical_replication_slot(?, true)")) {
                        create.setString(1, slotName);
                        create.execute();
                    }
                }
            } catch (SQLException e) {
                throw new ComputeStreamException(timeline, compute, start, "cannot create physical slot " + slotName, e);
            }
            try (Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT setting::int * CASE unit WHEN 'B' THEN 1 WHEN 'kB' THEN 1024"
                         + " WHEN 'MB' THEN 1048576 END FROM pg_settings WHERE name = 'wal_segment_size'")) {
                rs.next();
                return rs.getInt(1);
            } catch (SQLException e) {
                throw new ComputeStreamException(timeline, compute, start, "cannot read wal_segment_size", e);
            }
        } catch (SQLException e) {
            throw new ComputeStreamException(timeline, compute, start, "cannot connect to prepare slot " + slotName, e);
        }
    }

    private void run(Connection conn, PGReplicationStream stream) {
        try {
            while (!closing) {
                if (proposer.phase() == ProposerPhase.FENCED) {
                    // A newer term owns the timeline: report nothing more, ever.
                    stopReason = "fenced by a newer term (own term " + proposer.term() + ")";
                    LOG.warn("timeline {}: proposer {}; stopping the WAL stream from {} at {}", timeline, stopReason,
                            compute, receivedUpTo);
                    return;
                }
                if (proposer.failure() != null) {
                    failure = proposer.failure();
                    stopReason = "failed";
                    LOG.error("timeline {}: stopping the WAL stream from {} at {}: {}", timeline, compute, receivedUpTo,
                            failure.getMessage());
                    return;
                }
                if (proposer.bufferedBytes() > MAX_BUFFERED_BYTES || !receivedUpTo.isBefore(reportLimit.get())) {
                    // the quorum, or the storage behind it, is behind: leave the WAL in the compute (its walsender
                    // waits) rather than in memory or in a quorum log that a wake would have to wait for. A long
                    // transaction's WAL is held here; a commit is held by reportCommit's limit.
                    reportCommit(stream);
                    keepAlive(stream);
                    LockSupport.parkNanos(BACKPRESSURE_PARK_NANOS);
                    continue;
                }
                ByteBuffer chunk = stream.readPending();
                if (chunk != null) {
                    append(chunk, stream.getLastReceiveLSN());
                }
                reportCommit(stream);
                if (chunk == null) {
                    LockSupport.parkNanos(IDLE_PARK_NANOS);
                }
            }
            stopReason = "closed";
        } catch (SQLException e) {
            failure = new ComputeStreamException(timeline, compute, receivedUpTo, "replication stream failed", e);
            stopReason = "failed";
            // also how every compute shutdown ends the stream: the walsender goes away with postgres
            LOG.warn("timeline {}: WAL stream from {} ended at {}: {}", timeline, compute, receivedUpTo,
                    e.getCause() != null ? e.getCause().getMessage() : e.getMessage());
        } catch (RuntimeException e) {
            failure = e;
            stopReason = "failed";
            LOG.error("timeline {}: WAL stream failed", timeline, e);
        } finally {
            // Closing the socket (not the stream) sends no final status update.
            closeQuietly(conn);
        }
    }

    private void append(ByteBuffer chunk, LogSequenceNumber chunkEnd) {
        int length = chunk.remaining();
        // pgjdbc reports, for physical streams, the end of the XLogData payload it just returned.
        Lsn chunkStart = Lsn.of(chunkEnd.asLong() - length);
        if (!chunkStart.equals(receivedUpTo)) {
            throw new WalPositionMismatchException(timeline, compute, receivedUpTo, chunkStart,
                    "WAL chunk of " + length + " bytes does not continue the stream");
        }
        byte[] data = new byte[length];
        chunk.get(data);
        Lsn at = gate.releasedUpTo();
        byte[] whole = gate.offer(data);
        if (whole.length > 0) {
            proposer.appendWal(at, whole);
        }
        receivedUpTo = Lsn.of(chunkEnd.asLong());
    }

    /**
     * A record reaches the quorum only if the pageserver can materialise every block it changes: by Java redo of
     * its resource manager, or from the images it carries ({@link RecordWithoutImageException}).
     */
    private void requireImages(DecodedRecord rec) {
        BlockReference missing = BlockRedo.forRmgr(rec.rmgr()) != null ? null : rec.firstBlockWithoutImage();
        if (missing != null) {
            throw new RecordWithoutImageException(timeline, compute, rec.lsn(), RecordTypeNames.display(rec),
                    "block " + missing.blockNumber() + " of relation " + missing.rel() + " fork " + missing.forkNumber());
        }
    }

    private void reportCommit(PGReplicationStream stream) throws SQLException {
        Lsn quorum = proposer.commitLsn();
        if (quorum.isAfter(receivedUpTo)) {
            throw new WalPositionMismatchException(timeline, compute, receivedUpTo, quorum,
                    "quorum commit LSN is beyond the WAL received from this compute");
        }
        Lsn limit = reportLimit.get();
        Lsn commit = Long.compareUnsigned(quorum.value(), limit.value()) <= 0 ? quorum : limit;
        if (!commit.isAfter(reportedFlush) || proposer.phase() == ProposerPhase.FENCED) {
            return;
        }
        LogSequenceNumber lsn = LogSequenceNumber.valueOf(flushedToReport(commit, receivedUpTo).value());
        stream.setFlushedLSN(lsn);
        stream.setAppliedLSN(lsn);
        stream.forceUpdateStatus();
        lastStatusNanos = System.nanoTime();
        reportedFlush = commit;
    }

    private void keepAlive(PGReplicationStream stream) throws SQLException {
        if (System.nanoTime() - lastStatusNanos > KEEPALIVE_NANOS) {
            stream.forceUpdateStatus();
            lastStatusNanos = System.nanoTime();
        }
    }

    /**
     * The flush position to report for a quorum commit at {@code commit} (the end of a record's last byte).
     * PostgreSQL waits for its commit record's end MAXALIGNed, where its next record goes; the quorum log
     * takes that padding with the next record. Reporting only the record's last byte left every lone
     * commit waiting for the next periodic status update, a second later. The padding holds nothing, so
     * the aligned end is as durable as the record; never beyond what the compute has sent, though.
     */
    static Lsn flushedToReport(Lsn commit, Lsn received) {
        return Lsn.of(Math.min(PgConstants.maxAlign(commit.value()), received.value()));
    }

    /** End of the WAL handed to the proposer: whole records only, so at or before {@link #receivedUpTo()}. */
    public Lsn appendedUpTo() {
        WholeRecordGate g = gate;
        return g == null ? receivedUpTo : g.releasedUpTo();
    }

    /** End of the WAL received from the compute (a partial record at its end is not appended yet). */
    public Lsn receivedUpTo() {
        return receivedUpTo;
    }

    /** The last quorum commit LSN (within the report limit) reported to the compute as flushed (reported MAXALIGNed, see {@link #flushedToReport}). */
    public Lsn reportedFlushLsn() {
        return reportedFlush;
    }

    /** Why the stream ended, or null while it runs. */
    public String stopReason() {
        return stopReason;
    }

    /** What made the stream fail, or null. */
    public Throwable failure() {
        return failure;
    }

    public boolean isRunning() {
        Thread t = thread;
        return t != null && t.isAlive();
    }

    @Override
    public void close() {
        closing = true;
        Thread t;
        synchronized (this) {
            t = thread;
        }
        if (t != null) {
            try {
                t.join(TimeUnit.SECONDS.toMillis(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void closeQuietly(Connection conn) {
        try {
            conn.close();
        } catch (SQLException e) {
            LOG.debug("closing replication connection", e);
        }
    }
}
