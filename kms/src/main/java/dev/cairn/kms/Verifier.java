package dev.cairn.kms;

import dev.cairn.kms.audit.AuditLog;
import dev.cairn.kms.audit.AuditOperation;
import dev.cairn.kms.audit.AuditOutcome;
import dev.cairn.kms.crypto.AesGcm;
import dev.cairn.kms.crypto.KeyMaterial;
import dev.cairn.kms.provider.KmsException;
import dev.cairn.kms.store.DekEntry;
import dev.cairn.kms.store.KekEntry;
import dev.cairn.kms.store.TenantKeyring;

import javax.crypto.AEADBadTagException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Unwraps every wrapped key of a tenant through the KMS, bypassing the cache, and reports. Observes
 * only: it changes no state (a refusal is reported, not turned into a revocation).
 */
final class Verifier {
    private final KeyHierarchyConfig config;
    private final KmsGateway kms;
    private final AuditLog audit;

    Verifier(KeyHierarchyConfig config, KmsGateway kms, AuditLog audit) {
        this.config = config;
        this.kms = kms;
        this.audit = audit;
    }

    VerifyReport verify(TenantRuntime t, VerifyProgress progress) {
        TenantKeyring ring = t.keyring;
        long total = ring.keks().size() + ring.deks().size();
        long done = 0;
        List<String> failures = new ArrayList<>();
        Map<Long, KeyMaterial> keks = new HashMap<>();
        int keksOk = 0;
        int deksOk = 0;
        try {
            for (KekEntry e : ring.keks()) {
                try {
                    keks.put(e.id(), kms.unwrapKek(t.id, e, config.retry()));
                    keksOk++;
                } catch (KmsException | DecryptionFailedException ex) {
                    failures.add("kek-" + e.id() + " (" + e.wrappedBy() + "): " + ex.getMessage());
                }
                progress.checked(++done, total);
            }
            for (DekEntry d : ring.deks()) {
                KeyMaterial kek = keks.get(d.kekId());
                DekId id = new DekId(t.id, d.sequence());
                if (kek == null) {
                    failures.add(id + ": its kek-" + d.kekId() + " did not unwrap");
                } else {
                    try {
                        byte[] raw = AesGcm.unwrap(kek, KeyAccess.dekWrapAad(t.id, d.sequence(), d.purpose()), d.wrapped());
                        Arrays.fill(raw, (byte) 0);
                        deksOk++;
                    } catch (AEADBadTagException ex) {
                        failures.add(id + ": wrapped DEK failed authentication under kek-" + d.kekId());
                    }
                }
                progress.checked(++done, total);
            }
        } finally {
            keks.values().forEach(KeyMaterial::destroy);
        }
        VerifyReport r = new VerifyReport(t.id, ring.cmk(), ring.keks().size(), keksOk, ring.deks().size(), deksOk,
                failures);
        audit.record(AuditOperation.VERIFY, t.id, ring.cmk(), r.ok() ? AuditOutcome.SUCCESS : AuditOutcome.FAILURE,
                keksOk + "/" + r.keks() + " KEKs, " + deksOk + "/" + r.deks() + " DEKs unwrapped");
        return r;
    }
}
