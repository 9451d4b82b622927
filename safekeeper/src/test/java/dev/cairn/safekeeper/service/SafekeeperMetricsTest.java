package dev.cairn.safekeeper.service;

import dev.cairn.metrics.PrometheusText;
import dev.cairn.safekeeper.consensus.RefusalReason;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class SafekeeperMetricsTest {
    @Test
    void theNamesBeforeMicrometerStayAndLatenciesAreHistograms() {
        SafekeeperMetrics m = SafekeeperMetrics.standalone();
        m.appendRequests.increment();
        m.walBytesAppended.increment(100);
        m.refused(RefusalReason.values()[0]);
        m.flushDuration.record(Duration.ofMillis(2));
        m.appendDuration.record(Duration.ofMillis(3));
        m.countTimelines(() -> 2);
        String text = m.scrape();
        PrometheusText p = PrometheusText.parse(text);
        assertThat(p.names()).contains("cairn_safekeeper_append_requests_total", "cairn_safekeeper_wal_bytes_appended_total",
                "cairn_safekeeper_group_commits_total", "cairn_safekeeper_request_batches_total",
                "cairn_safekeeper_batched_requests_total", "cairn_safekeeper_wal_segments_removed_total",
                "cairn_safekeeper_storage_failures_total", "cairn_safekeeper_refusals_total",
                "cairn_safekeeper_append_duration_seconds_bucket", "cairn_safekeeper_flush_duration_seconds_bucket");
        assertThat(p.value("cairn_safekeeper_wal_bytes_appended_total")).isEqualTo(100.0);
        assertThat(p.value("cairn_safekeeper_refusals_total",
                Map.of("reason", RefusalReason.values()[0].name().toLowerCase(Locale.ROOT)))).isEqualTo(1.0);
        assertThat(p.value("cairn_safekeeper_flush_duration_seconds_count")).isEqualTo(1.0);
        assertThat(p.value("cairn_safekeeper_timelines")).isEqualTo(2.0);
        assertThat(text).contains("service=\"safekeeper\"");
    }
}
