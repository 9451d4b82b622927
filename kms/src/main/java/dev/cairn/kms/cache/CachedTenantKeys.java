package dev.cairn.kms.cache;

import dev.cairn.kms.crypto.KeyDestroyedException;
import dev.cairn.kms.crypto.KeyMaterial;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The unwrapped KEKs and DEKs of one tenant, valid for a TTL counted from the last successful KMS unwrap.
 * <ul>
 *   <li>before half the TTL: fresh, served without contacting the KMS;</li>
 *   <li>from half the TTL to the TTL: served, while the hierarchy re-checks the CMK with the KMS
 *       ({@link #renew} on success; a transient failure keeps serving);</li>
 *   <li>after the TTL: unusable — the KMS must unwrap again.</li>
 * </ul>
 * {@link #destroy()} zeroes every key; a destroyed entry refuses to hold new keys.
 */
public final class CachedTenantKeys {
    private final Map<Long, KeyMaterial> keks = new ConcurrentHashMap<>();
    private final Map<Long, KeyMaterial> deks = new ConcurrentHashMap<>();
    private final long ttlMillis;
    private volatile long refreshAtMillis;
    private volatile long expiresAtMillis;
    private volatile boolean destroyed;

    public CachedTenantKeys(long nowMillis, Duration ttl) {
        this.ttlMillis = ttl.toMillis();
        renew(nowMillis);
    }

    /** The KMS confirmed the CMK at {@code nowMillis}: restart the TTL. */
    public void renew(long nowMillis) {
        refreshAtMillis = nowMillis + ttlMillis / 2;
        expiresAtMillis = nowMillis + ttlMillis;
    }

    public boolean usable(long nowMillis) {
        return !destroyed && nowMillis < expiresAtMillis;
    }

    public boolean needsRefresh(long nowMillis) {
        return nowMillis >= refreshAtMillis;
    }

    public long expiresAtMillis() {
        return expiresAtMillis;
    }

    public KeyMaterial kek(long id) {
        return keks.get(id);
    }

    public KeyMaterial dek(long sequence) {
        return deks.get(sequence);
    }

    /** Stores a KEK (taking ownership); returns the one now held. */
    public synchronized KeyMaterial putKek(long id, KeyMaterial key) {
        return put(keks, id, key);
    }

    /** Stores a DEK (taking ownership); returns the one now held. */
    public synchronized KeyMaterial putDek(long sequence, KeyMaterial key) {
        return put(deks, sequence, key);
    }

    /** Forgets (and zeroes) one DEK, e.g. when it is destroyed. */
    public synchronized void removeDek(long sequence) {
        KeyMaterial k = deks.remove(sequence);
        if (k != null) {
            k.destroy();
        }
    }

    public int size() {
        return keks.size() + deks.size();
    }

    private KeyMaterial put(Map<Long, KeyMaterial> map, long id, KeyMaterial key) {
        if (destroyed) {
            key.destroy();
            throw new KeyDestroyedException("key cache entry was evicted");
        }
        KeyMaterial existing = map.putIfAbsent(id, key);
        if (existing != null) {
            key.destroy();
            return existing;
        }
        return key;
    }

    /** Zeroes every key held. */
    public synchronized void destroy() {
        destroyed = true;
        keks.values().forEach(KeyMaterial::destroy);
        deks.values().forEach(KeyMaterial::destroy);
        keks.clear();
        deks.clear();
    }

    public boolean isDestroyed() {
        return destroyed;
    }
}
