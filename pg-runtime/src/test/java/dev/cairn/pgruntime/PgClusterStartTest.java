package dev.cairn.pgruntime;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** start() returns once the server accepts connections, without waiting for pg_ctl's 100 ms polls. */
@Timeout(120)
class PgClusterStartTest {
    private final ScratchDirectory dir = ScratchDirectory.create("cairn-pgcluster-start");
    private PgCluster cluster;

    @AfterEach
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
        dir.close();
    }

    @Test
    void aServerKilledBeforeLeavesAReadyPidFileThatDoesNotCountForTheNextStart() throws Exception {
        cluster = PgCluster.initdb(PgBinaries.locate(), dir.resolve("data"), List.of());
        cluster.start(Map.of());
        assertThat(cluster.psql("select 1")).isEqualTo("1");
        ProcessHandle first = cluster.postmaster().orElseThrow();
        first.destroyForcibly();
        first.onExit().get();
        // the killed postmaster's postmaster.pid still says "ready", written within the last seconds
        assertThat(Files.readAllLines(cluster.dataDir().resolve("postmaster.pid")).get(7).trim()).isEqualTo("ready");
        for (ProcessHandle child : ProcessHandle.allProcesses().filter(p -> p.parent().map(first::equals).orElse(false)).toList()) {
            child.destroyForcibly();
        }
        cluster.start(Map.of());
        // start() returned: the new server, not the dead one's file, must be answering now
        assertThat(cluster.psql("select 2")).isEqualTo("2");
        assertThat(cluster.postmaster().orElseThrow().pid()).isNotEqualTo(first.pid());
    }

    @Test
    void aServerThatCannotStartIsAnErrorWithItsLog() throws Exception {
        cluster = PgCluster.initdb(PgBinaries.locate(), dir.resolve("data"), List.of());
        assertThatThrownBy(() -> cluster.start(Map.of("shared_buffers", "-5")))
                .isInstanceOf(PgRuntimeException.class).hasMessageContaining("shared_buffers");
    }

    @Test
    void anInterruptedStartLeavesNoServerBehind() throws Exception {
        cluster = PgCluster.initdb(PgBinaries.locate(), dir.resolve("data"), List.of());
        for (long delayMillis : new long[] {0, 20, 80}) {
            Thread starter = Thread.currentThread();
            Thread interrupter = Thread.ofVirtual().start(() -> {
                try {
                    Thread.sleep(delayMillis);
                } catch (InterruptedException ignored) {
                    return;
                }
                starter.interrupt();
            });
            try {
                cluster.start(Map.of());
                // the start won the race: that is a running server, as asked
                interrupter.join();
                Thread.interrupted();
                cluster.stop("immediate");
                continue;
            } catch (PgRuntimeException e) {
                assertThat(e).hasMessageContaining("interrupted while starting");
                assertThat(Thread.interrupted()).as("the interrupt is kept for the caller").isTrue();
            }
            interrupter.join();
            assertThat(cluster.postmaster()).as("a server brought up by the abandoned start (delay %d ms)", delayMillis).isEmpty();
            assertThat(cluster.isRunning()).isFalse();
        }
    }
}
