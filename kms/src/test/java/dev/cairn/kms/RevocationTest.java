package dev.cairn.kms;

import dev.cairn.common.Id128;

import dev.cairn.kms.crypto.KeyMaterial;
import dev.cairn.kms.provider.KeyRef;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RevocationTest {
    static final Id128 T = Id128.parse("53bce4f1dfa0fe8e7ca126f91b35d3a6") /* acme */;
    static final Aad AAD = Aad.of("wal", "tl/seg1", 0);

    @TempDir
    Path dir;

    record Change(Id128 tenant, TenantState from, TenantState to) {
    }

    @Test
    void kmsRevocationIsDetectedWithinTheTtlZeroesKeysAndRestoresWithNothingLost() throws Exception {
        HierarchyFixture f = new HierarchyFixture(dir);
        f.ttl = Duration.ofSeconds(60);
        List<Change> changes = new CopyOnWriteArrayList<>();
        CountDownLatch revoked = new CountDownLatch(1);
        CountDownLatch restored = new CountDownLatch(1);
        try (KeyHierarchy h = f.open()) {
            h.addListener((t, from, to, reason) -> {
                changes.add(new Change(t, from, to));
                (to == TenantState.REVOKED ? revoked : restored).countDown();
            });
            h.createTenant(T, KeyRef.local("default"));
            byte[] sealed = h.encrypt(T, AAD, new byte[] {7});
            KeyMaterial cachedKek = h.runtimes().get(T).keys.kek(1);
            KeyMaterial cachedDek = h.runtimes().get(T).keys.dek(1);

            f.local.disableKey("default");           // the customer disables the CMK
            f.clock.advance(Duration.ofSeconds(10)); // fresh cache: still served
            assertThat(h.decrypt(T, AAD, sealed)).containsExactly(7);

            f.clock.advance(Duration.ofSeconds(25)); // past TTL/2: the KMS is asked again and refuses
            assertThatThrownBy(() -> h.decrypt(T, AAD, sealed)).isInstanceOfSatisfying(KeyRevokedException.class, e -> {
                assertThat(e.tenant()).isEqualTo(T);
                assertThat(e.source()).isEqualTo(RevocationSource.KMS);
                assertThat(e.keyRef()).isEqualTo("local://default");
            });
            assertThat(cachedKek.isDestroyed()).isTrue();
            assertThat(cachedDek.isDestroyed()).isTrue();
            assertThatThrownBy(() -> h.encrypt(T, AAD, new byte[1])).isInstanceOf(KeyRevokedException.class);
            assertThat(h.state(T)).isEqualTo(TenantState.REVOKED);
            assertThat(revoked.await(5, TimeUnit.SECONDS)).isTrue();

            f.local.enableKey("default");            // the customer restores the CMK
            assertThatThrownBy(() -> h.decrypt(T, AAD, sealed)).isInstanceOf(KeyRevokedException.class); // probe not due
            f.clock.advance(Duration.ofSeconds(6));
            assertThat(h.decrypt(T, AAD, sealed)).containsExactly(7);
            assertThat(h.state(T)).isEqualTo(TenantState.ACTIVE);
            assertThat(restored.await(5, TimeUnit.SECONDS)).isTrue();
            assertThat(changes).containsExactly(new Change(T, TenantState.ACTIVE, TenantState.REVOKED),
                    new Change(T, TenantState.REVOKED, TenantState.ACTIVE));
        }
    }

    @Test
    void revocationIsNoticedAfterTheTtlEvenWithoutRefreshAhead() {
        HierarchyFixture f = new HierarchyFixture(dir);
        f.ttl = Duration.ofSeconds(60);
        try (KeyHierarchy h = f.open()) {
            h.createTenant(T, KeyRef.local("default"));
            byte[] sealed = h.encrypt(T, AAD, new byte[] {1});
            f.local.destroyKey("default");
            f.clock.advance(Duration.ofSeconds(61));
            assertThatThrownBy(() -> h.decrypt(T, AAD, sealed)).isInstanceOf(KeyRevokedException.class)
                    .hasMessageContaining(T.toString());
        }
    }

    @Test
    void operatorRevocationPersistsUntilRestore() {
        HierarchyFixture f = new HierarchyFixture(dir);
        byte[] sealed;
        try (KeyHierarchy h = f.open()) {
            h.createTenant(T, KeyRef.local("default"));
            sealed = h.encrypt(T, AAD, new byte[] {3});
            h.revoke(T, "customer request #42");
            assertThatThrownBy(() -> h.decrypt(T, AAD, sealed)).isInstanceOfSatisfying(KeyRevokedException.class,
                    e -> assertThat(e.source()).isEqualTo(RevocationSource.OPERATOR));
        }
        try (KeyHierarchy h = f.open()) {
            assertThat(h.status(T).state()).isEqualTo(TenantState.REVOKED);
            assertThat(h.status(T).revocationReason()).isEqualTo("customer request #42");
            f.clock.advance(Duration.ofMinutes(5)); // operator revocations are not lifted by probes
            assertThatThrownBy(() -> h.decrypt(T, AAD, sealed)).isInstanceOf(KeyRevokedException.class);

            f.local.disableKey("default");
            assertThatThrownBy(() -> h.restore(T)).isInstanceOf(KeyRevokedException.class)
                    .hasMessageContaining("still refuses");
            f.local.enableKey("default");
            h.restore(T);
            assertThat(h.decrypt(T, AAD, sealed)).containsExactly(3);
        }
        try (KeyHierarchy h = f.open()) {
            assertThat(h.state(T)).isEqualTo(TenantState.ACTIVE);
        }
    }

    @Test
    void transientOutageIsServedFromCacheWithinTtlThenUnavailableNotRevoked() {
        HierarchyFixture f = new HierarchyFixture(dir);
        f.ttl = Duration.ofSeconds(60);
        try (KeyHierarchy h = f.open()) {
            h.createTenant(T, KeyRef.local("default"));
            byte[] sealed = h.encrypt(T, AAD, new byte[] {9});
            f.faulty.mode = FaultyProvider.Mode.TRANSIENT;
            f.clock.advance(Duration.ofSeconds(45)); // refresh-ahead fails transiently: keep serving
            assertThat(h.decrypt(T, AAD, sealed)).containsExactly(9);
            assertThat(h.encrypt(T, AAD, new byte[1])).isNotEmpty();
            f.clock.advance(Duration.ofSeconds(20)); // past the TTL: no key may be served
            assertThatThrownBy(() -> h.decrypt(T, AAD, sealed)).isInstanceOf(KeyUnavailableException.class);
            assertThat(h.state(T)).isEqualTo(TenantState.ACTIVE);
            f.faulty.mode = FaultyProvider.Mode.OK;
            assertThat(h.decrypt(T, AAD, sealed)).containsExactly(9);
        }
    }

    @Test
    void transientFailuresAreRetriedWithBackoff() {
        HierarchyFixture f = new HierarchyFixture(dir);
        byte[] sealed;
        try (KeyHierarchy h = f.open()) {
            h.createTenant(T, KeyRef.local("default"));
            sealed = h.encrypt(T, AAD, new byte[] {5});
        }
        try (KeyHierarchy h = f.open()) {
            f.faulty.calls.set(0);
            f.faulty.transientFailures.set(2);
            assertThat(h.decrypt(T, AAD, sealed)).containsExactly(5);
            assertThat(f.faulty.calls.get()).isEqualTo(3);
        }
    }

    @Test
    void concurrentTrafficSeesOnlyRevokedErrorsAfterRevocationAndRecoversAfterRestore() throws Exception {
        HierarchyFixture f = new HierarchyFixture(dir);
        try (KeyHierarchy h = f.open()) {
            h.createTenant(T, KeyRef.local("default"));
            byte[] sealed = h.encrypt(T, AAD, new byte[100]);
            AtomicBoolean stop = new AtomicBoolean();
            AtomicBoolean revokedFlag = new AtomicBoolean();
            AtomicInteger ok = new AtomicInteger();
            AtomicInteger okAfterRevoke = new AtomicInteger();
            AtomicInteger revokedErrors = new AtomicInteger();
            List<Throwable> unexpected = new CopyOnWriteArrayList<>();
            Thread[] threads = new Thread[4];
            for (int i = 0; i < threads.length; i++) {
                int id = i;
                threads[i] = new Thread(() -> {
                    while (!stop.get()) {
                        boolean revokedBefore = revokedFlag.get();
                        try {
                            if (id % 2 == 0) {
                                h.encrypt(T, Aad.of("page", "r", id), new byte[8192]);
                            } else {
                                h.decrypt(T, AAD, sealed);
                            }
                            ok.incrementAndGet();
                            if (revokedBefore && h.state(T) == TenantState.REVOKED) {
                                okAfterRevoke.incrementAndGet();
                            }
                        } catch (KeyRevokedException e) {
                            revokedErrors.incrementAndGet();
                        } catch (Throwable e) {
                            unexpected.add(e);
                        }
                    }
                });
                threads[i].start();
            }
            Thread.sleep(200);
            h.revoke(T, "test");
            revokedFlag.set(true);
            Thread.sleep(200);
            int errorsWhileRevoked = revokedErrors.get();
            h.restore(T);
            int okBeforeRestore = ok.get();
            Thread.sleep(200);
            stop.set(true);
            for (Thread t : threads) {
                t.join();
            }
            assertThat(unexpected).isEmpty();
            assertThat(okAfterRevoke.get()).isZero();
            assertThat(errorsWhileRevoked).isPositive();
            assertThat(ok.get()).isGreaterThan(okBeforeRestore);
        }
    }
}
