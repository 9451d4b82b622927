package dev.cairn.local;

import dev.cairn.compute.api.ComputeManagerClient;

import dev.cairn.compute.api.EndpointDefinition;
import dev.cairn.httpapi.ApiException;
import dev.cairn.pageserver.api.PageserverClient;
import dev.cairn.pageserver.api.TimelineInfo;
import dev.cairn.compute.api.ScramVerifier;
import dev.cairn.common.TimelineKey;

import java.time.Duration;
import java.util.Map;

/**
 * Creating timelines and endpoints, idempotently: shared by {@code cairn timeline|endpoint create} and the
 * local cluster's first start.
 */
public final class Provisioning {
    private Provisioning() {
    }

    /** Creates the timeline unless it exists; waits up to {@code wait} for the pageserver to answer. */
    public static TimelineInfo ensureTimeline(PageserverClient pageserver, TimelineKey key, boolean mayExist,
                                              Duration wait) throws Exception {
        return ensureTimeline(pageserver, key, null, mayExist, wait);
    }

    /** As above; with {@code importFrom}, from that data directory on the pageserver's machine rather than initdb. */
    public static TimelineInfo ensureTimeline(PageserverClient pageserver, TimelineKey key, java.nio.file.Path importFrom,
                                              boolean mayExist, Duration wait) throws Exception {
        try {
            return Reachable.within(wait, () -> importFrom == null ? pageserver.createTimeline(key)
                    : pageserver.importTimeline(key, importFrom));
        } catch (ApiException e) {
            if (!mayExist || e.status() != 409) {
                throw e;
            }
            return pageserver.timeline(key);
        }
    }

    /**
     * Creates {@code key} as a branch of timeline {@code source} of its tenant at {@code at} (null: the newest
     * ingested WAL) unless it exists; waits up to {@code wait} for the pageserver to answer.
     */
    public static TimelineInfo ensureBranch(PageserverClient pageserver, TimelineKey key, dev.cairn.common.Id128 source,
                                            dev.cairn.common.Lsn at, boolean mayExist, Duration wait) throws Exception {
        try {
            return Reachable.within(wait, () -> pageserver.branchTimeline(key, source, at));
        } catch (ApiException e) {
            if (!mayExist || e.status() != 409) {
                throw e;
            }
            return pageserver.timeline(key);
        }
    }

    /**
     * Registers an endpoint whose role logs in with {@code password} (only its SCRAM verifier is sent).
     * With {@code mayExist} an existing endpoint is left as it is.
     */
    public static EndpointDefinition ensureEndpoint(ComputeManagerClient manager, String name, TimelineKey key,
                                                    String role, String password, int maxConnections,
                                                    boolean mayExist, Duration wait) throws Exception {
        if (mayExist) {
            try {
                return Reachable.within(wait, () -> manager.config(name));
            } catch (ApiException e) {
                if (e.status() != 404) {
                    throw e;
                }
            }
        }
        EndpointDefinition def = new EndpointDefinition(name, key.tenant().toString(), key.timeline().toString(),
                Map.of(role, ScramVerifier.fromPassword(password, ScramVerifier.DEFAULT_ITERATIONS).encode()), maxConnections);
        return Reachable.within(wait, () -> manager.put(def));
    }
}
