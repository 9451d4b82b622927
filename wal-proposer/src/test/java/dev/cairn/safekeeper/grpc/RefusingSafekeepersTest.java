package dev.cairn.safekeeper.grpc;

import dev.cairn.kms.KeyRevokedException;
import dev.cairn.kms.RevocationSource;
import dev.cairn.common.Lsn;
import dev.cairn.common.Id128;
import dev.cairn.common.TimelineKey;
import dev.cairn.proposer.ProposerDriver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.TimeoutException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Safekeepers that cannot open a timeline (its tenant's keys are revoked) and what the proposer reports. */
class RefusingSafekeepersTest {
    @TempDir
    Path dir;

    @Test
    void aSyncThatCannotFinishSaysWhyTheSafekeepersRefused() throws Exception {
        TimelineKey timeline = new TimelineKey(Id128.random(), Id128.random());
        try (LocalSafekeepers safekeepers = new LocalSafekeepers(dir, 3, 1 << 20, i -> tl -> {
            throw new KeyRevokedException(tl.tenant(), "local://tenant-x", RevocationSource.KMS,
                    "local key version 1 is DISABLED");
        })) {
            safekeepers.startAll();
            try (ProposerDriver proposer = safekeepers.proposer(timeline, "refused", Lsn.of(0x2000028L))) {
                assertThatThrownBy(() -> proposer.sync(1500)).isInstanceOf(TimeoutException.class);
                assertThat(proposer.describe()).contains("PERMISSION_DENIED").contains("version 1 is DISABLED");
            }
        }
    }
}
