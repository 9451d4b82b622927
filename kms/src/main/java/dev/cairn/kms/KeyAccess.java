package dev.cairn.kms;

import dev.cairn.common.Id128;

import dev.cairn.kms.audit.AuditLog;
import dev.cairn.kms.audit.AuditOperation;
import dev.cairn.kms.audit.AuditOutcome;
import dev.cairn.kms.cache.CachedTenantKeys;
import dev.cairn.kms.crypto.AesGcm;
import dev.cairn.kms.crypto.KeyMaterial;
import dev.cairn.kms.provider.KmsKeyRevokedException;
import dev.cairn.kms.provider.KmsRejectedException;
import dev.cairn.kms.provider.KmsTransientException;
import dev.cairn.kms.provider.RetryPolicy;
import dev.cairn.kms.store.DekEntry;
import dev.cairn.kms.store.KekEntry;
import dev.cairn.kms.store.RevocationRecord;
import dev.cairn.kms.store.TenantKeyring;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.crypto.AEADBadTagException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;

/**
 * Gets a tenant's unwrapped keys: from the cache within its TTL, else from the KMS (retried). Owns the
 * tenant state machine: a KMS revocation moves the tenant to REVOKED (keys zeroed, listeners told); a
 * KMS-revoked tenant is re-probed at most every probe interval and returns to ACTIVE when the CMK
 * unwraps again; operator revocations are lifted only by {@link #restore}.
 */
final class KeyAccess {
    private static final Logger LOG = LoggerFactory.getLogger(KeyAccess.class);

    private final KeyHierarchyConfig config;
    private final KmsGateway kms;
    private final AuditLog audit;
    private final StateNotifier notifier;

    KeyAccess(KeyHierarchyConfig config, KmsGateway kms, AuditLog audit, StateNotifier notifier) {
        this.config = config;
        this.kms = kms;
        this.audit = audit;
        this.notifier = notifier;
    }

    private long now() {
        return config.clock().millis();
    }

    /** Throws {@link KeyRevokedException} unless the tenant is active (re-probing a KMS revocation when due). */
    void ensureActive(TenantRuntime t) {
        TenantRuntime.Revoked r = t.revoked;
        if (r == null) {
            return;
        }
        if (r.source() == RevocationSource.KMS && now() >= t.nextProbeAtMillis) {
            synchronized (t.mutex) {
                r = t.revoked;
                if (r != null && r.source() == RevocationSource.KMS && now() >= t.nextProbeAtMillis) {
                    t.nextProbeAtMillis = now() + config.revokedProbeInterval().toMillis();
                    try {
                        CachedTenantKeys fresh = unwrapAll(t, RetryPolicy.once());
                        reactivate(t, fresh, "CMK unwraps again");
                    } catch (KmsKeyRevokedException | KmsTransientException | KmsRejectedException e) {
                        LOG.debug("tenant {} still revoked: {}", t.id, e.getMessage());
                    }
                }
            }
        }
        r = t.revoked;
        if (r != null) {
            throw new KeyRevokedException(t.id, t.keyring.cmk(), r.source(), r.reason(), null);
        }
    }

    KeyRevokedException revoked(TenantRuntime t, Throwable cause) {
        TenantRuntime.Revoked r = t.revoked;
        return r == null
                ? new KeyRevokedException(t.id, t.keyring.cmk(), RevocationSource.KMS, String.valueOf(cause), cause)
                : new KeyRevokedException(t.id, t.keyring.cmk(), r.source(), r.reason(), cause);
    }

    /** The tenant's usable keys, loading them from the KMS if needed. */
    CachedTenantKeys keys(TenantRuntime t) {
        ensureActive(t);
        long now = now();
        CachedTenantKeys k = t.keys;
        if (k != null && k.usable(now)) {
            if (k.needsRefresh(now)) {
                refreshAhead(t, k, now);
            }
            return k;
        }
        synchronized (t.mutex) {
            ensureActive(t);
            k = t.keys;
            if (k != null && k.usable(now())) {
                return k;
            }
            try {
                CachedTenantKeys fresh = unwrapAll(t, config.retry());
                t.keys = fresh;
                if (k != null) {
                    k.destroy();
                }
                return fresh;
            } catch (KmsKeyRevokedException e) {
                revokeByKms(t, e);
                throw revoked(t, e);
            } catch (KmsTransientException e) {
                throw new KeyUnavailableException(t.id, t.keyring.cmk(), "KMS unreachable and no cached key within TTL", e);
            } catch (KmsRejectedException e) {
                throw new DecryptionFailedException(t.id, "KMS rejected the tenant's wrapped KEK: " + e.getMessage(), e);
            }
        }
    }

