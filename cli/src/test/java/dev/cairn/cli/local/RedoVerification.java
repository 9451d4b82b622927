package dev.cairn.cli.local;

import dev.cairn.metrics.PrometheusText;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.TreeMap;

/**
 * The pageserver's verify-mode counters, from its Prometheus endpoint: blocks whose Java redo matched
 * PostgreSQL's image and blocks that did not, by resource manager and record type ("Heap/INSERT").
 */
record RedoVerification(Map<String, Long> verified, Map<String, Long> mismatches) {
    static final String VERIFIED = "cairn_pageserver_redo_verified_total";
    static final String MISMATCHES = "cairn_pageserver_redo_mismatches_total";

    static RedoVerification scrape(URI metrics) throws IOException, InterruptedException {
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(metrics).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new IOException("GET " + metrics + ": HTTP " + r.statusCode());
            }
            return parse(r.body());
        }
    }

    static RedoVerification parse(String prometheusText) {
        Map<String, Long> verified = new TreeMap<>();
        Map<String, Long> mismatches = new TreeMap<>();
        for (PrometheusText.Sample s : PrometheusText.parse(prometheusText).samples()) {
            Map<String, Long> into = s.name().equals(VERIFIED) ? verified : s.name().equals(MISMATCHES) ? mismatches : null;
            if (into != null && s.value() > 0) {
                into.merge(s.labels().get("rmgr") + "/" + s.labels().get("type"), (long) s.value(), Long::sum);
            }
        }
        return new RedoVerification(verified, mismatches);
    }

    long verifiedOf(String rmgr) {
        return verified.entrySet().stream().filter(e -> e.getKey().startsWith(rmgr + "/"))
                .mapToLong(Map.Entry::getValue).sum();
    }

    /** For the results file: verified and mismatched counts per record type. */
    Map<String, Object> byRecordType() {
        return Map.of("verified", verified, "mismatches", mismatches);
    }
}
