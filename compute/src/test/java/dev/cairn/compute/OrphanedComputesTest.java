package dev.cairn.compute;

import dev.cairn.pgruntime.PgBinaries;
import dev.cairn.pgruntime.PgCluster;
import dev.cairn.pgruntime.ScratchDirectory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a manager restarting after a crash does with the computes its records name: stock postgres servers
 * left running (as a SIGKILLed manager leaves them) are stopped with every child, their state directories
 * deleted, their records removed; a recorded pid that now belongs to another process is left alone.
 */
class OrphanedComputesTest {
    private static final int SIGSTOP = 19; // x86_64 and aarch64

    @TempDir
    Path managerData;

    private final ScratchDirectory stateRoot = ScratchDirectory.create("cairn-orphans-");
    private final List<PgCluster> servers = new ArrayList<>();
    private final List<Process> decoys = new ArrayList<>();

    @AfterEach
    void cleanUp() {
        decoys.forEach(Process::destroyForcibly);
        servers.forEach(PgCluster::close);
        stateRoot.close();
    }

    @Test
    void runningComputesAreStoppedWithTheirChildrenAndTheirStateDeleted() throws Exception {
        ComputeRecords records = new ComputeRecords(managerData);
        Path a = stateRoot.resolve("main-aaaaaaaa");
        Path b = stateRoot.resolve("other-bbbbbbbb");
        long pidA = startPostgres(a);
        long pidB = startPostgres(b);
        records.write(new ComputeRecord("main", a.toString(), pidA));
        // the manager died between starting postgres and recording its pid: the record has none
        records.write(new ComputeRecord("other", b.toString(), null));
        List<Long> children = new ArrayList<>();
        for (long pid : List.of(pidA, pidB)) {
            ProcessHandle.of(pid).orElseThrow().children().forEach(c -> children.add(c.pid()));
        }
        assertThat(children).as("postgres' own processes (checkpointer, walwriter, ...)").hasSizeGreaterThanOrEqualTo(6);

        List<ComputeRecord> stopped = OrphanedComputes.stopAll(managerData);

        assertThat(stopped).extracting(ComputeRecord::endpoint).containsExactlyInAnyOrder("main", "other");
        assertThat(ComputeProcesses.alive(pidA)).as("postmaster of main").isFalse();
        assertThat(ComputeProcesses.alive(pidB)).as("postmaster of other").isFalse();
        assertThat(children).as("children of the postmasters").noneMatch(ComputeProcesses::alive);
        assertThat(a).doesNotExist();
        assertThat(b).doesNotExist();
        assertThat(records.list()).isEmpty();
        assertThat(OrphanedComputes.stopAll(managerData)).as("a second run finds nothing").isEmpty();
    }

    @Test
    void aRecordedPidNowUsedByAnotherProcessIsNotSignalled() throws Exception {
        ComputeRecords records = new ComputeRecords(managerData);
        Process decoy = new ProcessBuilder("sleep", "300").start(); // stands for the pid's next owner
        decoys.add(decoy);
        Path gone = stateRoot.resolve("main-cccccccc");
        Files.createDirectories(gone.resolve("data"));
        Files.writeString(gone.resolve("data").resolve("PG_VERSION"), "15\n");
        records.write(new ComputeRecord("main", gone.toString(), decoy.pid()));

        List<ComputeRecord> stopped = OrphanedComputes.stopAll(managerData);

        assertThat(stopped).hasSize(1);
        assertThat(decoy.isAlive()).as("the process now holding the recorded pid").isTrue();
        assertThat(gone).doesNotExist();
        assertThat(records.list()).isEmpty();
    }

    @Test
    void aPostmasterIgnoringSigquitIsKilledAndSoAreItsChildren() throws Exception {
        ComputeRecords records = new ComputeRecords(managerData);
        Path dir = stateRoot.resolve("main-dddddddd");
        long pid = startPostgres(dir);
        List<Long> children = ProcessHandle.of(pid).orElseThrow().children().map(ProcessHandle::pid).toList();
        records.write(new ComputeRecord("main", dir.toString(), pid));
        ComputeProcesses.signal(pid, SIGSTOP); // a stopped process holds SIGQUIT pending; only SIGKILL ends it

        List<ComputeRecord> stopped = OrphanedComputes.stopAll(managerData);

        assertThat(stopped).hasSize(1);
        assertThat(ComputeProcesses.alive(pid)).isFalse();
        assertThat(children).isNotEmpty().noneMatch(ComputeProcesses::alive);
        assertThat(new ComputeProcesses(dir).all()).isEmpty();
        assertThat(dir).doesNotExist();
    }

    @Test
    void aRecordNotNamingAComputeStateDirectoryDeletesNothing() throws Exception {
        ComputeRecords records = new ComputeRecords(managerData);
        Path precious = stateRoot.resolve("precious");
        Files.createDirectories(precious);
        records.write(new ComputeRecord("main", precious.toString(), null));

        assertThat(OrphanedComputes.stopAll(managerData)).isEmpty();
        assertThat(precious).exists();
        assertThat(records.list()).hasSize(1);
    }

    /** A stock postgres in {@code stateDir/data}, laid out as ComputeAgent lays out a compute's state. */
    private long startPostgres(Path stateDir) {
        PgCluster pg = PgCluster.initdb(PgBinaries.locate(), stateDir.resolve("data"), List.of());
        servers.add(pg);
        pg.start(Map.of());
        return pg.postmaster().orElseThrow().pid();
    }
}