    /** Within the second half of the TTL: re-check the CMK; transient failures keep serving from cache. */
    private void refreshAhead(TenantRuntime t, CachedTenantKeys k, long now) {
        if (now < t.nextRefreshAttemptMillis || !t.refreshLock.tryLock()) {
            return;
        }
        try {
            TenantKeyring ring = t.keyring;
            KekEntry active = ring.kek(ring.activeKek()).orElseThrow();
            kms.unwrapKek(t.id, active, RetryPolicy.once()).destroy();
            k.renew(now());
        } catch (KmsTransientException e) {
            t.nextRefreshAttemptMillis = now + Math.max(100, Math.min(5_000, config.cacheTtl().toMillis() / 20));
            LOG.warn("tenant {}: KMS unreachable, serving cached keys until {}: {}", t.id,
                    Instant.ofEpochMilli(k.expiresAtMillis()), e.getMessage());
        } catch (KmsKeyRevokedException e) {
            revokeByKms(t, e);
            throw revoked(t, e);
        } catch (KmsRejectedException e) {
            t.nextRefreshAttemptMillis = now + 5_000;
            LOG.error("tenant {}: KMS rejected the KEK during refresh: {}", t.id, e.getMessage());
        } finally {
            t.refreshLock.unlock();
        }
    }

    /** Unwraps every KEK of the tenant through the KMS into a new cache entry. */
    CachedTenantKeys unwrapAll(TenantRuntime t, RetryPolicy retry) {
        CachedTenantKeys fresh = new CachedTenantKeys(now(), config.cacheTtl());
        try {
            for (KekEntry e : t.keyring.keks()) {
                fresh.putKek(e.id(), kms.unwrapKek(t.id, e, retry));
            }
            return fresh;
        } catch (RuntimeException e) {
            fresh.destroy();
            throw e;
        }
    }

    /** The unwrapped KEK {@code id}, loading it through the KMS if the cache entry lacks it. */
    KeyMaterial kek(TenantRuntime t, CachedTenantKeys k, long id) {
        KeyMaterial m = k.kek(id);
        if (m != null) {
            return m;
        }
        synchronized (t.mutex) {
            m = k.kek(id);
            if (m != null) {
                return m;
            }
            KekEntry e = t.keyring.kek(id).orElseThrow(() -> new DecryptionFailedException(t.id,
                    "keyring of tenant " + t.id + " has no kek-" + id, null));
            try {
                return k.putKek(id, kms.unwrapKek(t.id, e, config.retry()));
            } catch (KmsKeyRevokedException ex) {
                revokeByKms(t, ex);
                throw revoked(t, ex);
            } catch (KmsTransientException ex) {
                throw new KeyUnavailableException(t.id, e.wrappedBy(), "KMS unreachable", ex);
            } catch (KmsRejectedException ex) {
                throw new DecryptionFailedException(t.id, "KMS rejected kek-" + id + ": " + ex.getMessage(), ex);
            }
        }
    }

    /** The unwrapped DEK {@code sequence} (unwrapping it with its KEK on a cache miss). */
    KeyMaterial dek(TenantRuntime t, CachedTenantKeys k, long sequence) {
        KeyMaterial m = k.dek(sequence);
        if (m != null) {
            return m;
        }
        for (int attempt = 0; ; attempt++) {
            DekEntry e = t.keyring.dek(sequence).orElseThrow(() -> new UnknownDekException(new DekId(t.id, sequence)));
            KeyMaterial kek;
            try {
                kek = kek(t, k, e.kekId());
            } catch (DecryptionFailedException ex) {
                if (attempt == 0) {
                    continue; // the DEK was re-wrapped by a concurrent rotation: read its entry again
                }
                throw ex;
            }
            byte[] raw;
            try {
                raw = AesGcm.unwrap(kek, dekWrapAad(t.id, e.sequence(), e.purpose()), e.wrapped());
            } catch (AEADBadTagException ex) {
                if (attempt == 0 && t.keyring.dek(sequence).map(d -> d.kekId() != e.kekId()).orElse(false)) {
                    continue;
                }
                audit.record(AuditOperation.UNWRAP_DEK, t.id, new DekId(t.id, sequence).toString(), AuditOutcome.FAILURE,
                        "wrapped DEK failed authentication under kek-" + e.kekId());
                throw new DecryptionFailedException(t.id, "wrapped DEK " + new DekId(t.id, sequence)
                        + " failed authentication (altered keyring?)", ex);
            }
            audit.record(AuditOperation.UNWRAP_DEK, t.id, new DekId(t.id, sequence).toString(), AuditOutcome.SUCCESS,
                    "kek-" + e.kekId());
            return k.putDek(sequence, new KeyMaterial(raw));
        }
    }

