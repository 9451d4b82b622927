package dev.cairn.compute;

import dev.cairn.compute.api.BootTimings;
import dev.cairn.compute.api.EndpointDefinition;
import dev.cairn.compute.api.EndpointStatus;

import dev.cairn.kms.KeyRevokedException;
import dev.cairn.kms.ServiceKeys;
import dev.cairn.common.Id128;
import dev.cairn.kms.TenantState;
import dev.cairn.kms.TenantStatus;
import dev.cairn.pgruntime.PgBinaries;
import dev.cairn.compute.api.BackendAddress;
import dev.cairn.common.TimelineKey;
import dev.cairn.safekeeper.client.AcceptorAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Owns the endpoints of this machine and one {@link ComputeAgent} each: wakes them (concurrent wakes of
 * one endpoint share a single start), suspends them, and keeps the endpoint registry. It records every
 * compute it starts ({@link ComputeRecords}) and, when it starts, stops those a crashed predecessor left
 * running before it serves any wake.
 */
public final class ComputeManager implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ComputeManager.class);

    /** Where the manager's computes find the cluster and put their state. */
    public record Config(Path dataDir, List<AcceptorAddress> safekeepers, URI pageserver, PgBinaries pgBinaries,
                         String computeHost, Path stateRoot, long maxIngestLagBytes, Map<String, String> computeSettings,
                         boolean verifyRedo) {
        public Config(Path dataDir, List<AcceptorAddress> safekeepers, URI pageserver, PgBinaries pgBinaries,
                      String computeHost, Path stateRoot) {
            this(dataDir, safekeepers, pageserver, pgBinaries, computeHost, stateRoot,
                    ComputeSpec.DEFAULT_MAX_INGEST_LAG_BYTES, Map.of(), false);
        }

        public Config {
            computeSettings = ComputeSettings.operatorSettings(computeSettings);
        }
    }

    private final Config config;
    private final EndpointRegistry registry;
    private final Map<String, EndpointDefinition> endpoints = new ConcurrentHashMap<>();
    private final Map<String, ComputeAgent> agents = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<BackendAddress>> wakes = new ConcurrentHashMap<>();
    private final ExecutorService starter = Executors.newVirtualThreadPerTaskExecutor();
    private final ServiceKeys keys;
    private final ComputeRecords records;
    private final ComputeManagerMetrics metrics;

    /**
     * @param keys the manager's key hierarchy: each endpoint's tenant gets a keyring under its CMK, which
     *             the key monitor checks; a revocation terminates the tenant's computes
     */
    public ComputeManager(Config config, ServiceKeys keys) {
        this(config, keys, ComputeManagerMetrics.standalone());
    }

    /** @param metrics where the manager counts (the process's registry) */
    public ComputeManager(Config config, ServiceKeys keys, ComputeManagerMetrics metrics) {
        this.metrics = metrics;
        metrics.countEndpoints(this::endpointsByState);
        this.config = config;
        this.keys = keys;
        stopOrphans(config.dataDir());
        this.records = new ComputeRecords(config.dataDir());
        this.registry = new EndpointRegistry(config.dataDir().resolve("endpoints.json"));
        registry.load().forEach(e -> endpoints.put(e.name(), e));
        keys.addListener((tenant, from, to, reason) -> {
            if (to == TenantState.REVOKED) {
                starter.execute(() -> terminateTenant(tenant, reason));
            } else if (to == TenantState.ACTIVE) {
                LOG.info("keys of tenant {} are usable again ({}); its endpoints wake on the next connection", tenant, reason);
            }
        });
        for (EndpointDefinition def : endpoints.values()) {
            try {
                keys.ensureTenant(tenantOf(def));
            } catch (RuntimeException e) {
                LOG.warn("endpoint {}: keys of tenant {} not available: {}", def.name(), def.tenant(), e.getMessage());
            }
        }
    }

    /**
     * The computes a dead predecessor started are stopped and their plaintext state deleted before this
     * manager serves any wake (see {@link OrphanedComputes}).
     */
    private static void stopOrphans(Path dataDir) {
        try {
            List<ComputeRecord> stopped = OrphanedComputes.stopAll(dataDir);
            if (!stopped.isEmpty()) {
                LOG.warn("cleaned up {} compute(s) a previous manager left behind: {}", stopped.size(), stopped);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while stopping the computes a previous manager left running", e);
        }
    }

    private static Id128 tenantOf(EndpointDefinition def) {
        return timelineOf(def).tenant();
    }

    /** The tenant's CMK was revoked: no compute of it may run or keep its data. */
    private void terminateTenant(Id128 tenant, String reason) {
        for (EndpointDefinition def : endpoints.values()) {
            ComputeAgent agent = agents.get(def.name());
            if (agent != null && tenantOf(def).equals(tenant)) {
                agent.terminate(revokedReason(tenant, reason));
            }
        }
    }

    private static String revokedReason(Id128 tenant, String reason) {
        return "keys of tenant " + tenant + " are revoked: " + reason;
    }

    /** Registers or updates an endpoint; a running compute keeps running with its old roles until restarted. */
    public synchronized EndpointDefinition put(EndpointDefinition def) {
        if (!def.name().matches("[a-z0-9][a-z0-9-]{0,62}")) {
            throw new IllegalArgumentException("endpoint name '" + def.name()
                    + "' must be lower-case letters, digits and '-' (it is also a host name label)");
        }
        keys.ensureTenant(tenantOf(def)); // validates the ids; a CMK the KMS refuses is refused here
        def.roles().values().forEach(dev.cairn.compute.api.ScramVerifier::parse);
        if (def.maxConnections() < 1) {
            throw new IllegalArgumentException("maxConnections must be positive, got " + def.maxConnections());
        }
        EndpointDefinition old = endpoints.put(def.name(), def);
        registry.save(new ArrayList<>(endpoints.values()));
        if (old != null && !old.equals(def)) {
            retire(def.name()); // the next wake starts a compute with the new definition
        }
        return def;
    }

    public synchronized boolean delete(String name) {
        retire(name);
        boolean existed = endpoints.remove(name) != null;
        registry.save(new ArrayList<>(endpoints.values()));
        return existed;
    }

    private void retire(String name) {
        ComputeAgent agent = agents.remove(name);
        if (agent != null) {
            agent.close();
        }
    }

    public Optional<EndpointDefinition> find(String name) {
        return Optional.ofNullable(endpoints.get(name));
    }

    /** Starts the endpoint's compute unless it runs; completes when postgres accepts connections. */
    public CompletableFuture<BackendAddress> wake(String name) {
        EndpointDefinition def = endpoints.get(name);
        if (def == null) {
            return CompletableFuture.failedFuture(new UnknownEndpointException(name));
        }
        Id128 tenant = tenantOf(def);
        // revoked here: ask the KMS again (the hierarchy rate-limits the probe), so a CMK the customer has
        // enabled again lets this connection in instead of waiting for the monitor's next pass
        if (keys.state(tenant) == TenantState.REVOKED && keys.hierarchy().refresh(tenant) == TenantState.REVOKED) {
            return CompletableFuture.failedFuture(revokedError(tenant));
        }
        ComputeAgent agent = agent(def);
        synchronized (wakes) {
            CompletableFuture<BackendAddress> pending = wakes.get(name);
            if (pending != null && !pending.isDone()) {
                return pending; // concurrent wakes share one start
            }
            long wakeStart = System.nanoTime();
            CompletableFuture<BackendAddress> f = CompletableFuture.supplyAsync(() -> {
                if (agent.state() != ComputeState.RUNNING) {
                    // a cold start asks the KMS now rather than trusting the last check
                    keys.ensureTenant(tenant);
                    if (keys.hierarchy().refresh(tenant) == TenantState.REVOKED) {
                        throw revokedError(tenant);
                    }
                }
                BackendAddress address;
                BootTimings lastBoot = agent.lastBoot();
                try {
                    address = agent.start();
                } catch (RuntimeException e) {
                    metrics.bootFailed();
                    // the revocation may have cut this boot short before this process noticed it (the pageserver
                    // broke off the basebackup): ask the KMS, and if so say that, not how the boot broke
                    if (keys.state(tenant) == TenantState.REVOKED || keys.hierarchy().refresh(tenant) == TenantState.REVOKED) {
                        agent.terminate(revokedReason(tenant, keys.hierarchy().status(tenant).revocationReason()));
                        throw revokedError(tenant);
                    }
                    throw e;
                }
                BootTimings boot = agent.lastBoot();
                if (boot != null && boot != lastBoot) { // this wake booted the compute, rather than found it running
                    metrics.booted(boot);
                }
                // the key listener fires once per transition: a revocation noticed after the check above but
                // before this boot took the agent's lock found nothing to terminate, so look again now
                if (keys.state(tenant) == TenantState.REVOKED) {
                    agent.terminate(revokedReason(tenant, keys.hierarchy().status(tenant).revocationReason()));
                    throw revokedError(tenant);
                }
                return address;
            }, starter);
            f.whenComplete((address, error) -> metrics.woke(wakeStart, error == null));
            wakes.put(name, f);
            return f;
        }
    }

    private KeyRevokedException revokedError(Id128 tenant) {
        TenantStatus st = keys.hierarchy().status(tenant);
        return new KeyRevokedException(tenant, st.cmk(), st.revocationSource(), st.revocationReason());
    }

    public void suspend(String name) {
        ComputeAgent agent = agents.get(name);
        if (agent != null) {
            agent.suspend();
        }
    }

    /** How many endpoints are in each state (an endpoint without an agent is suspended). */
    private Map<ComputeState, Long> endpointsByState() {
        Map<ComputeState, Long> counts = new java.util.EnumMap<>(ComputeState.class);
        for (String name : endpoints.keySet()) {
            ComputeAgent a = agents.get(name);
            counts.merge(a == null ? ComputeState.SUSPENDED : a.state(), 1L, Long::sum);
        }
        return counts;
    }

    public ComputeManagerMetrics metrics() {
        return metrics;
    }

    public List<EndpointStatus> list() {
        return endpoints.values().stream().sorted(Comparator.comparing(EndpointDefinition::name))
                .map(this::status).toList();
    }

    public EndpointStatus status(String name) {
        EndpointDefinition def = endpoints.get(name);
        if (def == null) {
            throw new UnknownEndpointException(name);
        }
        return status(def);
    }

    private EndpointStatus status(EndpointDefinition def) {
        ComputeAgent a = agents.get(def.name());
        if (a == null) {
            return new EndpointStatus(def.name(), def.tenant(), def.timeline(), ComputeState.SUSPENDED.label(), null,
                    null, null, null, null, 0, null, null, null);
        }
        BackendAddress address = a.address();
        Path data = a.dataDirectory();
        return new EndpointStatus(def.name(), def.tenant(), def.timeline(), a.state().label(), a.postgresPid(),
                address == null ? null : address.host(), address == null ? null : address.port(),
                a.startedAt() == null ? null : a.startedAt().toString(),
                a.syncLsn().isValid() ? a.syncLsn().toString() : null, a.restarts(), a.lastError(),
                data == null ? null : data.toString(), a.lastBoot());
    }

    private ComputeAgent agent(EndpointDefinition def) {
        return agents.computeIfAbsent(def.name(), n -> new ComputeAgent(new ComputeSpec(n, timelineOf(def),
                config.safekeepers(), config.pageserver(), config.pgBinaries(), config.computeHost(),
                config.stateRoot(), def.roles(), config.maxIngestLagBytes(), config.computeSettings(), config.verifyRedo()), records));
    }

    private static TimelineKey timelineOf(EndpointDefinition def) {
        try {
            return new TimelineKey(Id128.parse(def.tenant()), Id128.parse(def.timeline()));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("endpoint " + def.name() + ": tenant and timeline must be 32 hex digits");
        }
    }

    /** Suspends every running compute (a clean shutdown: the quorum gets their last WAL). */
    @Override
    public void close() {
        for (ComputeAgent a : agents.values()) {
            try {
                a.close();
            } catch (RuntimeException e) {
                LOG.warn("suspending endpoint {} failed: {}", a.spec().endpoint(), e.getMessage());
            }
        }
        starter.shutdownNow();
    }
}
