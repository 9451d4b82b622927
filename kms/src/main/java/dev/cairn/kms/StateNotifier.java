package dev.cairn.kms;

import dev.cairn.common.Id128;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/** Delivers tenant state changes to listeners, in order, on one daemon thread (never under our locks). */
final class StateNotifier implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StateNotifier.class);

    private final List<KeyStateListener> listeners = new CopyOnWriteArrayList<>();
    private final ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "cairn-kms-notifier");
        t.setDaemon(true);
        return t;
    });

    void add(KeyStateListener l) {
        listeners.add(l);
    }

    void remove(KeyStateListener l) {
        listeners.remove(l);
    }

    void changed(Id128 tenant, TenantState from, TenantState to, String reason) {
        LOG.warn("tenant {} keys: {} -> {} ({})", tenant, from, to, reason);
        executor.execute(() -> {
            for (KeyStateListener l : listeners) {
                try {
                    l.stateChanged(tenant, from, to, reason);
                } catch (RuntimeException e) {
                    LOG.error("key state listener {} failed for tenant {}", l, tenant, e);
                }
            }
        });
    }

    @Override
    public void close() {
        executor.shutdown();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
