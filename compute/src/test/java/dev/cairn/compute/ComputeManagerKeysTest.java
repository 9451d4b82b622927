package dev.cairn.compute;

import dev.cairn.compute.api.EndpointDefinition;

import dev.cairn.kms.CmkNaming;
import dev.cairn.kms.KeyHierarchyConfig;
import dev.cairn.kms.KeyRevokedException;
import dev.cairn.kms.ServiceKeys;
import dev.cairn.kms.TenantState;
import dev.cairn.kms.provider.StandardProviders;
import dev.cairn.kms.provider.local.LocalKmsProvider;
import dev.cairn.pgruntime.PgBinaries;
import dev.cairn.common.Id128;
import dev.cairn.common.TimelineKey;
import dev.cairn.safekeeper.client.AcceptorAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The manager's key checks at wake time, without any compute running (the cluster addresses are dead). */
class ComputeManagerKeysTest {
    @TempDir
    Path dir;

    @Test
    void aWakeAfterTheCmkIsEnabledAgainAsksTheKmsInsteadOfWaitingForTheMonitor() throws Exception {
        TimelineKey timeline = new TimelineKey(Id128.random(), Id128.random());
        Path keyring = dir.resolve("kms.json");
        // the monitor never runs during the test: only a wake can notice the restore
        try (ServiceKeys keys = ServiceKeys.open(KeyHierarchyConfig.builder(dir.resolve("cm"))
                .providers(StandardProviders.create(new LocalKmsProvider(keyring, true, InstantSource.system())))
                .revokedProbeInterval(Duration.ofMillis(1)).caller("test").build(), CmkNaming.LOCAL_DEFAULT, Duration.ofHours(1));
             ComputeManager manager = new ComputeManager(new ComputeManager.Config(dir.resolve("cm"),
                     List.of(new AcceptorAddress(1, "127.0.0.1", 1)), URI.create("http://127.0.0.1:1"), PgBinaries.locate(),
                     "127.0.0.1", dir.resolve("computes")), keys)) {
            manager.put(new EndpointDefinition("main", timeline.tenant().toString(), timeline.timeline().toString(),
                    Map.of(), 5));
            LocalKmsProvider kms = new LocalKmsProvider(keyring, false, InstantSource.system());
            String cmk = "tenant-" + timeline.tenant();

            kms.disableKey(cmk);
            keys.checkAll();
            assertThat(keys.state(timeline.tenant())).isEqualTo(TenantState.REVOKED);
            assertThatThrownBy(() -> manager.wake("main").get(10, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(KeyRevokedException.class);

            kms.enableKey(cmk);
            Thread.sleep(5); // past the probe interval
            // the key check passes; the start then fails on the dead safekeepers, not on the keys
            assertThatThrownBy(() -> manager.wake("main").get(120, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .satisfies(e -> assertThat(e.getCause()).isNotInstanceOf(KeyRevokedException.class));
            assertThat(keys.state(timeline.tenant())).isEqualTo(TenantState.ACTIVE);
        }
    }
}