    static byte[] dekWrapAad(Id128 tenant, long sequence, String purpose) {
        return ("cairn-dek-v1|tenant=" + tenant.toString() + "|dek=" + sequence + "|purpose=" + purpose)
                .getBytes(StandardCharsets.UTF_8);
    }

    /** The KMS refused the CMK: revoke the tenant (persisted), zero its keys, tell listeners. */
    void revokeByKms(TenantRuntime t, KmsKeyRevokedException cause) {
        revoke(t, RevocationSource.KMS, "KMS refused the CMK: " + cause.getMessage());
    }

    void revoke(TenantRuntime t, RevocationSource source, String reason) {
        TenantState before;
        synchronized (t.mutex) {
            TenantRuntime.Revoked current = t.revoked;
            before = t.state();
            if (current != null && (current.source() == source || source == RevocationSource.KMS)) {
                return;
            }
            t.revoked = new TenantRuntime.Revoked(source, reason);
            t.nextProbeAtMillis = now() + config.revokedProbeInterval().toMillis();
            CachedTenantKeys k = t.keys;
            t.keys = null;
            if (k != null) {
                k.destroy();
            }
            try {
                t.keyring = config.store().save(t.keyring.withRevocation(
                        new RevocationRecord(source, reason, config.clock().instant().toString())));
            } catch (RuntimeException e) {
                LOG.error("tenant {} revoked in memory but the revocation could not be persisted", t.id, e);
            }
        }
        audit.record(AuditOperation.REVOKE, t.id, t.keyring.cmk(), AuditOutcome.SUCCESS, source + ": " + reason);
        if (before != TenantState.REVOKED) {
            notifier.changed(t.id, before, TenantState.REVOKED, reason);
        }
    }

    /** Operator restore: the CMK must unwrap every KEK; then the tenant is active again. */
    void restore(TenantRuntime t) {
        synchronized (t.mutex) {
            CachedTenantKeys fresh;
            try {
                fresh = unwrapAll(t, config.retry());
            } catch (KmsKeyRevokedException e) {
                audit.record(AuditOperation.RESTORE, t.id, t.keyring.cmk(), AuditOutcome.DENIED, e.getMessage());
                if (t.revoked == null) {
                    revokeByKms(t, e);
                }
                throw new KeyRevokedException(t.id, t.keyring.cmk(), RevocationSource.KMS,
                        "cannot restore: the KMS still refuses the CMK: " + e.getMessage(), e);
            } catch (KmsTransientException e) {
                audit.record(AuditOperation.RESTORE, t.id, t.keyring.cmk(), AuditOutcome.UNAVAILABLE, e.getMessage());
                throw new KeyUnavailableException(t.id, t.keyring.cmk(), "cannot restore: KMS unreachable", e);
            } catch (KmsRejectedException e) {
                audit.record(AuditOperation.RESTORE, t.id, t.keyring.cmk(), AuditOutcome.FAILURE, e.getMessage());
                throw new DecryptionFailedException(t.id, "cannot restore: KMS rejected a wrapped KEK: " + e.getMessage(), e);
            }
            reactivate(t, fresh, "restored by operator");
        }
    }

    private void reactivate(TenantRuntime t, CachedTenantKeys fresh, String reason) {
        TenantState before;
        synchronized (t.mutex) {
            before = t.state();
            CachedTenantKeys old = t.keys;
            t.keys = fresh;
            if (old != null && old != fresh) {
                old.destroy();
            }
            if (t.keyring.revocation() != null) {
                t.keyring = config.store().save(t.keyring.withRevocation(null));
            }
            t.revoked = null;
        }
        audit.record(AuditOperation.RESTORE, t.id, t.keyring.cmk(), AuditOutcome.SUCCESS, reason);
        if (before != TenantState.ACTIVE) {
            notifier.changed(t.id, before, TenantState.ACTIVE, reason);
        }
    }

    Optional<Long> cachedUntil(TenantRuntime t) {
        CachedTenantKeys k = t.keys;
        return k != null && k.usable(now()) ? Optional.of(k.expiresAtMillis()) : Optional.empty();
    }
}
