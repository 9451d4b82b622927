package dev.cairn.pageserver.http;

import dev.cairn.pageserver.api.TimelineInfo;

import dev.cairn.pageserver.service.PageserverMetrics;
import dev.cairn.pageserver.service.PageserverNode;

/** Renders the pageserver's metrics in the Prometheus text format. */
final class MetricsText {
    private MetricsText() {
    }

    static String render(PageserverNode node) {
        PageserverMetrics m = node.metrics();
        StringBuilder s = new StringBuilder();
        counter(s, "cairn_pageserver_wal_bytes_received_total", "WAL bytes received from safekeepers", m.walBytesReceived.sum());
        counter(s, "cairn_pageserver_records_ingested_total", "WAL records ingested", m.recordsIngested.sum());
        counter(s, "cairn_pageserver_ingest_errors_total", "timelines whose ingest stopped on an error", m.ingestErrors.sum());
        counter(s, "cairn_pageserver_wal_source_failovers_total", "WAL streams that broke and moved to another safekeeper", m.walSourceFailovers.sum());
        counter(s, "cairn_pageserver_wal_source_stalls_total", "WAL streams abandoned because they stalled while another safekeeper was ahead", m.walSourceStalls.sum());
        counter(s, "cairn_pageserver_durable_reports_total", "durable LSN reports delivered to safekeepers", m.durableReports.sum());
        counter(s, "cairn_pageserver_basebackups_total", "basebackups served", m.basebackups.sum());
        counter(s, "cairn_pageserver_basebackup_bytes_total", "bytes of basebackup tars served", m.basebackupBytes.sum());
        counter(s, "cairn_pageserver_timelines_created_total", "timelines created", m.timelinesCreated.sum());
        s.append("# HELP cairn_pageserver_timeline_lsn LSNs per timeline (kind: ingested, durable, commit)\n");
        s.append("# TYPE cairn_pageserver_timeline_lsn gauge\n");
        for (TimelineInfo t : node.list()) {
            String labels = "tenant=\"" + t.key().tenant() + "\",timeline=\"" + t.key().timeline() + "\"";
            s.append("cairn_pageserver_timeline_lsn{").append(labels).append(",kind=\"ingested\"} ").append(t.ingestedLsn().value()).append('\n');
            s.append("cairn_pageserver_timeline_lsn{").append(labels).append(",kind=\"durable\"} ").append(t.durableLsn().value()).append('\n');
            s.append("cairn_pageserver_timeline_lsn{").append(labels).append(",kind=\"commit\"} ").append(t.commitLsn().value()).append('\n');
            s.append("cairn_pageserver_ingest_lag_bytes{").append(labels).append("} ").append(t.ingestLagBytes()).append('\n');
            s.append("cairn_pageserver_timeline_failed{").append(labels).append("} ").append("failed".equals(t.state()) ? 1 : 0).append('\n');
            s.append("cairn_pageserver_timeline_paused{").append(labels).append("} ").append("paused".equals(t.state()) ? 1 : 0).append('\n');
            if (t.failed()) {
                // an info metric: where and why, for the alert that fires on cairn_pageserver_timeline_failed
                s.append("cairn_pageserver_ingest_stopped_info{").append(labels).append(",lsn=\"").append(t.stoppedAtLsn())
                        .append("\",reason=\"").append(labelValue(t.error())).append("\"} 1\n");
            }
        }
        return s.toString();
    }

    /** A Prometheus label value: backslash, quote and newline escaped. */
    private static String labelValue(String text) {
        return text == null ? "" : text.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    private static void counter(StringBuilder s, String name, String help, long value) {
        s.append("# HELP ").append(name).append(' ').append(help).append('\n');
        s.append("# TYPE ").append(name).append(" counter\n");
        s.append(name).append(' ').append(value).append('\n');
    }
}
