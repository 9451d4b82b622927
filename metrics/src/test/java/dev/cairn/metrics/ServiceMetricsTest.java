package dev.cairn.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class ServiceMetricsTest {
    @Test
    void namesFollowPrometheusConventionsAndCarryTheCommonTags() {
        try (ServiceMetrics m = ServiceMetrics.create("demo", "n1")) {
            Counter.builder("cairn.demo.things").description("things").register(m.registry()).increment(3);
            AtomicLong lag = new AtomicLong(42);
            Gauge.builder("cairn.demo.lag.bytes", lag, AtomicLong::get).register(m.registry());
            ServiceMetrics.latency("cairn.demo.op", "an operation", Duration.ofMillis(1), Duration.ofSeconds(1))
                    .register(m.registry()).record(Duration.ofMillis(5));
            String text = m.scrape();
            PrometheusText p = PrometheusText.parse(text);
            assertThat(p.value("cairn_demo_things_total", Map.of("service", "demo", "node", "n1"))).isEqualTo(3.0);
            assertThat(p.value("cairn_demo_lag_bytes")).isEqualTo(42.0);
            assertThat(p.value("cairn_demo_op_seconds_count")).isEqualTo(1.0);
            assertThat(p.value("cairn_demo_op_seconds_bucket", Map.of("le", "+Inf"))).isEqualTo(1.0);
            assertThat(text).contains("# HELP cairn_demo_things_total things").contains("cairn_demo_op_seconds_bucket{");
        }
    }

    @Test
    void beforeScrapeHooksRunOnEveryScrape() {
        try (ServiceMetrics m = ServiceMetrics.create("demo")) {
            AtomicLong runs = new AtomicLong();
            m.beforeScrape(runs::incrementAndGet);
            m.scrape();
            m.scrape();
            assertThat(runs).hasValue(2);
        }
    }

    @Test
    void jvmMetricsAreOptIn() {
        try (ServiceMetrics plain = ServiceMetrics.create("demo"); ServiceMetrics jvm = ServiceMetrics.create("demo").withJvmMetrics()) {
            assertThat(plain.scrape()).doesNotContain("jvm_memory_used_bytes");
            assertThat(jvm.scrape()).contains("jvm_memory_used_bytes").contains("process_uptime_seconds");
        }
    }


    @Test
    void parsesEscapedLabelValues() {
        PrometheusText p = PrometheusText.parse("# HELP x y\nx_info{reason=\"a \\\"b\\\"\\nc\",lsn=\"0/1\"} 1.0\n");
        assertThat(p.find("x_info", Map.of("lsn", "0/1")).orElseThrow().labels()).containsEntry("reason", "a \"b\"\nc");
    }
}
