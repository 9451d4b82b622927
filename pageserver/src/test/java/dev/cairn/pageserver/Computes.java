package dev.cairn.pageserver;

import dev.cairn.kms.KeyHierarchy;
import dev.cairn.kms.KeyHierarchyConfig;
import dev.cairn.kms.provider.KeyRef;
import dev.cairn.kms.provider.KmsProviders;
import dev.cairn.kms.provider.local.LocalKmsProvider;
import dev.cairn.kms.store.KeysLayout;
import dev.cairn.pageserver.basebackup.Basebackup;
import dev.cairn.pageserver.crypto.KmsValueCipher;
import dev.cairn.pageserver.store.PageStore;
import dev.cairn.pageserver.store.Timeline;
import dev.cairn.common.Lsn;
import dev.cairn.pgruntime.PgBinaries;
import dev.cairn.pgruntime.PgCluster;
import dev.cairn.pgruntime.ProcessResult;
import dev.cairn.pgruntime.ProcessRunner;
import dev.cairn.pgruntime.ScratchDirectory;

import dev.cairn.common.TimelineKey;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Stock PostgreSQL computes for pageserver tests: data directories, settings, dumps, amcheck, JDBC. */
final class Computes {
    /** What a Cairn compute runs with: every record that touches a block carries its image. */
    static final Map<String, String> SETTINGS = Map.of(
            "fsync", "off",
            "wal_consistency_checking", "all",
            "wal_compression", "lz4",
            "wal_keep_size", "4GB",
            "max_wal_size", "4GB",
            "max_prepared_transactions", "10",
            "autovacuum", "off");

    private static final Pattern SETVAL = Pattern.compile("^SELECT pg_catalog\\.setval\\('([^']+)', (\\d+), (true|false)\\);$");

    private Computes() {
    }

    /** A new scratch directory; the caller deletes it ({@link ScratchDirectory#deleteTree}). */
    static Path scratch(String prefix) {
        return ScratchDirectory.create(prefix).path();
    }

    static PgCluster initdb(Path scratch) {
        return PgCluster.initdb(PgBinaries.locate(), scratch.resolve("data"), List.of());
    }

