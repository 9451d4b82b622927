package dev.cairn.kms;

import dev.cairn.common.Id128;

import dev.cairn.kms.audit.AuditEvent;
import dev.cairn.kms.audit.AuditLog;
import dev.cairn.kms.audit.AuditOperation;
import dev.cairn.kms.audit.AuditOutcome;
import dev.cairn.kms.provider.KeyRef;
import dev.cairn.kms.store.FileKeyringStore;
import dev.cairn.kms.store.TenantKeyring;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class AuditTest {
    static final Id128 T = Id128.parse("046f25df2e99a79dbb3462bbbfa35bf2") /* audited */;

    @TempDir
    Path dir;

    @Test
    void everyKeyOperationIsOneJsonLineWithoutKeyMaterial() throws Exception {
        HierarchyFixture f = new HierarchyFixture(dir);
        try (KeyHierarchy h = f.open()) {
            h.createTenant(T, KeyRef.local("default"));
            h.encrypt(T, Aad.of("page", "r", 0), new byte[10]);
            h.rotateDek(T, "page");
            h.rotateKek(T);
            h.rotateCmk(T, KeyRef.local("second"));
            h.revoke(T, "audit test");
            h.restore(T);
            h.verify(T, VerifyProgress.NONE);
        }
        List<String> lines = Files.readAllLines(f.layout.auditLog());
        List<AuditEvent> events = AuditLog.readAll(f.layout.auditLog());
        assertThat(events).hasSameSizeAs(lines);
        assertThat(events).extracting(AuditEvent::operation).contains(AuditOperation.CREATE_TENANT,
                AuditOperation.WRAP_KEK, AuditOperation.UNWRAP_KEK, AuditOperation.WRAP_DEK, AuditOperation.ROTATE_DEK,
                AuditOperation.ROTATE_KEK, AuditOperation.ROTATE_CMK, AuditOperation.REVOKE, AuditOperation.RESTORE,
                AuditOperation.VERIFY);
        assertThat(events).allSatisfy(e -> {
            assertThat(e.time()).isNotBlank();
            assertThat(e.tenant()).isEqualTo(T.toString());
            assertThat(e.caller()).isEqualTo("test");
            assertThat(e.outcome()).isNotNull();
            assertThat(e.keyRef()).isNotBlank();
        });
        assertThat(events).filteredOn(e -> e.operation() == AuditOperation.ROTATE_CMK)
                .singleElement().satisfies(e -> {
                    assertThat(e.keyRef()).isEqualTo("local://second");
                    assertThat(e.outcome()).isEqualTo(AuditOutcome.SUCCESS);
                });
        String audit = Files.readString(f.layout.auditLog());
        TenantKeyring ring = new FileKeyringStore(f.layout).load(T).orElseThrow();
        ring.keks().forEach(k -> assertThat(audit).doesNotContain(Base64.getEncoder().encodeToString(k.wrapped())));
        ring.deks().forEach(d -> assertThat(audit).doesNotContain(Base64.getEncoder().encodeToString(d.wrapped())));
        String localKms = Files.readString(f.layout.localKms());
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"material\"\\s*:\\s*\"([^\"]+)\"").matcher(localKms);
        int masters = 0;
        while (m.find()) {
            masters++;
            assertThat(audit).doesNotContain(m.group(1));
        }
        assertThat(masters).isGreaterThanOrEqualTo(2);
    }

    @Test
    void failuresAreAuditedWithTheirOutcome() {
        HierarchyFixture f = new HierarchyFixture(dir);
        try (KeyHierarchy h = f.open()) {
            h.createTenant(T, KeyRef.local("default"));
        }
        f.local.disableKey("default");
        try (KeyHierarchy h = f.open()) {
            try {
                h.encrypt(T, Aad.of("page", "r", 0), new byte[1]);
            } catch (KeyRevokedException expected) {
                // audited below
            }
        }
        List<AuditEvent> events = AuditLog.readAll(f.layout.auditLog());
        assertThat(events).anySatisfy(e -> {
            assertThat(e.operation()).isEqualTo(AuditOperation.UNWRAP_KEK);
            assertThat(e.outcome()).isEqualTo(AuditOutcome.DENIED);
        });
        assertThat(events).anySatisfy(e -> assertThat(e.operation()).isEqualTo(AuditOperation.REVOKE));
    }
}
