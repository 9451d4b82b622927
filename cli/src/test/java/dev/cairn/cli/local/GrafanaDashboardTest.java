package dev.cairn.cli.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.cairn.common.Id128;
import dev.cairn.common.Lsn;
import dev.cairn.common.TimelineKey;
import dev.cairn.compute.ComputeManagerMetrics;
import dev.cairn.compute.ComputeState;
import dev.cairn.metrics.PrometheusText;
import dev.cairn.metrics.ServiceMetrics;
import dev.cairn.pageserver.api.TimelineInfo;
import dev.cairn.pageserver.service.PageserverMetrics;
import dev.cairn.proxy.ProxyMetrics;
import dev.cairn.safekeeper.service.SafekeeperMetrics;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * tools/grafana/cairn-local.json is a valid Grafana dashboard (checked against a JSON Schema of Grafana's
 * dashboard model, src/test/resources/grafana/dashboard.schema.json), and every metric its queries select is
 * one the services export: the names are taken from scrapes of the services' own metrics classes, so a meter
 * renamed in a service fails here rather than leaving an empty panel.
 */
class GrafanaDashboardTest {
    private static Schema schema() throws Exception {
        try (InputStream in = GrafanaDashboardTest.class.getResourceAsStream("/grafana/dashboard.schema.json")) {
            return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_7).getSchema(in);
        }
    }

    @Test
    void dashboardFollowsGrafanasDashboardSchema() throws Exception {
        List<Error> errors = schema().validate(DashboardQueries.read());
        assertThat(errors).as("schema violations").isEmpty();
    }

    @Test
    void theSchemaRefusesWhatGrafanaWouldNot() throws Exception {
        Schema schema = schema();
        JsonNode good = DashboardQueries.read();
        ObjectNode noVersion = good.deepCopy();
        noVersion.remove("schemaVersion");
        ObjectNode unknownField = good.deepCopy();
        unknownField.put("dashbord", "typo");
        ObjectNode tooWide = good.deepCopy();
        ((ObjectNode) tooWide.get("panels").get(1).get("gridPos")).put("w", 25);
        ObjectNode untyped = good.deepCopy();
        ((ObjectNode) untyped.get("panels").get(1)).remove("type");
        ObjectNode badVariable = good.deepCopy();
        ((ObjectNode) badVariable.get("templating").get("list").get(0)).put("type", "prometheus");
        for (JsonNode broken : List.of(noVersion, unknownField, tooWide, untyped, badVariable)) {
            assertThat(schema.validate(broken)).as("violations of a broken dashboard").isNotEmpty();
        }
    }

    @Test
    void everyPanelQueriesPrometheusThroughTheDatasourceVariable() throws Exception {
        JsonNode dashboard = DashboardQueries.read();
        Set<Integer> ids = new HashSet<>();
        int queries = 0;
        for (JsonNode panel : DashboardQueries.panels(dashboard)) {
            assertThat(ids.add(panel.get("id").asInt())).as("panel id %s unique", panel.get("id")).isTrue();
            assertThat(panel.get("gridPos").get("x").asInt() + panel.get("gridPos").get("w").asInt())
                    .as("panel %s inside the grid", panel.get("title")).isLessThanOrEqualTo(24);
            if (panel.get("type").asText().equals("row")) {
                continue;
            }
            assertThat(panel.path("targets").size()).as("queries of %s", panel.get("title")).isPositive();
            for (JsonNode t : panel.get("targets")) {
                assertThat(t.path("refId").asText()).isNotEmpty();
                assertThat(t.path("expr").asText()).isNotBlank();
                assertThat(t.path("datasource").path("type").asText()).isEqualTo("prometheus");
                assertThat(t.path("datasource").path("uid").asText()).isEqualTo("${datasource}");
                queries++;
            }
        }
        assertThat(queries).isGreaterThanOrEqualTo(15);
        assertThat(dashboard.at("/templating/list/0/name").asText()).isEqualTo("datasource");
    }

    @Test
    void metricNamesAreReadOutOfPromQl() {
        assertThat(DashboardQueries.metricNames("histogram_quantile(0.99, sum by (le, node) "
                + "(rate(cairn_safekeeper_append_duration_seconds_bucket[$__rate_interval])))"))
                .containsExactly("cairn_safekeeper_append_duration_seconds_bucket");
        assertThat(DashboardQueries.metricNames("sum by (sqlstate) (increase(cairn_proxy_errors_total{sqlstate!=\"a b\"}[5m])) > 1e3"
                + " / ignoring(x) up offset 5m"))
                .containsExactly("cairn_proxy_errors_total", "up");
        assertThat(DashboardQueries.metricNames("sum by (service, node) (jvm_memory_used_bytes{area=\"heap\"})"))
                .containsExactly("jvm_memory_used_bytes");
    }

    @Test
    void everyMetricTheDashboardQueriesIsExportedByAService() throws Exception {
        Set<String> exported = new TreeSet<>();
        for (ServiceMetrics service : exampleServices()) {
            exported.addAll(PrometheusText.parse(service.scrape()).names());
            service.close();
        }
        Set<String> queried = DashboardQueries.metricNames(DashboardQueries.read());
        assertThat(queried).as("metrics the dashboard queries").isNotEmpty();
        assertThat(exported).as("metrics the services export").containsAll(queried);
        for (String prefix : List.of("cairn_safekeeper_", "cairn_pageserver_", "cairn_proxy_", "cairn_compute_")) {
            assertThat(queried).as("the dashboard shows %s*", prefix).anyMatch(n -> n.startsWith(prefix));
        }
        // the panels: ingest lag, WAL bytes, append/fsync latency, basebackup latency, proxy
        // connections/wakes/wake latency/errors, endpoint states and boot phases
        assertThat(queried).contains("cairn_pageserver_ingest_lag_bytes", "cairn_safekeeper_wal_bytes_appended_total",
                "cairn_safekeeper_append_duration_seconds_bucket", "cairn_safekeeper_flush_duration_seconds_bucket",
                "cairn_pageserver_basebackup_duration_seconds_bucket", "cairn_proxy_connections_active",
                "cairn_proxy_wake_duration_seconds_count", "cairn_proxy_wake_duration_seconds_bucket",
                "cairn_proxy_errors_total", "cairn_compute_endpoints", "cairn_compute_boot_phase_duration_seconds_bucket");
    }

    /** Each service's metrics class on a registry of its own, as the services' main classes set them up. */
    private static List<ServiceMetrics> exampleServices() {
        ServiceMetrics safekeeper = ServiceMetrics.create("safekeeper", "1").withJvmMetrics();
        new SafekeeperMetrics(safekeeper).countTimelines(() -> 1);
        ServiceMetrics pageserver = ServiceMetrics.create("pageserver", "ps");
        TimelineKey key = new TimelineKey(Id128.random(), Id128.random());
        new PageserverMetrics(pageserver).follow(() -> List.of(new TimelineInfo(key, Lsn.of(0x1000), Lsn.of(0x2000),
                Lsn.of(0x2000), Lsn.of(0x2000), Lsn.of(0x2000), Lsn.INVALID, TimelineInfo.FAILED, "stopped", Lsn.of(0x2000),
                null, null, null)));
        ServiceMetrics proxy = ServiceMetrics.create("proxy");
        new ProxyMetrics(proxy);
        ServiceMetrics manager = ServiceMetrics.create("compute-manager");
        new ComputeManagerMetrics(manager).countEndpoints(() -> Map.of(ComputeState.RUNNING, 1L));
        return List.of(safekeeper, pageserver, proxy, manager);
    }
}
