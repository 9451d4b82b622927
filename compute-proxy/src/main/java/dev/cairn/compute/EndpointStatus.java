package dev.cairn.compute;

/** What the compute manager reports of an endpoint. */
public record EndpointStatus(String name, String tenant, String timeline, String state, Long pid, String host,
                             Integer port, String startedAt, String syncLsn, int restarts, String lastError,
                             String dataDirectory) {
}
