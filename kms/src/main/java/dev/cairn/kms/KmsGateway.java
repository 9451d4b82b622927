package dev.cairn.kms;

import dev.cairn.common.Id128;

import dev.cairn.kms.audit.AuditLog;
import dev.cairn.kms.audit.AuditOperation;
import dev.cairn.kms.audit.AuditOutcome;
import dev.cairn.kms.crypto.KeyMaterial;
import dev.cairn.kms.provider.KeyRef;
import dev.cairn.kms.provider.KmsException;
import dev.cairn.kms.provider.KmsKeyRevokedException;
import dev.cairn.kms.provider.KmsProviders;
import dev.cairn.kms.provider.KmsTransientException;
import dev.cairn.kms.provider.RetryPolicy;
import dev.cairn.kms.provider.WrapContext;
import dev.cairn.kms.provider.WrappedKey;
import dev.cairn.kms.store.KekEntry;

import java.util.Arrays;

/** KEK wraps and unwraps through the CMK's provider: retried, classified and audited. */
final class KmsGateway {
    static final String KEK_PURPOSE = "kek";

    private final KmsProviders providers;
    private final AuditLog audit;

    KmsGateway(KmsProviders providers, AuditLog audit) {
        this.providers = providers;
        this.audit = audit;
    }

    KmsProviders providers() {
        return providers;
    }

    WrappedKey wrapKek(Id128 tenant, KeyRef cmk, long kekId, KeyMaterial kek, RetryPolicy retry) {
        byte[] raw = kek.getEncoded();
        try {
            WrappedKey w = retry.call("wrap KEK " + kekId + " of " + tenant + " under " + cmk,
                    () -> providers.forRef(cmk).wrap(cmk, raw, new WrapContext(tenant, KEK_PURPOSE)));
            audit.record(AuditOperation.WRAP_KEK, tenant, cmk.toString(), AuditOutcome.SUCCESS,
                    "kek-" + kekId + " cmk-version=" + w.keyVersion());
            return w;
        } catch (KmsException e) {
            audit.record(AuditOperation.WRAP_KEK, tenant, cmk.toString(), outcome(e), "kek-" + kekId + ": " + e.getMessage());
            throw e;
        } finally {
            Arrays.fill(raw, (byte) 0);
        }
    }

    KeyMaterial unwrapKek(Id128 tenant, KekEntry kek, RetryPolicy retry) {
        KeyRef cmk = KeyRef.parse(kek.wrappedBy());
        WrappedKey wrapped = new WrappedKey(cmk, kek.cmkVersion(), kek.wrapped());
        try {
            byte[] raw = retry.call("unwrap KEK " + kek.id() + " of " + tenant + " with " + cmk,
                    () -> providers.forRef(cmk).unwrap(wrapped, new WrapContext(tenant, KEK_PURPOSE)));
            audit.record(AuditOperation.UNWRAP_KEK, tenant, cmk.toString(), AuditOutcome.SUCCESS, "kek-" + kek.id());
            return new KeyMaterial(raw);
        } catch (KmsException e) {
            audit.record(AuditOperation.UNWRAP_KEK, tenant, cmk.toString(), outcome(e), "kek-" + kek.id() + ": " + e.getMessage());
            throw e;
        } catch (IllegalArgumentException e) {
            audit.record(AuditOperation.UNWRAP_KEK, tenant, cmk.toString(), AuditOutcome.FAILURE,
                    "kek-" + kek.id() + ": KMS returned a key of the wrong length");
            throw new DecryptionFailedException(tenant, "KMS returned a malformed KEK for kek-" + kek.id(), e);
        }
    }

    static AuditOutcome outcome(KmsException e) {
        if (e instanceof KmsKeyRevokedException) {
            return AuditOutcome.DENIED;
        }
        if (e instanceof KmsTransientException) {
            return AuditOutcome.UNAVAILABLE;
        }
        return AuditOutcome.FAILURE;
    }
}
