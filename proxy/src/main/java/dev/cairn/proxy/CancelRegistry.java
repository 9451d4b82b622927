package dev.cairn.proxy;

import dev.cairn.compute.api.BackendAddress;
import dev.cairn.proxy.protocol.CancelKey;

import java.security.SecureRandom;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Maps the cancel keys the proxy hands to clients to the compute session behind them. Clients never
 * see a compute's own secret, so a key cannot be used to cancel on another endpoint's compute. The
 * process id is the compute backend's own: clients compare it with pg_backend_pid() and pass it to
 * pg_locks, pg_stat_activity and pg_blocking_pids (PostgreSQL's isolationtester waits on it), and it
 * tells nobody more than pg_backend_pid() does.
 */
public final class CancelRegistry {
    private final SecureRandom random = new SecureRandom();
    private final ConcurrentHashMap<CancelKey, CancelTarget> targets = new ConcurrentHashMap<>();

    /** Where a cancel goes: the compute's address and the key its postgres gave for the session. */
    public record CancelTarget(String endpoint, BackendAddress backend, CancelKey backendKey) {}

    public CancelKey register(CancelTarget target) {
        while (true) {
            CancelKey key = new CancelKey(target.backendKey().processId(), random.nextInt());
            if (targets.putIfAbsent(key, target) == null) {
                return key;
            }
        }
    }

    public Optional<CancelTarget> find(CancelKey key) {
        return Optional.ofNullable(targets.get(key));
    }

    public void unregister(CancelKey key) {
        targets.remove(key);
    }

    public int size() {
        return targets.size();
    }
}
