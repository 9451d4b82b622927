package dev.cairn.compute.api;


/** What the compute manager reports of an endpoint; {@code lastBoot} is null until a compute has started. */
public record EndpointStatus(String name, String tenant, String timeline, String state, Long pid, String host,
                             Integer port, String startedAt, String syncLsn, int restarts, String lastError,
                             String dataDirectory, BootTimings lastBoot) {
}
