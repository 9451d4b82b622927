package dev.cairn.cli.pageserver;

import dev.cairn.cli.CliRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class PageserverCommandTest {
    @Test
    void negativeRetentionOrGcIntervalAndAnEmptyBlockCacheAreUsageErrors(@TempDir Path dir) {
        for (String[] bad : new String[][] {{"--gc-interval", "-5"}, {"--retention-mb", "-1"}, {"--block-cache-mb", "0"}}) {
            CliRun r = CliRun.of("pageserver", "--data", dir.resolve("ps").toString(), "--safekeepers", "127.0.0.1:1",
                    "--listen", "127.0.0.1:0", bad[0], bad[1]);
            assertThat(r.exit()).as(String.join(" ", bad)).isEqualTo(2);
            assertThat(r.err()).contains("--retention-mb").contains("--block-cache-mb").contains(bad[1]);
        }
    }
}
