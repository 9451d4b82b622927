package dev.cairn.kms;

import dev.cairn.common.Id128;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The keys of one running service (safekeeper, pageserver, compute manager): its {@link KeyHierarchy},
 * tenant keyrings created on first use under the CMK that {@link CmkNaming} names, and a monitor that
 * asks the KMS about every tenant once per check interval. The monitor is what bounds how long a CMK
 * revocation can go unnoticed: without it an idle tenant's keys would stay cached for the whole TTL.
 * Listeners ({@link #addListener}) hear revocations and restores from the monitor and from traffic.
 */
public final class ServiceKeys implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ServiceKeys.class);

    private final KeyHierarchy hierarchy;
    private final CmkNaming naming;
    private final ScheduledExecutorService monitor;

    private ServiceKeys(KeyHierarchy hierarchy, CmkNaming naming, Duration checkInterval) {
        this.hierarchy = hierarchy;
        this.naming = naming;
        this.monitor = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform()
                .name("key-monitor").daemon().unstarted(r));
        long ms = checkInterval.toMillis();
        monitor.scheduleWithFixedDelay(this::checkAll, ms, ms, TimeUnit.MILLISECONDS);
    }

    /**
     * Opens the hierarchy and starts the monitor.
     *
     * @param checkInterval how often every tenant's CMK is checked with the KMS (the revocation bound)
     */
    public static ServiceKeys open(KeyHierarchyConfig config, CmkNaming naming, Duration checkInterval) {
        if (checkInterval.isNegative() || checkInterval.isZero()) {
            throw new IllegalArgumentException("key check interval must be positive, got " + checkInterval);
        }
        return new ServiceKeys(KeyHierarchy.open(config), naming, checkInterval);
    }

    public KeyHierarchy hierarchy() {
        return hierarchy;
    }

    /**
     * Makes sure the tenant has a keyring here, creating one under its CMK if it has none.
     *
     * @throws KeyRevokedException     when the KMS refuses the CMK
     * @throws KeyUnavailableException when the KMS cannot be reached
     */
    public Id128 ensureTenant(Id128 tenant) {
        if (!hierarchy.hasTenant(tenant)) {
            synchronized (this) {
                if (!hierarchy.hasTenant(tenant)) {
                    hierarchy.createTenant(tenant, naming.cmkFor(tenant));
                    LOG.info("created keys of tenant {} under {}", tenant, naming.cmkFor(tenant));
                }
            }
        }
        return tenant;
    }

    public TenantState state(Id128 tenant) {
        return hierarchy.hasTenant(tenant) ? hierarchy.state(tenant) : TenantState.ACTIVE;
    }

    public void addListener(KeyStateListener listener) {
        hierarchy.addListener(listener);
    }

    /** One monitor pass: every tenant's CMK checked now (listeners hear any change). */
    public void checkAll() {
        for (Id128 t : hierarchy.tenants()) {
            try {
                hierarchy.refresh(t);
            } catch (RuntimeException e) {
                LOG.warn("tenant {}: key check failed: {}", t, e.getMessage());
            }
        }
    }

    @Override
    public void close() {
        monitor.shutdownNow();
        hierarchy.close();
    }
}
