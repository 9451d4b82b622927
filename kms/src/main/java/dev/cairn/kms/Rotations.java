package dev.cairn.kms;

import dev.cairn.kms.audit.AuditLog;
import dev.cairn.kms.audit.AuditOperation;
import dev.cairn.kms.audit.AuditOutcome;
import dev.cairn.kms.cache.CachedTenantKeys;
import dev.cairn.kms.crypto.AesGcm;
import dev.cairn.kms.crypto.KeyMaterial;
import dev.cairn.kms.provider.KeyRef;
import dev.cairn.kms.provider.KmsException;
import dev.cairn.kms.provider.KmsKeyRevokedException;
import dev.cairn.kms.provider.KmsTransientException;
import dev.cairn.kms.provider.WrappedKey;
import dev.cairn.kms.store.DekEntry;
import dev.cairn.kms.store.KekEntry;
import dev.cairn.kms.store.TenantKeyring;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Arrays;
import java.util.List;

/**
 * Online rotation, never re-encrypting data. Each step persists a keyring in which every entry names
 * the key that wraps it, so a crash between any two steps leaves everything readable; the next rotation
 * (or {@link #complete}) finishes the interrupted one.
 * <ul>
 *   <li>CMK: record the target CMK, then re-wrap each KEK under it (one write per KEK).</li>
 *   <li>KEK: add a new KEK as the active one, re-wrap DEKs under it in batches, drop the old KEK.</li>
 * </ul>
 * DEK rotation (a new active DEK per purpose) lives in {@link KeyHierarchy#rotateDek}.
 */
final class Rotations {
    private static final Logger LOG = LoggerFactory.getLogger(Rotations.class);
    static final int DEK_BATCH = 256;

    private final KeyHierarchyConfig config;
    private final KmsGateway kms;
    private final KeyAccess access;
    private final AuditLog audit;

    Rotations(KeyHierarchyConfig config, KmsGateway kms, KeyAccess access, AuditLog audit) {
        this.config = config;
        this.kms = kms;
        this.access = access;
        this.audit = audit;
    }

    /** Re-wraps every KEK under {@code target} (null: the current CMK, i.e. its new primary version). */
    void rotateCmk(TenantRuntime t, KeyRef target) {
        synchronized (t.mutex) {
            String from = t.keyring.cmk();
            KeyRef to = target != null ? target : KeyRef.parse(from);
            try {
                CachedTenantKeys k = access.keys(t);
                complete(t, k);
                if (!to.toString().equals(t.keyring.cmk())) {
                    t.keyring = config.store().save(t.keyring.withCmk(to.toString()));
                }
                for (KekEntry e : t.keyring.keks()) {
                    rewrapKek(t, k, e, to);
                }
                audit.record(AuditOperation.ROTATE_CMK, t.id, to.toString(), AuditOutcome.SUCCESS,
                        "from " + from + ", " + t.keyring.keks().size() + " KEK(s) re-wrapped");
                LOG.info("tenant {}: CMK rotation {} -> {} done", t.id, from, to);
            } catch (RuntimeException e) {
                audit.record(AuditOperation.ROTATE_CMK, t.id, to.toString(), outcome(e), e.getMessage());
                throw translate(t, e);
            }
        }
    }

