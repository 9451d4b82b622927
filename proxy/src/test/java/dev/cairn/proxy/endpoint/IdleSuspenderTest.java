package dev.cairn.proxy.endpoint;

import dev.cairn.proxy.protocol.ProxyException;
import dev.cairn.proxy.protocol.SqlState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class IdleSuspenderTest {
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final List<String> suspended = new CopyOnWriteArrayList<>();
    private final IdleSuspender idle = new IdleSuspender(Duration.ofMillis(300), timer, suspended::add);
    private final ConnectionLimiter limiter = new ConnectionLimiter(idle);
    private final EndpointConfig ep = new EndpointConfig("ep", 2, Map.of());

    IdleSuspenderTest() {
        idle.countingWith(limiter::active);
    }

    @AfterEach
    void stop() {
        timer.shutdownNow();
    }

    @Test
    void suspendsAfterTheLastConnectionHasBeenGoneForTheTimeout() throws Exception {
        ConnectionLimiter.Permit a = limiter.acquire(ep);
        ConnectionLimiter.Permit b = limiter.acquire(ep);
        a.close();
        Thread.sleep(500);
        assertThat(suspended).isEmpty(); // one connection is still open
        b.close();
        b.close(); // double release is harmless
        assertThat(limiter.active("ep")).isZero();
        Thread.sleep(600);
        assertThat(suspended).containsExactly("ep");
    }

    @Test
    void aNewConnectionWithinTheTimeoutCancelsTheSuspend() throws Exception {
        limiter.acquire(ep).close();
        Thread.sleep(100);
        ConnectionLimiter.Permit again = limiter.acquire(ep);
        Thread.sleep(500);
        assertThat(suspended).isEmpty();
        again.close();
    }

    @Test
    void theConnectionOverTheLimitIs53300() {
        limiter.acquire(ep);
        limiter.acquire(ep);
        assertThatThrownBy(() -> limiter.acquire(ep))
                .isInstanceOfSatisfying(ProxyException.class, e -> {
                    assertThat(e.sqlState()).isEqualTo(SqlState.TOO_MANY_CONNECTIONS);
                    assertThat(e.endpoint()).isEqualTo("ep");
                });
        assertThat(limiter.active("ep")).isEqualTo(2);
    }
}
