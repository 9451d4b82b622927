package dev.cairn.compute;

import dev.cairn.pgruntime.PgBinaries;
import dev.cairn.common.Id128;
import dev.cairn.common.TimelineKey;
import dev.cairn.safekeeper.client.AcceptorAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** State transitions of a compute that is not running: no postgres, no quorum needed. */
class ComputeAgentStateTest {
    @TempDir
    Path dir;

    private ComputeAgent agent() {
        TimelineKey timeline = new TimelineKey(Id128.parse("0123456789abcdef0123456789abcdef"),
                Id128.parse("fedcba9876543210fedcba9876543210"));
        return new ComputeAgent(new ComputeSpec("main", timeline, List.of(new AcceptorAddress(1, "127.0.0.1", 1)),
                URI.create("http://127.0.0.1:1"), PgBinaries.locate(), "127.0.0.1", dir.resolve("state"), Map.of()));
    }

    @Test
    void anIdleSuspendAfterARevocationKeepsTheComputeFailedWithItsReason() {
        try (ComputeAgent agent = agent()) {
            agent.terminate("keys of tenant t are revoked: CMK disabled");
            agent.suspend(); // the proxy's idle timer, which knows nothing of the revocation
            assertThat(agent.state()).isEqualTo(ComputeState.FAILED);
            assertThat(agent.lastError()).contains("revoked");
        }
    }

    @Test
    void suspendingANeverStartedComputeLeavesItSuspended() {
        try (ComputeAgent agent = agent()) {
            agent.suspend();
            assertThat(agent.state()).isEqualTo(ComputeState.SUSPENDED);
            assertThat(agent.lastError()).isNull();
        }
    }
}
