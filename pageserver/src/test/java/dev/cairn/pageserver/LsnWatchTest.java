package dev.cairn.pageserver;

import dev.cairn.common.Id128;
import dev.cairn.common.TimelineKey;
import dev.cairn.pageserver.read.LsnTimeoutException;
import dev.cairn.pageserver.read.LsnWatch;
import dev.cairn.common.Lsn;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LsnWatchTest {
    private final TimelineKey tl = new TimelineKey(Id128.random(), Id128.random());

    @Test
    void readersWaitForIngestAndTimeOutWithAClearError() throws Exception {
        LsnWatch watch = new LsnWatch(tl, Lsn.of(100));
        watch.await(Lsn.of(100), Duration.ZERO);
        CompletableFuture<Void> reader = CompletableFuture.runAsync(() -> watch.await(Lsn.of(500), Duration.ofSeconds(10)));
        Thread.sleep(50);
        assertThat(reader).isNotDone();
        watch.advance(Lsn.of(500));
        reader.get(5, TimeUnit.SECONDS);
        assertThatThrownBy(() -> watch.await(Lsn.of(0x1_0000_0000L), Duration.ofMillis(30)))
                .isInstanceOf(LsnTimeoutException.class)
                .hasMessageContaining("waiting for " + tl + " to be ingested up to 1/00000000")
                .hasMessageContaining("ingested up to 0/000001F4");
    }
}
