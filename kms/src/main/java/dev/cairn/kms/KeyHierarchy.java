package dev.cairn.kms;

import dev.cairn.common.Id128;

import dev.cairn.kms.audit.AuditLog;
import dev.cairn.kms.audit.AuditOperation;
import dev.cairn.kms.audit.AuditOutcome;
import dev.cairn.kms.cache.CachedTenantKeys;
import dev.cairn.kms.crypto.AesGcm;
import dev.cairn.kms.crypto.Envelope;
import dev.cairn.kms.crypto.KeyDestroyedException;
import dev.cairn.kms.crypto.KeyMaterial;
import dev.cairn.kms.crypto.NonceSequence;
import dev.cairn.kms.provider.KeyRef;
import dev.cairn.kms.provider.KmsKeyRevokedException;
import dev.cairn.kms.provider.KmsRejectedException;
import dev.cairn.kms.provider.KmsTransientException;
import dev.cairn.kms.provider.WrappedKey;
import dev.cairn.kms.store.DekEntry;
import dev.cairn.kms.store.KekEntry;
import dev.cairn.kms.store.TenantKeyring;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.crypto.AEADBadTagException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The key hierarchy of one service data directory: CMK (customer's KMS) -> per-tenant KEK -> DEKs.
 * Thread-safe; services keep one instance open for their lifetime.
 *
 * <p>Data path: {@link #encrypt(DekId, Aad, byte[])} / {@link #encrypt(Id128, Aad, byte[])} seal bytes
 * into an {@link Envelope} (AES-256-GCM, 37 bytes overhead) bound to the tenant, the DEK and the
 * {@link Aad}; {@link #decrypt} opens it. Keys come from an in-memory cache valid for
 * {@link KeyHierarchyConfig#cacheTtl()} after the last successful KMS call; transient KMS failures are
 * retried and the cache keeps serving within the TTL; a KMS refusal revokes the tenant
 * ({@link KeyRevokedException} on every call, keys zeroed, {@link KeyStateListener}s told).
 *
 * <p>Rotation is online and never re-encrypts data: {@link #rotateCmk}, {@link #rotateKek},
 * {@link #rotateDek}. Every key operation is written to the audit log.
 */
public final class KeyHierarchy implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KeyHierarchy.class);

    private final KeyHierarchyConfig config;
    private final AuditLog audit;
    private final KmsGateway kms;
    private final StateNotifier notifier = new StateNotifier();
    private final KeyAccess access;
    private final Rotations rotations;
    private final Verifier verifier;
    private final ConcurrentMap<Id128, TenantRuntime> tenants = new ConcurrentHashMap<>();

    private KeyHierarchy(KeyHierarchyConfig config) {
        this.config = config;
        this.audit = new AuditLog(config.layout().auditLog(), config.caller(), config.clock());
        this.kms = new KmsGateway(config.providers(), audit);
        this.access = new KeyAccess(config, kms, audit, notifier);
        this.rotations = new Rotations(config, kms, access, audit);
        this.verifier = new Verifier(config, kms, audit);
    }

    /** Opens the hierarchy over the keyrings of a data directory (no KMS call is made here). */
    public static KeyHierarchy open(KeyHierarchyConfig config) {
        KeyHierarchy h = new KeyHierarchy(config);
        for (Id128 t : config.store().tenants()) {
            TenantKeyring ring = config.store().load(t).orElseThrow();
            h.tenants.put(t, new TenantRuntime(t, ring));
            if (ring.rotationPending()) {
                LOG.warn("tenant {}: an interrupted key rotation is pending; it completes on the next rotation", t);
            }
        }
        LOG.info("key hierarchy open over {} ({} tenant(s))", config.layout().root(), h.tenants.size());
        return h;
    }

    public KeyHierarchyConfig config() {
        return config;
    }

    // ---------------------------------------------------------------- tenants

    /** Creates a tenant: a new random KEK wrapped by {@code cmk}. */
    public void createTenant(Id128 tenant, KeyRef cmk) {
        synchronized (tenants) {
            if (tenants.containsKey(tenant) || config.store().load(tenant).isPresent()) {
                throw new IllegalStateException("tenant " + tenant + " already has a keyring");
            }
            KeyMaterial kek = KeyMaterial.random();
            WrappedKey w;
            try {
                w = kms.wrapKek(tenant, cmk, 1, kek, config.retry());
            } catch (KmsKeyRevokedException e) {
                kek.destroy();
                audit.record(AuditOperation.CREATE_TENANT, tenant, cmk.toString(), AuditOutcome.DENIED, e.getMessage());
                throw new KeyRevokedException(tenant, cmk.toString(), RevocationSource.KMS, e.getMessage(), e);
            } catch (KmsTransientException e) {
                kek.destroy();
                audit.record(AuditOperation.CREATE_TENANT, tenant, cmk.toString(), AuditOutcome.UNAVAILABLE, e.getMessage());
                throw new KeyUnavailableException(tenant, cmk.toString(), "cannot create tenant", e);
            } catch (KmsRejectedException e) {
                kek.destroy();
                audit.record(AuditOperation.CREATE_TENANT, tenant, cmk.toString(), AuditOutcome.FAILURE, e.getMessage());
                throw e;
            }
            TenantKeyring ring = config.store().save(TenantKeyring.create(tenant.toString(), cmk.toString(),
                    new KekEntry(1, cmk.toString(), w.keyVersion(), w.blob(), config.clock().instant().toString())));
            TenantRuntime t = new TenantRuntime(tenant, ring);
            CachedTenantKeys keys = new CachedTenantKeys(config.clock().millis(), config.cacheTtl());
            keys.putKek(1, kek);
            t.keys = keys;
            tenants.put(tenant, t);
            audit.record(AuditOperation.CREATE_TENANT, tenant, cmk.toString(), AuditOutcome.SUCCESS, "kek-1");
        }
    }

    public List<Id128> tenants() {
        List<Id128> list = new ArrayList<>(tenants.keySet());
        list.sort(null);
        return list;
    }

    public boolean hasTenant(Id128 tenant) {
        return tenants.containsKey(tenant);
    }

    public TenantState state(Id128 tenant) {
        return runtime(tenant).state();
    }

    public TenantStatus status(Id128 tenant) {
        TenantRuntime t = runtime(tenant);
        TenantKeyring r = t.keyring;
        TenantRuntime.Revoked revoked = t.revoked;
        return new TenantStatus(tenant, revoked == null ? TenantState.ACTIVE : TenantState.REVOKED,
                revoked == null ? null : revoked.source(), revoked == null ? null : revoked.reason(), r.cmk(), r.activeKek(),
                r.keks().size(), r.deks().size(), r.activeDeks(), r.rotationPending(), r.generation(),
                access.cachedUntil(t).orElse(0L));
    }

    public List<DekInfo> deks(Id128 tenant) {
        TenantKeyring r = runtime(tenant).keyring;
        return r.deks().stream().map(d -> new DekInfo(new DekId(tenant, d.sequence()), d.purpose(), d.kekId(),
                d.counterReserved(), Long.valueOf(d.sequence()).equals(r.activeDeks().get(d.purpose())), d.retired(),
                d.created())).toList();
    }

    // ---------------------------------------------------------------- DEKs

    /** A fresh DEK for {@code purpose} (e.g. one per WAL segment); the purpose's active DEK is unchanged. */
    public DekId newDek(Id128 tenant, String purpose) {
        return createDek(runtime(tenant), purpose, false);
    }

    /** The active DEK of {@code purpose}, created on first use. */
    public DekId activeDek(Id128 tenant, String purpose) {
        TenantRuntime t = runtime(tenant);
        Long seq = t.keyring.activeDeks().get(purpose);
        if (seq != null) {
            return new DekId(tenant, seq);
        }
        synchronized (t.mutex) {
            seq = t.keyring.activeDeks().get(purpose);
            return seq != null ? new DekId(tenant, seq) : createDek(t, purpose, true);
        }
    }

    /** DEK rotation: new writes of {@code purpose} use a new DEK; data under the old one stays readable. */
    public DekId rotateDek(Id128 tenant, String purpose) {
        TenantRuntime t = runtime(tenant);
        Long previous = t.keyring.activeDeks().get(purpose);
        DekId id = createDek(t, purpose, true);
        audit.record(AuditOperation.ROTATE_DEK, tenant, id.toString(), AuditOutcome.SUCCESS,
                "purpose " + purpose + (previous == null ? "" : ", from dek-" + previous));
        return id;
    }

    /**
     * Crypto-shreds one DEK (e.g. when its WAL segment is deleted): its wrapped form is erased from the
     * keyring and data sealed under it can never be decrypted again.
     */
    public void destroyDek(DekId dek) {
        TenantRuntime t = runtime(dek.tenant());
        synchronized (t.mutex) {
            if (t.keyring.dek(dek.sequence()).isEmpty()) {
                throw new UnknownDekException(dek);
            }
            t.keyring = config.store().save(t.keyring.withoutDek(dek.sequence()));
            t.writers.remove(dek.sequence());
            CachedTenantKeys k = t.keys;
            if (k != null) {
                k.removeDek(dek.sequence());
            }
        }
        audit.record(AuditOperation.DESTROY_DEK, dek.tenant(), dek.toString(), AuditOutcome.SUCCESS, null);
    }

    private DekId createDek(TenantRuntime t, String purpose, boolean activate) {
        if (purpose == null || purpose.isEmpty()) {
            throw new IllegalArgumentException("DEK purpose is required");
        }
        synchronized (t.mutex) {
            CachedTenantKeys k = access.keys(t);
            TenantKeyring ring = t.keyring;
            long seq = ring.nextDekSequence();
            long kekId = ring.activeKek();
            KeyMaterial kek = access.kek(t, k, kekId);
            KeyMaterial dek = KeyMaterial.random();
            byte[] raw = dek.getEncoded();
            byte[] wrapped;
            try {
                wrapped = AesGcm.wrap(kek, KeyAccess.dekWrapAad(t.id, seq, purpose), raw);
            } finally {
                Arrays.fill(raw, (byte) 0);
            }
            t.keyring = config.store().save(ring.withNewDek(new DekEntry(seq, purpose, kekId, wrapped, 0, false,
                    config.clock().instant().toString()), activate));
            k.putDek(seq, dek);
            DekId id = new DekId(t.id, seq);
            audit.record(AuditOperation.WRAP_DEK, t.id, id.toString(), AuditOutcome.SUCCESS,
                    "purpose " + purpose + " under kek-" + kekId);
            return id;
        }
    }

    // ---------------------------------------------------------------- data

    /**
     * Seals {@code plaintext} under a specific DEK.
     *
     * @throws DekExhaustedException when the DEK reached its message limit (use a new DEK)
     * @throws KeyRevokedException   when the tenant's keys are revoked
     */
    public byte[] encrypt(DekId dek, Aad aad, byte[] plaintext) {
        TenantRuntime t = runtime(dek.tenant());
        for (int attempt = 0; ; attempt++) {
            try {
                CachedTenantKeys k = access.keys(t);
                KeyMaterial key = access.dek(t, k, dek.sequence());
                return Envelope.seal(key, dek.sequence(), nextNonce(t, dek), t.binding(aad), plaintext);
            } catch (KeyDestroyedException evicted) {
                retryAfterEviction(t, attempt, evicted);
            }
        }
    }

    /**
     * Seals {@code plaintext} under the active DEK of {@code aad.purpose()}; when that DEK reaches its
     * message limit a new one is rotated in automatically.
     */
    public byte[] encrypt(Id128 tenant, Aad aad, byte[] plaintext) {
        TenantRuntime t = runtime(tenant);
        for (int attempt = 0; ; attempt++) {
            DekId dek = activeDek(tenant, aad.purpose());
            try {
                return encrypt(dek, aad, plaintext);
            } catch (DekExhaustedException e) {
                if (attempt >= 3) {
                    throw e;
                }
                synchronized (t.mutex) {
                    if (Long.valueOf(dek.sequence()).equals(t.keyring.activeDeks().get(aad.purpose()))) {
                        LOG.info("DEK {} reached its message limit: rotating", dek);
                        rotateDek(tenant, aad.purpose());
                    }
                }
            }
        }
    }

    /**
     * Opens an envelope sealed for {@code tenant} and {@code aad}.
     *
     * @throws DecryptionFailedException when it was altered, moved or sealed for another identity
     * @throws KeyRevokedException       when the tenant's keys are revoked
     */
    public byte[] decrypt(Id128 tenant, Aad aad, byte[] envelope) {
        TenantRuntime t = runtime(tenant);
        long seq;
        try {
            seq = Envelope.header(envelope).dekSequence();
        } catch (AEADBadTagException e) {
            throw new DecryptionFailedException(tenant, "not a valid envelope: " + e.getMessage(), e);
        }
        for (int attempt = 0; ; attempt++) {
            try {
                CachedTenantKeys k = access.keys(t);
                return Envelope.open(access.dek(t, k, seq), envelope, t.binding(aad));
            } catch (UnknownDekException e) {
                throw new DecryptionFailedException(tenant, "envelope names dek-" + seq
                        + ", which this tenant does not have (destroyed, or the envelope was altered)", e);
            } catch (AEADBadTagException e) {
                throw new DecryptionFailedException(tenant, "envelope failed authentication under "
                        + new DekId(tenant, seq) + " (altered, or not sealed for " + aad + ")", e);
            } catch (KeyDestroyedException evicted) {
                retryAfterEviction(t, attempt, evicted);
            }
        }
    }

    /** The DEK an envelope names (without authenticating it). */
    public static DekId dekOf(Id128 tenant, byte[] envelope) {
        try {
            return new DekId(tenant, Envelope.header(envelope).dekSequence());
        } catch (AEADBadTagException | IllegalArgumentException e) {
            throw new DecryptionFailedException(tenant, "not a valid envelope", e);
        }
    }

    /** Keys zeroed under a caller (a cache refresh or revocation in between): retry with the tenant's current keys. */
    private void retryAfterEviction(TenantRuntime t, int attempt, KeyDestroyedException cause) {
        access.ensureActive(t);
        if (attempt >= 2) {
            throw new KeyUnavailableException(t.id, t.keyring.cmk(), "keys evicted repeatedly", cause);
        }
    }

    private byte[] nextNonce(TenantRuntime t, DekId dek) {
        NonceSequence seq = t.writers.computeIfAbsent(dek.sequence(), s -> new NonceSequence(
                t.keyring.dek(s).orElseThrow(() -> new UnknownDekException(dek)).counterReserved(),
                config.maxMessagesPerDek(), config.nonceReservation()));
        try {
            return seq.next(end -> reserveNonces(t, dek, end));
        } catch (NonceSequence.Exhausted e) {
            throw new DekExhaustedException(dek, config.maxMessagesPerDek());
        }
    }

    private void reserveNonces(TenantRuntime t, DekId dek, long end) {
        synchronized (t.mutex) {
            DekEntry e = t.keyring.dek(dek.sequence()).orElseThrow(() -> new UnknownDekException(dek));
            if (e.counterReserved() < end) {
                t.keyring = config.store().save(t.keyring.withDek(e.withCounterReserved(end)));
            }
        }
    }

    // ---------------------------------------------------------------- rotation

    /**
     * CMK rotation: re-wraps the tenant's KEK(s) under {@code newCmk}, or, when null, under the current
     * CMK's primary version (after the customer rotated it in their KMS). Data and DEKs are untouched.
     */
    public void rotateCmk(Id128 tenant, KeyRef newCmk) {
        rotations.rotateCmk(runtime(tenant), newCmk);
    }

    /** KEK rotation: a new KEK re-wraps every DEK; the old KEK is dropped. Data is untouched. */
    public void rotateKek(Id128 tenant) {
        rotations.rotateKek(runtime(tenant));
    }

    /** Finishes a rotation interrupted by a crash (also done by the next rotation). */
    public void completeRotation(Id128 tenant) {
        TenantRuntime t = runtime(tenant);
        synchronized (t.mutex) {
            rotations.complete(t, access.keys(t));
        }
    }

    // ---------------------------------------------------------------- revocation

    /** Operator revocation: zeroes the tenant's keys and refuses all access until {@link #restore}. */
    public void revoke(Id128 tenant, String reason) {
        access.revoke(runtime(tenant), RevocationSource.OPERATOR, reason == null ? "revoked by operator" : reason);
    }

    /**
     * Returns a revoked tenant to active once its CMK unwraps every KEK again; nothing is lost.
     *
     * @throws KeyRevokedException when the KMS still refuses the CMK
     */
    public void restore(Id128 tenant) {
        access.restore(runtime(tenant));
    }

    /** Checks the tenant's CMK with the KMS now (e.g. from a periodic monitor) and returns the state. */
    public TenantState refresh(Id128 tenant) {
        TenantRuntime t = runtime(tenant);
        try {
            if (t.revoked != null) {
                access.ensureActive(t);
            } else {
                synchronized (t.mutex) {
                    CachedTenantKeys fresh = access.unwrapAll(t, config.retry());
                    CachedTenantKeys old = t.keys;
                    t.keys = fresh;
                    if (old != null) {
                        old.destroy();
                    }
                }
            }
        } catch (KeyRevokedException e) {
            // state already reflects it
        } catch (KmsKeyRevokedException e) {
            access.revokeByKms(t, e);
        } catch (KmsTransientException e) {
            LOG.warn("tenant {}: KMS unreachable during refresh: {}", tenant, e.getMessage());
        }
        return t.state();
    }

    /** Unwraps every wrapped key of the tenant through the KMS and reports (changes nothing). */
    public VerifyReport verify(Id128 tenant, VerifyProgress progress) {
        return verifier.verify(runtime(tenant), progress);
    }

    public void addListener(KeyStateListener listener) {
        notifier.add(listener);
    }

    public void removeListener(KeyStateListener listener) {
        notifier.remove(listener);
    }

    private TenantRuntime runtime(Id128 tenant) {
        TenantRuntime t = tenants.get(tenant);
        if (t == null) {
            throw new UnknownTenantException(tenant);
        }
        return t;
    }

    /** Zeroes every cached key and closes the audit log and providers. */
    @Override
    public void close() {
        for (TenantRuntime t : tenants.values()) {
            CachedTenantKeys k = t.keys;
            t.keys = null;
            if (k != null) {
                k.destroy();
            }
        }
        notifier.close();
        audit.close();
        config.providers().close();
    }

    Map<Id128, TenantRuntime> runtimes() {
        return tenants;
    }
}
