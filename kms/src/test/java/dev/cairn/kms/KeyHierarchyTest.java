package dev.cairn.kms;

import dev.cairn.common.Id128;

import dev.cairn.kms.crypto.Envelope;
import dev.cairn.kms.provider.KeyRef;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashSet;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KeyHierarchyTest {
    static final Id128 T1 = Id128.parse("83f1535f99ab0bf4e9d02dfd85d3e3f7") /* t1 */;
    static final Id128 T2 = Id128.parse("0f826a89cf68c399c5f4cf320c1a5842") /* t2 */;
    static final KeyRef CMK = KeyRef.parse("local://default");

    @TempDir
    Path dir;

    @Test
    void roundTripAndReopen() {
        HierarchyFixture f = new HierarchyFixture(dir);
        byte[] sealed;
        Aad aad = Aad.of("wal", "timeline-1/000000010000000000000001", 8192);
        try (KeyHierarchy h = f.open()) {
            h.createTenant(T1, CMK);
            byte[] page = "hello page".getBytes(StandardCharsets.UTF_8);
            sealed = h.encrypt(T1, aad, page);
            assertThat(sealed).hasSize(page.length + Envelope.OVERHEAD);
            assertThat(h.decrypt(T1, aad, sealed)).isEqualTo(page);
            assertThat(KeyHierarchy.dekOf(T1, sealed)).isEqualTo(h.activeDek(T1, "wal"));
        }
        try (KeyHierarchy h = f.open()) {
            assertThat(h.tenants()).containsExactly(T1);
            assertThat(new String(h.decrypt(T1, aad, sealed), StandardCharsets.UTF_8)).isEqualTo("hello page");
        }
    }

    @Test
    void keyFilesArePrivateAndHoldNoPlaintextKeys() throws Exception {
        HierarchyFixture f = new HierarchyFixture(dir);
        try (KeyHierarchy h = f.open()) {
            h.createTenant(T1, CMK);
            h.encrypt(T1, Aad.of("page", "rel", 1), new byte[100]);
        }
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f.layout.tenantKeyring(T1))))
                .isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f.layout.localKms())))
                .isEqualTo("rw-------");
        assertThat(Files.readString(f.layout.localKms())).contains("NOT FOR PRODUCTION");
    }

    @Test
    void aadBindsTenantPurposeObjectAndPosition() {
        HierarchyFixture f = new HierarchyFixture(dir);
        try (KeyHierarchy h = f.open()) {
            h.createTenant(T1, CMK);
            h.createTenant(T2, CMK);
            Aad aad = Aad.of("page", "rel-16384", 7);
            byte[] sealed = h.encrypt(T1, aad, new byte[64]);
            assertThatThrownBy(() -> h.decrypt(T1, Aad.of("page", "rel-16384", 8), sealed))
                    .isInstanceOf(DecryptionFailedException.class);
            assertThatThrownBy(() -> h.decrypt(T1, Aad.of("page", "rel-16385", 7), sealed))
                    .isInstanceOf(DecryptionFailedException.class);
            assertThatThrownBy(() -> h.decrypt(T1, Aad.of("wal", "rel-16384", 7), sealed))
                    .isInstanceOf(DecryptionFailedException.class);
            // Moved to another tenant: that tenant has no such DEK, or a different one.
            h.encrypt(T2, aad, new byte[1]);
            assertThatThrownBy(() -> h.decrypt(T2, aad, sealed)).isInstanceOf(DecryptionFailedException.class);
            assertThat(h.decrypt(T1, aad, sealed)).hasSize(64);
        }
    }

    /**
     * The cache zeroes a tenant's keys when it replaces them (TTL expiry) while other threads are between
     * reading a key and using it. Those calls must retry with the fresh keys: in a pageserver one such
     * failure escaped as a plain IllegalStateException and stopped ingest for good. (A thread whose very
     * first cipher use meets a zeroed key is a narrower window, which AesGcmTest covers directly.)
     */
    @Test
    void keysReplacedUnderConcurrentUseNeverFailAnOperation() throws Exception {
        HierarchyFixture f = new HierarchyFixture(dir);
        f.ttl = Duration.ofSeconds(10);
        try (KeyHierarchy h = f.open()) {
            h.createTenant(T1, CMK);
            Aad aad = Aad.of("page", "r", 0);
            byte[] sealedBefore = h.encrypt(T1, aad, new byte[] {42});
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong operations = new AtomicLong();
            Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
            Thread evictor = new Thread(() -> {
                while (!stop.get()) {
                    f.clock.advance(Duration.ofSeconds(11));
                    Thread.onSpinWait();
                }
            });
            evictor.start();
            try {
                for (int round = 0; round < 40; round++) {
                    Thread one = new Thread(() -> sealAndOpen(h, aad, sealedBefore, 50, operations, failures));
                    Thread two = new Thread(() -> sealAndOpen(h, aad, sealedBefore, 50, operations, failures));
                    one.start();
                    two.start();
                    one.join();
                    two.join();
                }
            } finally {
                stop.set(true);
                evictor.join();
            }
            assertThat(failures).isEmpty();
            assertThat(operations.get()).isEqualTo(40 * 2 * 50);
        }
    }

    /** {@code times} round trips, and a decrypt of what was sealed before; failures are collected, not thrown. */
    private static void sealAndOpen(KeyHierarchy h, Aad aad, byte[] sealedBefore, int times, AtomicLong operations,
                                    Queue<Throwable> failures) {
        for (int i = 0; i < times; i++) {
            try {
                byte[] sealed = h.encrypt(T1, aad, new byte[] {(byte) i});
                assertThat(h.decrypt(T1, aad, sealed)).containsExactly((byte) i);
                assertThat(h.decrypt(T1, aad, sealedBefore)).containsExactly(42);
                operations.incrementAndGet();
            } catch (Throwable t) {
                failures.add(t);
            }
        }
    }

    @Test
    void explicitDeksPerSegmentAndCryptoShredding() {
        HierarchyFixture f = new HierarchyFixture(dir);
        try (KeyHierarchy h = f.open()) {
            h.createTenant(T1, CMK);
            DekId seg1 = h.newDek(T1, "wal");
            DekId seg2 = h.newDek(T1, "wal");
            assertThat(seg1).isNotEqualTo(seg2);
            assertThat(DekId.parse(seg1.toString())).isEqualTo(seg1);
            Aad a = Aad.of("wal", "seg", 0);
            byte[] c1 = h.encrypt(seg1, a, new byte[] {1});
            byte[] c2 = h.encrypt(seg2, a, new byte[] {2});
            assertThat(h.decrypt(T1, a, c1)).containsExactly(1);
            h.destroyDek(seg1);
            assertThatThrownBy(() -> h.decrypt(T1, a, c1)).isInstanceOf(DecryptionFailedException.class)
                    .hasMessageContaining("destroyed");
            assertThatThrownBy(() -> h.encrypt(seg1, a, new byte[1])).isInstanceOf(UnknownDekException.class);
            assertThat(h.decrypt(T1, a, c2)).containsExactly(2);
        }
    }

    @Test
    void messageLimitRotatesTheActiveDekAndExplicitDeksRefuse() {
        HierarchyFixture f = new HierarchyFixture(dir);
        f.maxMessagesPerDek = 10;
        f.nonceReservation = 4;
        try (KeyHierarchy h = f.open()) {
            h.createTenant(T1, CMK);
            Aad a = Aad.of("page", "r", 0);
            Set<DekId> used = new HashSet<>();
            byte[][] all = new byte[35][];
            for (int i = 0; i < all.length; i++) {
                all[i] = h.encrypt(T1, a, new byte[] {(byte) i});
                used.add(KeyHierarchy.dekOf(T1, all[i]));
            }
            assertThat(used).hasSize(4);
            for (int i = 0; i < all.length; i++) {
                assertThat(h.decrypt(T1, a, all[i])).containsExactly((byte) i);
            }
            DekId explicit = h.newDek(T1, "wal");
            for (int i = 0; i < 10; i++) {
                h.encrypt(explicit, a, new byte[1]);
            }
            assertThatThrownBy(() -> h.encrypt(explicit, a, new byte[1])).isInstanceOf(DekExhaustedException.class);
        }
    }

    @Test
    void noncesNeverRepeatAcrossRestarts() throws Exception {
        HierarchyFixture f = new HierarchyFixture(dir);
        f.nonceReservation = 3;
        Set<String> nonces = new HashSet<>();
        Aad a = Aad.of("page", "r", 0);
        DekId dek;
        try (KeyHierarchy h = f.open()) {
            h.createTenant(T1, CMK);
            dek = h.activeDek(T1, "page");
            for (int i = 0; i < 5; i++) {
                nonces.add(nonceCounter(h.encrypt(dek, a, new byte[1])));
            }
        }
        for (int round = 0; round < 3; round++) {
            try (KeyHierarchy h = f.open()) { // simulated restarts (the last reservation may be unused)
                for (int i = 0; i < 2; i++) {
                    assertThat(nonces.add(nonceCounter(h.encrypt(dek, a, new byte[1])))).isTrue();
                }
            }
        }
        assertThat(nonces).hasSize(11);
    }

    private static String nonceCounter(byte[] envelope) {
        // the 64-bit counter part of the nonce (bytes 13..20); the prefix is random per writer
        return java.util.HexFormat.of().formatHex(envelope, 13, 21);
    }

    @Test
    void unknownTenantAndDuplicateTenant() {
        HierarchyFixture f = new HierarchyFixture(dir);
        try (KeyHierarchy h = f.open()) {
            h.createTenant(T1, CMK);
            assertThatThrownBy(() -> h.encrypt(T2, Aad.of("p", "o", 0), new byte[1]))
                    .isInstanceOf(UnknownTenantException.class).hasMessageContaining(T2.toString());
            assertThatThrownBy(() -> h.createTenant(T1, CMK)).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> Id128.parse("../etc")).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