    /** Extracts a basebackup tar into a new data directory owned by the server user. */
    static PgCluster fromBasebackup(Path tar, Path dataDir) {
        try {
            Files.createDirectories(dataDir);
            Files.setPosixFilePermissions(dataDir, PosixFilePermissions.fromString("rwx------"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ProcessRunner.run(List.of("tar", "-xf", tar.toString(), "-C", dataDir.toString()), null, 300)
                .requireSuccess("tar -xf " + tar);
        PgCluster pg = PgCluster.existing(PgBinaries.locate(), dataDir);
        pg.user().own(dataDir);
        return pg;
    }

    static Connection connect(PgCluster pg, String db) throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + pg.port() + "/" + db, "postgres", "");
    }

    static void pgbench(PgCluster pg, String... args) {
        List<String> cmd = new java.util.ArrayList<>(List.of("-h", "127.0.0.1", "-p", Integer.toString(pg.port()),
                "-U", "postgres"));
        cmd.addAll(List.of(args));
        cmd.add("postgres");
        pg.tool("pgbench", cmd, 600).requireSuccess("pgbench " + String.join(" ", args));
    }

    /** pg_dumpall without unlogged table data (it does not survive a restart, by PostgreSQL's design). */
    static String dumpall(PgCluster pg) {
        ProcessResult r = pg.tool("pg_dumpall", List.of("-h", "127.0.0.1", "-p", Integer.toString(pg.port()), "-U",
                "postgres", "--no-unlogged-table-data"), 300).requireSuccess("pg_dumpall");
        return r.stdout();
    }

    /** A dump split into sequence positions (setval lines) and everything else. */
    record Dump(String body, Map<String, Long> sequences) {
        static Dump of(String dumpall) {
            StringBuilder body = new StringBuilder();
            Map<String, Long> seqs = new TreeMap<>();
            String db = "";
            for (String line : dumpall.split("\n", -1)) {
                if (line.startsWith("\\connect ")) {
                    db = line;
                }
                Matcher m = SETVAL.matcher(line);
                if (line.startsWith("\\restrict ") || line.startsWith("\\unrestrict ")) {
                    // pg_dump's per-run random key against psql meta-command injection
                    body.append(line, 0, line.indexOf(' ')).append(" <key>\n");
                } else if (m.matches()) {
                    seqs.put(db + " " + m.group(1), Long.parseLong(m.group(2)) * (m.group(3).equals("true") ? 1 : 0));
                    body.append("SELECT pg_catalog.setval('").append(m.group(1)).append("', ...);\n");
                } else {
                    body.append(line).append('\n');
                }
            }
            return new Dump(body.toString(), seqs);
        }
    }

    /** pg_amcheck of every database (amcheck installed where missing), heap and all btree indexes. */
    static ProcessResult amcheck(PgCluster pg) {
        return pg.tool("pg_amcheck", List.of("-h", "127.0.0.1", "-p", Integer.toString(pg.port()), "-U", "postgres",
                "--all", "--install-missing", "--heapallindexed"), 600);
    }

    /** Bytes of all regular files under {@code root}. */
    static long treeSize(Path root) {
        try (Stream<Path> all = Files.walk(root)) {
            return all.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot measure " + root, e);
        }
    }

    static Map<String, String> settings(Map<String, String> extra) {
        Map<String, String> all = new LinkedHashMap<>(SETTINGS);
        all.putAll(extra);
        return all;
    }

    /** Starts a stock server from the timeline's basebackup at {@code lsn} (null: the latest), checking it needed no recovery. */
    static PgCluster startFromBasebackup(PageStore store, TimelineKey tl, Lsn lsn, Path scratch, String name,
                                         List<String> log) throws IOException {
        return startFromBasebackup(store, tl, lsn, scratch, name, log, SETTINGS);
    }

    static PgCluster startFromBasebackup(PageStore store, TimelineKey tl, Lsn lsn, Path scratch, String name,
                                         List<String> log, Map<String, String> settings) throws IOException {
        Path tar = scratch.resolve(name + ".tar");
        long t0 = System.nanoTime();
        Basebackup.Result r;
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tar), 1 << 20)) {
            Basebackup bb = new Basebackup(new Timeline(store, tl));
            r = lsn == null ? bb.writeLatest(out) : bb.write(lsn, out);
        }
        log.add("basebackup for " + name + ": " + r + " in " + (System.nanoTime() - t0) / 1_000_000 + " ms");
        PgCluster pg = fromBasebackup(tar, scratch.resolve(name));
        Files.delete(tar);
        pg.start(settings);
        String serverLog = pg.serverLog();
        assertThat(serverLog).contains("database system was shut down at").doesNotContain("redo starts");
        assertThat(Lsn.parse(pg.psql("SELECT pg_current_wal_insert_lsn()"))).isGreaterThan(r.startLsn());
        return pg;
    }

    /** Two pg_dumpall outputs show the same database; sequences only moved forward, by at most a few log batches. */
    static void assertSameDatabase(String before, String after) {
        Dump a = Dump.of(before);
        Dump b = Dump.of(after);
        if (!b.body().equals(a.body())) {
            try {
                Files.writeString(Path.of("/tmp/cairn-dump-before.sql"), a.body());
                Files.writeString(Path.of("/tmp/cairn-dump-after.sql"), b.body());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        assertThat(b.body()).as("dump after the trip (diff /tmp/cairn-dump-before.sql /tmp/cairn-dump-after.sql)")
                .isEqualTo(a.body());
        assertThat(b.sequences().keySet()).isEqualTo(a.sequences().keySet());
        // nextval logs 32 values ahead (SEQ_LOG_VALS): after a restart a sequence continues past them, never before
        for (Map.Entry<String, Long> e : a.sequences().entrySet()) {
            long was = e.getValue();
            long now = b.sequences().get(e.getKey());
            assertThat(now).as(e.getKey()).isGreaterThanOrEqualTo(was).isLessThanOrEqualTo(was + 32 * 3);
        }
    }

    /** A page store sealing under a tenant's keys in a local KMS (local CMK -> tenant KEK -> DEK), as a pageserver's. */
    record SealedStore(KeyHierarchy keys, PageStore store) implements AutoCloseable {
        static SealedStore open(Path scratch, TimelineKey tl) {
            KeysLayout layout = KeysLayout.under(scratch.resolve("keys"));
            KeyHierarchy keys = KeyHierarchy.open(KeyHierarchyConfig.builder(scratch.resolve("keys"))
                    .providers(KmsProviders.of(new LocalKmsProvider(layout.localKms(), true, InstantSource.system())))
                    .build());
            keys.createTenant(tl.tenant(), KeyRef.local("cmk"));
            return new SealedStore(keys, PageStore.open(scratch.resolve("pageserver"), new KmsValueCipher(keys)));
        }

        @Override
        public void close() {
            store.close();
            keys.close();
        }
    }
}
