package dev.cairn.pgformat.control;

import dev.cairn.common.Lsn;
import dev.cairn.pgformat.wal.WalSegmentName;
import dev.cairn.pgruntime.PgCluster;
import dev.cairn.pgruntime.ProcessResult;
import dev.cairn.pgruntime.ProcessRunner;

import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Runs stock {@code pg_controldata} (in the C locale and UTC, so its text is
 * predictable) and parses its "label: value" lines; also renders what it
 * should print for a {@link ControlFile}, so tests compare field by field.
 */
public record PgControldata(String rawOutput, Map<String, String> fields) {

    /** glibc's %c in the C locale: "Mon Nov  3 21:04:41 2026". */
    private static final DateTimeFormatter C_TIME =
            DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss yyyy", Locale.ROOT).withZone(ZoneOffset.UTC);

    public static PgControldata of(PgCluster cluster, Path dataDir) {
        String tool = cluster.binaries().tool("pg_controldata").toString();
        ProcessResult r = ProcessRunner.run(cluster.user().wrap(List.of("env", "TZ=UTC", "LC_ALL=C", tool, dataDir.toString())),
                null, 60).requireSuccess("pg_controldata " + dataDir);
        return parse(r.stdout() + r.stderr());
    }

    static PgControldata parse(String text) {
        Map<String, String> fields = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            int colon = line.indexOf(':');
            // Labels such as "Latest checkpoint's oldestCommitTsXid:0" have no space after the colon.
            if (colon > 0 && !line.startsWith("WARNING")) {
                fields.put(line.substring(0, colon), line.substring(colon + 1).strip());
            }
        }
        return new PgControldata(text, fields);
    }

    public String get(String label) {
        String v = fields.get(label);
        if (v == null) {
            throw new AssertionError("pg_controldata printed no '" + label + "':\n" + rawOutput);
        }
        return v;
    }

    public boolean warnsAboutCrc() {
        return rawOutput.contains("CRC");
    }

    /** What pg_controldata prints for {@code cf}, label by label, in its order. */
    public static Map<String, String> expected(ControlFile cf) {
        CheckPoint cp = cf.checkPointCopy();
        ParameterSettings s = cf.settings();
        BuildParameters b = cf.build();
        Map<String, String> m = new LinkedHashMap<>();
        m.put("pg_control version number", Integer.toString(cf.pgControlVersion()));
        m.put("Catalog version number", Long.toString(cf.catalogVersionNo()));
        m.put("Database system identifier", Long.toUnsignedString(cf.systemIdentifier()));
        m.put("Database cluster state", cf.state().description);
        m.put("pg_control last modified", time(cf.time()));
        m.put("Latest checkpoint location", lsn(cf.checkPoint()));
        m.put("Latest checkpoint's REDO location", lsn(cp.redo()));
        m.put("Latest checkpoint's REDO WAL file",
                WalSegmentName.containing((int) cp.thisTimeline(), cp.redo(), b.xlogSegSize()).fileName());
        m.put("Latest checkpoint's TimeLineID", Long.toString(cp.thisTimeline()));
        m.put("Latest checkpoint's PrevTimeLineID", Long.toString(cp.prevTimeline()));
        m.put("Latest checkpoint's full_page_writes", onOff(cp.fullPageWrites()));
        m.put("Latest checkpoint's NextXID", cp.nextXidEpoch() + ":" + cp.nextXid());
        m.put("Latest checkpoint's NextOID", Long.toString(cp.nextOid()));
        m.put("Latest checkpoint's NextMultiXactId", Long.toString(cp.nextMulti()));
        m.put("Latest checkpoint's NextMultiOffset", Long.toString(cp.nextMultiOffset()));
        m.put("Latest checkpoint's oldestXID", Long.toString(cp.oldestXid()));
        m.put("Latest checkpoint's oldestXID's DB", Long.toString(cp.oldestXidDb()));
        m.put("Latest checkpoint's oldestActiveXID", Long.toString(cp.oldestActiveXid()));
        m.put("Latest checkpoint's oldestMultiXid", Long.toString(cp.oldestMulti()));
        m.put("Latest checkpoint's oldestMulti's DB", Long.toString(cp.oldestMultiDb()));
        m.put("Latest checkpoint's oldestCommitTsXid", Long.toString(cp.oldestCommitTsXid()));
        m.put("Latest checkpoint's newestCommitTsXid", Long.toString(cp.newestCommitTsXid()));
        m.put("Time of latest checkpoint", time(cp.time()));
        m.put("Fake LSN counter for unlogged rels", lsn(cf.unloggedLsn()));
        m.put("Minimum recovery ending location", lsn(cf.minRecoveryPoint()));
        m.put("Min recovery ending loc's timeline", Long.toString(cf.minRecoveryPointTli()));
        m.put("Backup start location", lsn(cf.backupStartPoint()));
        m.put("Backup end location", lsn(cf.backupEndPoint()));
        m.put("End-of-backup record required", cf.backupEndRequired() ? "yes" : "no");
        m.put("wal_level setting", s.walLevel().settingName());
        m.put("wal_log_hints setting", onOff(s.walLogHints()));
        m.put("max_connections setting", Integer.toString(s.maxConnections()));
        m.put("max_worker_processes setting", Integer.toString(s.maxWorkerProcesses()));
        m.put("max_wal_senders setting", Integer.toString(s.maxWalSenders()));
        m.put("max_prepared_xacts setting", Integer.toString(s.maxPreparedXacts()));
        m.put("max_locks_per_xact setting", Integer.toString(s.maxLocksPerXact()));
        m.put("track_commit_timestamp setting", onOff(s.trackCommitTimestamp()));
        m.put("Maximum data alignment", Integer.toString(b.maxAlign()));
        m.put("Database block size", Integer.toString(b.blcksz()));
        m.put("Blocks per segment of large relation", Integer.toString(b.relsegSize()));
        m.put("WAL block size", Integer.toString(b.xlogBlcksz()));
        m.put("Bytes per WAL segment", Integer.toString(b.xlogSegSize()));
        m.put("Maximum length of identifiers", Integer.toString(b.nameDataLen()));
        m.put("Maximum columns in an index", Integer.toString(b.indexMaxKeys()));
        m.put("Maximum size of a TOAST chunk", Integer.toString(b.toastMaxChunkSize()));
        m.put("Size of a large-object chunk", Integer.toString(b.loblksize()));
        m.put("Date/time type storage", "64-bit integers");
        m.put("Float8 argument passing", b.float8ByVal() ? "by value" : "by reference");
        m.put("Data page checksum version", Long.toString(cf.dataChecksumVersion()));
        m.put("Mock authentication nonce", HexFormat.of().formatHex(cf.mockAuthenticationNonce()));
        return m;
    }

    private static String time(long epochSeconds) {
        return C_TIME.format(Instant.ofEpochSecond(epochSeconds));
    }

    /** PostgreSQL 15 prints LSNs as %X/%X (16 and later zero-pad the low half). */
    public static String lsn(Lsn lsn) {
        return String.format("%X/%X", lsn.value() >>> 32, lsn.value() & 0xFFFF_FFFFL);
    }

    private static String onOff(boolean v) {
        return v ? "on" : "off";
    }
}
