package dev.cairn.proxy;

import dev.cairn.proxy.endpoint.BackendAddress;
import dev.cairn.proxy.protocol.CancelKey;

import java.security.SecureRandom;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Maps the cancel keys the proxy hands to clients to the compute session behind them. Clients never
 * see a compute's own key, so a key cannot be used to cancel on another endpoint's compute.
 */
public final class CancelRegistry {
    private final SecureRandom random = new SecureRandom();
    private final ConcurrentHashMap<CancelKey, CancelTarget> targets = new ConcurrentHashMap<>();

    /** Where a cancel goes: the compute's address and the key its postgres gave for the session. */
    public record CancelTarget(String endpoint, BackendAddress backend, CancelKey backendKey) {}

    public CancelKey register(CancelTarget target) {
        while (true) {
            CancelKey key = new CancelKey(random.nextInt() & 0x7fffffff, random.nextInt());
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
