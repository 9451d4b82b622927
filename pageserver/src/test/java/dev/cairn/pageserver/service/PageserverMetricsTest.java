package dev.cairn.pageserver.service;

import dev.cairn.common.Id128;
import dev.cairn.common.Lsn;
import dev.cairn.common.TimelineKey;
import dev.cairn.metrics.PrometheusText;
import dev.cairn.pageserver.api.TimelineInfo;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

class PageserverMetricsTest {
    static TimelineInfo timeline(TimelineKey key, long ingested, long commit, String state, String error) {
        return new TimelineInfo(key, Lsn.of(0x1000), Lsn.of(ingested), Lsn.of(ingested), Lsn.of(ingested), Lsn.of(commit),
                Lsn.INVALID, state, error, TimelineInfo.FAILED.equals(state) ? Lsn.of(ingested) : null, null, null, null);
    }

    @Test
    void perTimelineGaugesFollowTheTimelines() {
        PageserverMetrics metrics = PageserverMetrics.standalone();
        List<TimelineInfo> served = new CopyOnWriteArrayList<>();
        metrics.follow(() -> served);
        TimelineKey a = new TimelineKey(Id128.random(), Id128.random());
        TimelineKey b = new TimelineKey(Id128.random(), Id128.random());
        Map<String, String> aLabels = Map.of("tenant", a.tenant().toString(), "timeline", a.timeline().toString());
        Map<String, String> bLabels = Map.of("tenant", b.tenant().toString(), "timeline", b.timeline().toString());

        served.add(timeline(a, 0x2000, 0x2800, "active", null));
        PrometheusText p = PrometheusText.parse(metrics.scrape());
        assertThat(p.value("cairn_pageserver_ingest_lag_bytes", aLabels)).isEqualTo(0x800);
        assertThat(p.value("cairn_pageserver_timeline_lsn", Map.of("timeline", a.timeline().toString(), "kind", "commit")))
                .isEqualTo(0x2800);
        assertThat(p.value("cairn_pageserver_timeline_failed", aLabels)).isZero();
        assertThat(p.find("cairn_pageserver_ingest_stopped_info", aLabels)).isEmpty();

        // a timeline fails, another appears
        served.set(0, timeline(a, 0x3000, 0x3000, TimelineInfo.FAILED, "cannot apply \"x\"\nrecord"));
        served.add(timeline(b, 0x5000, 0x5000, "paused", "keys"));
        p = PrometheusText.parse(metrics.scrape());
        assertThat(p.value("cairn_pageserver_timeline_failed", aLabels)).isEqualTo(1.0);
        assertThat(p.find("cairn_pageserver_ingest_stopped_info", aLabels).orElseThrow().labels())
                .containsEntry("lsn", Lsn.of(0x3000).toString()).containsEntry("reason", "cannot apply \"x\"\nrecord");
        assertThat(p.value("cairn_pageserver_timeline_paused", bLabels)).isEqualTo(1.0);

        // and goes away: its series with it
        served.remove(0);
        p = PrometheusText.parse(metrics.scrape());
        assertThat(p.find("cairn_pageserver_timeline_failed", aLabels)).isEmpty();
        assertThat(p.find("cairn_pageserver_ingest_stopped_info", aLabels)).isEmpty();
        assertThat(p.find("cairn_pageserver_timeline_lsn", aLabels)).isEmpty();
        assertThat(p.value("cairn_pageserver_timeline_lsn", Map.of("timeline", b.timeline().toString(), "kind", "ingested")))
                .isEqualTo(0x5000);
    }

    @Test
    void countersKeepTheirNamesAndLatencyIsAHistogram() {
        PageserverMetrics metrics = PageserverMetrics.standalone();
        metrics.basebackups.increment();
        metrics.walBytesReceived.increment(8192);
        metrics.basebackupDuration.record(java.time.Duration.ofMillis(30));
        String text = metrics.scrape();
        PrometheusText p = PrometheusText.parse(text);
        assertThat(p.value("cairn_pageserver_basebackups_total")).isEqualTo(1.0);
        assertThat(p.value("cairn_pageserver_wal_bytes_received_total")).isEqualTo(8192.0);
        assertThat(p.names()).contains("cairn_pageserver_records_ingested_total", "cairn_pageserver_ingest_errors_total",
                "cairn_pageserver_wal_source_failovers_total", "cairn_pageserver_wal_source_stalls_total",
                "cairn_pageserver_durable_reports_total", "cairn_pageserver_basebackup_bytes_total",
                "cairn_pageserver_timeline_creations_total", "cairn_pageserver_ingest_apply_seconds_bucket");
        assertThat(text).contains("cairn_pageserver_basebackup_duration_seconds_bucket{");
    }
}