    /** A new KEK: new DEKs are wrapped by it and every existing DEK is re-wrapped. */
    void rotateKek(TenantRuntime t) {
        synchronized (t.mutex) {
            long old = t.keyring.activeKek();
            KeyRef cmk = KeyRef.parse(t.keyring.cmk());
            try {
                CachedTenantKeys k = access.keys(t);
                complete(t, k);
                long id = t.keyring.nextKekId();
                KeyMaterial kek = KeyMaterial.random();
                WrappedKey w;
                try {
                    w = kms.wrapKek(t.id, cmk, id, kek, config.retry());
                } catch (RuntimeException e) {
                    kek.destroy();
                    throw e;
                }
                k.putKek(id, kek);
                t.keyring = config.store().save(t.keyring.withNewActiveKek(
                        new KekEntry(id, cmk.toString(), w.keyVersion(), w.blob(), config.clock().instant().toString())));
                int deks = complete(t, k);
                audit.record(AuditOperation.ROTATE_KEK, t.id, "kek-" + id, AuditOutcome.SUCCESS,
                        "from kek-" + old + ", " + deks + " DEK(s) re-wrapped");
                LOG.info("tenant {}: KEK rotation kek-{} -> kek-{} done, {} DEK(s) re-wrapped", t.id, old, id, deks);
            } catch (RuntimeException e) {
                audit.record(AuditOperation.ROTATE_KEK, t.id, "kek-" + old, outcome(e), e.getMessage());
                throw translate(t, e);
            }
        }
    }

    /**
     * Finishes an interrupted rotation: KEKs not under the keyring's CMK are re-wrapped, DEKs not under
     * the active KEK are re-wrapped (in batches, one write each), unreferenced KEKs dropped. Returns the
     * number of DEKs re-wrapped.
     */
    int complete(TenantRuntime t, CachedTenantKeys k) {
        synchronized (t.mutex) {
            KeyRef cmk = KeyRef.parse(t.keyring.cmk());
            for (KekEntry e : t.keyring.keks()) {
                if (!e.wrappedBy().equals(t.keyring.cmk())) {
                    rewrapKek(t, k, e, cmk);
                }
            }
            long activeId = t.keyring.activeKek();
            KeyMaterial active = access.kek(t, k, activeId);
            List<Long> stale = t.keyring.deks().stream().filter(d -> d.kekId() != activeId)
                    .map(DekEntry::sequence).toList();
            for (int i = 0; i < stale.size(); i += DEK_BATCH) {
                TenantKeyring ring = t.keyring;
                for (long seq : stale.subList(i, Math.min(stale.size(), i + DEK_BATCH))) {
                    DekEntry d = ring.dek(seq).orElse(null);
                    if (d == null || d.kekId() == activeId) {
                        continue;
                    }
                    byte[] raw = access.dek(t, k, seq).getEncoded();
                    try {
                        byte[] wrapped = AesGcm.wrap(active, KeyAccess.dekWrapAad(t.id, seq, d.purpose()), raw);
                        ring = ring.withDek(d.withWrapping(activeId, wrapped));
                    } finally {
                        Arrays.fill(raw, (byte) 0);
                    }
                }
                t.keyring = config.store().save(ring);
            }
            TenantKeyring pruned = t.keyring.withoutUnreferencedKeks();
            if (pruned.keks().size() != t.keyring.keks().size()) {
                t.keyring = config.store().save(pruned);
            }
            return stale.size();
        }
    }

    private void rewrapKek(TenantRuntime t, CachedTenantKeys k, KekEntry e, KeyRef to) {
        KeyMaterial m = access.kek(t, k, e.id());
        WrappedKey w = kms.wrapKek(t.id, to, e.id(), m, config.retry());
        t.keyring = config.store().save(t.keyring.withKek(e.withWrapping(to.toString(), w.keyVersion(), w.blob())));
    }

    private RuntimeException translate(TenantRuntime t, RuntimeException e) {
        if (e instanceof KmsKeyRevokedException r) {
            access.revokeByKms(t, r);
            return access.revoked(t, r);
        }
        if (e instanceof KmsTransientException tr) {
            return new KeyUnavailableException(t.id, t.keyring.cmk(), "KMS unreachable during rotation", tr);
        }
        return e;
    }

    private static AuditOutcome outcome(RuntimeException e) {
        if (e instanceof KmsException k) {
            return KmsGateway.outcome(k);
        }
        if (e instanceof KeyRevokedException) {
            return AuditOutcome.DENIED;
        }
        if (e instanceof KeyUnavailableException) {
            return AuditOutcome.UNAVAILABLE;
        }
        return AuditOutcome.FAILURE;
    }
}
