package dev.cairn.kms;

import dev.cairn.common.Id128;

import dev.cairn.kms.provider.KeyRef;
import dev.cairn.kms.store.DekEntry;
import dev.cairn.kms.store.FileKeyringStore;
import dev.cairn.kms.store.KekEntry;
import dev.cairn.kms.store.TenantKeyring;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.BiFunction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

/** One flipped bit anywhere gives an authentication error, never wrong plaintext. */
class TamperTest {
    static final Id128 T = Id128.parse("d114be92bb1b602e8c9160286ecd5c9f") /* tenant-a */;
    static final Aad AAD = Aad.of("page", "base/16384/2619", 42);

    @TempDir
    Path dir;

    @Test
    void everyBitOfTheEnvelope() {
        HierarchyFixture f = new HierarchyFixture(dir);
        try (KeyHierarchy h = f.open()) {
            h.createTenant(T, KeyRef.local("default"));
            byte[] plain = "sixteen bytes!!!".getBytes();
            byte[] sealed = h.encrypt(T, AAD, plain);
            for (int bit = 0; bit < sealed.length * 8; bit++) {
                byte[] bad = sealed.clone();
                bad[bit / 8] ^= (byte) (1 << (bit % 8));
                try {
                    byte[] out = h.decrypt(T, AAD, bad);
                    fail("bit %d flipped (byte %d) decrypted to %s", bit, bit / 8, new String(out));
                } catch (DecryptionFailedException expected) {
                    // header, nonce, ciphertext and tag are all authenticated
                }
            }
            assertThatThrownBy(() -> h.decrypt(T, AAD, java.util.Arrays.copyOf(sealed, sealed.length - 1)))
                    .isInstanceOf(DecryptionFailedException.class);
            assertThatThrownBy(() -> h.decrypt(T, AAD, new byte[3])).isInstanceOf(DecryptionFailedException.class);
            assertThat(h.decrypt(T, AAD, sealed)).isEqualTo(plain);
        }
    }

    @Test
    void everyBitOfTheAad() {
        HierarchyFixture f = new HierarchyFixture(dir);
        try (KeyHierarchy h = f.open()) {
            h.createTenant(T, KeyRef.local("default"));
            byte[] sealed = h.encrypt(T, AAD, new byte[32]);
            byte[] object = AAD.object().getBytes();
            for (int bit = 0; bit < object.length * 8; bit++) {
                byte[] o = object.clone();
                o[bit / 8] ^= (byte) (1 << (bit % 8));
                Aad bad = Aad.of(AAD.purpose(), new String(o, java.nio.charset.StandardCharsets.ISO_8859_1), AAD.position());
                assertThatThrownBy(() -> h.decrypt(T, bad, sealed)).isInstanceOf(DecryptionFailedException.class);
            }
            for (int bit = 0; bit < 64; bit++) {
                Aad bad = Aad.of(AAD.purpose(), AAD.object(), AAD.position() ^ (1L << bit));
                assertThatThrownBy(() -> h.decrypt(T, bad, sealed)).isInstanceOf(DecryptionFailedException.class);
            }
        }
    }

    @Test
    void everyBitOfTheWrappedDek() throws Exception {
        tamperKeyring((ring, bit) -> {
            DekEntry d = ring.deks().get(0);
            return ring.withDek(d.withWrapping(d.kekId(), flip(d.wrapped(), bit)));
        }, ring -> ring.deks().get(0).wrapped().length);
    }

    @Test
    void everyBitOfTheWrappedKek() throws Exception {
        tamperKeyring((ring, bit) -> {
            KekEntry k = ring.keks().get(0);
            return ring.withKek(k.withWrapping(k.wrappedBy(), k.cmkVersion(), flip(k.wrapped(), bit)));
        }, ring -> ring.keks().get(0).wrapped().length);
    }

    @Test
    void alteredKeyringFileIsDetected() throws Exception {
        HierarchyFixture f = new HierarchyFixture(dir);
        try (KeyHierarchy h = f.open()) {
            h.createTenant(T, KeyRef.local("default"));
        }
        Path file = f.layout.tenantKeyring(T);
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length - 10] ^= 1;
        Files.write(file, bytes);
        assertThatThrownBy(f::open).isInstanceOf(KeyringCorruptException.class).hasMessageContaining("checksum");
    }

    private void tamperKeyring(BiFunction<TenantKeyring, Integer, TenantKeyring> tamper,
                               java.util.function.ToIntFunction<TenantKeyring> length) {
        HierarchyFixture f = new HierarchyFixture(dir);
        byte[] sealed;
        try (KeyHierarchy h = f.open()) {
            h.createTenant(T, KeyRef.local("default"));
            sealed = h.encrypt(T, AAD, new byte[16]);
        }
        FileKeyringStore store = new FileKeyringStore(f.layout);
        TenantKeyring original = store.load(T).orElseThrow();
        int bits = length.applyAsInt(original) * 8;
        for (int bit = 0; bit < bits; bit++) {
            store.save(tamper.apply(original, bit));
            try (KeyHierarchy h = f.open()) {
                byte[] out = h.decrypt(T, AAD, sealed);
                fail("bit %d of a wrapped key flipped, yet decrypted %d bytes", bit, out.length);
            } catch (DecryptionFailedException expected) {
                // the wrapped key failed authentication
            }
        }
        store.save(original);
        try (KeyHierarchy h = f.open()) {
            assertThat(h.decrypt(T, AAD, sealed)).hasSize(16);
        }
    }

    static byte[] flip(byte[] b, int bit) {
        byte[] c = b.clone();
        c[bit / 8] ^= (byte) (1 << (bit % 8));
        return c;
    }
}
