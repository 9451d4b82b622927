package dev.cairn.kms;

import dev.cairn.common.Id128;

import dev.cairn.kms.provider.KeyRef;
import dev.cairn.kms.store.FileKeyringStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;

import static org.assertj.core.api.Assertions.assertThat;

class RotationTest {
    static final Id128 T = Id128.parse("c3d8f9b6aec89f91a1f509b63ba411f5") /* tenant-r */;
    static final KeyRef CMK = KeyRef.local("default");
    static final KeyRef OTHER = KeyRef.local("other");

    @TempDir
    Path dir;

    record Sealed(Aad aad, byte[] plain, byte[] envelope) {
    }

    @Test
    void rotationsDoNotReencryptAndKeepEverythingReadable() {
        HierarchyFixture f = new HierarchyFixture(dir);
        try (KeyHierarchy h = f.open()) {
            h.createTenant(T, CMK);
            List<Sealed> data = seal(h, 5);
            long kek = h.status(T).activeKek();
            h.rotateKek(T);
            assertThat(h.status(T).activeKek()).isEqualTo(kek + 1);
            assertThat(h.status(T).kekCount()).isEqualTo(1);
            DekId before = h.activeDek(T, "page");
            DekId after = h.rotateDek(T, "page");
            assertThat(after).isNotEqualTo(before);
            assertThat(KeyHierarchy.dekOf(T, h.encrypt(T, Aad.of("page", "x", 0), new byte[1]))).isEqualTo(after);
            f.local.rotateKey("default");
            h.rotateCmk(T, null);
            h.rotateCmk(T, OTHER);
            assertThat(h.status(T).cmk()).isEqualTo("local://other");
            assertThat(h.status(T).rotationPending()).isFalse();
            assertReadable(h, data);
            f.local.disableKey("default"); // the old CMK is no longer needed
            assertThat(h.verify(T, VerifyProgress.NONE).ok()).isTrue();
        }
        try (KeyHierarchy h = f.open()) {
            assertThat(h.verify(T, VerifyProgress.NONE).ok()).isTrue();
        }
    }

    @Test
    void concurrentTrafficDuringRotations() throws Exception {
        HierarchyFixture f = new HierarchyFixture(dir);
        f.nonceReservation = 16; // many reservations race with rotations
        try (KeyHierarchy h = f.open()) {
            h.createTenant(T, CMK);
            List<Sealed> initial = seal(h, 10);
            List<Sealed> produced = new CopyOnWriteArrayList<>();
            List<Throwable> errors = new CopyOnWriteArrayList<>();
            AtomicBoolean stop = new AtomicBoolean();
            List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                int id = i;
                threads.add(new Thread(() -> {
                    long n = 0;
                    while (!stop.get()) {
                        try {
                            if (id < 2) {
                                Aad aad = Aad.of(id == 0 ? "page" : "wal", "obj-" + id, n);
                                byte[] plain = ("msg " + id + "/" + n++).getBytes();
                                byte[] env = id == 0 ? h.encrypt(T, aad, plain)
                                        : h.encrypt(h.activeDek(T, "wal"), aad, plain);
                                if (n % 16 == 0) {
                                    produced.add(new Sealed(aad, plain, env));
                                }
                            } else {
                                Sealed s = initial.get((int) (n++ % initial.size()));
                                assertThat(h.decrypt(T, s.aad(), s.envelope())).isEqualTo(s.plain());
                            }
                        } catch (Throwable e) {
                            errors.add(e);
                            return;
                        }
                    }
                }, "traffic-" + i));
            }
            threads.forEach(Thread::start);
            for (int round = 0; round < 6; round++) {
                h.rotateKek(T);
                h.rotateDek(T, "page");
                h.rotateDek(T, "wal");
                f.local.rotateKey(round % 2 == 0 ? "default" : "other");
                h.rotateCmk(T, round % 2 == 0 ? OTHER : CMK);
                Thread.sleep(20);
            }
            stop.set(true);
            for (Thread t : threads) {
                t.join();
            }
            assertThat(errors).isEmpty();
            assertThat(produced).isNotEmpty();
            assertReadable(h, initial);
            assertReadable(h, produced);
            try (KeyHierarchy reopened = reopenAfterClose(h, f)) {
                assertReadable(reopened, initial);
                assertReadable(reopened, produced);
                assertThat(reopened.verify(T, VerifyProgress.NONE).ok()).isTrue();
            }
        }
    }

    private static KeyHierarchy reopenAfterClose(KeyHierarchy h, HierarchyFixture f) {
        h.close();
        return f.open();
    }

    @Test
    void crashBetweenAnyTwoStepsOfAKekRotation() {
        crashTest("kek", (h, f) -> h.rotateKek(T));
    }

    @Test
    void crashBetweenAnyTwoStepsOfACmkRotationToAnotherKey() {
        crashTest("cmk", (h, f) -> h.rotateCmk(T, OTHER));
    }

    @Test
    void crashBetweenAnyTwoStepsOfACmkVersionRotation() {
        crashTest("cmkv", (h, f) -> {
            f.local.rotateKey("default");
            h.rotateCmk(T, null);
        });
    }

    private void crashTest(String name, BiConsumer<KeyHierarchy, HierarchyFixture> rotation) {
        boolean completedWithoutCrash = false;
        for (int savesBeforeCrash = 0; !completedWithoutCrash; savesBeforeCrash++) {
            assertThat(savesBeforeCrash).as("rotation should finish within a few writes").isLessThan(20);
            HierarchyFixture f = new HierarchyFixture(dir.resolve(name + "-" + savesBeforeCrash));
            List<Sealed> data;
            try (KeyHierarchy h = f.open()) {
                h.createTenant(T, CMK);
                data = seal(h, 3);
                h.newDek(T, "wal");
                h.rotateKek(T); // some history: the rotation under test starts from kek-2
            }
            KeyHierarchy crashing = f.open(new CrashingStore(new FileKeyringStore(f.layout), savesBeforeCrash));
            try {
                rotation.accept(crashing, f);
                completedWithoutCrash = true;
            } catch (CrashingStore.SimulatedCrash crash) {
                // the process died between two steps
            } finally {
                crashing.close();
            }
            try (KeyHierarchy h = f.open()) {
                assertReadable(h, data);
                assertThat(h.verify(T, VerifyProgress.NONE).failures()).as("after crash at write %d", savesBeforeCrash)
                        .isEmpty();
                h.completeRotation(T);
                assertThat(h.status(T).rotationPending()).isFalse();
                assertThat(h.status(T).kekCount()).isEqualTo(1);
                assertReadable(h, data);
                seal(h, 1);
            }
            try (KeyHierarchy h = f.open()) {
                assertReadable(h, data);
                assertThat(h.verify(T, VerifyProgress.NONE).ok()).isTrue();
            }
        }
    }

    private static List<Sealed> seal(KeyHierarchy h, int n) {
        List<Sealed> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Aad aad = Aad.of("page", "rel/" + i, i);
            byte[] plain = ("page " + i).getBytes();
            out.add(new Sealed(aad, plain, h.encrypt(T, aad, plain)));
            DekId dek = h.newDek(T, "wal");
            Aad walAad = Aad.of("wal", "seg/" + i, 0);
            out.add(new Sealed(walAad, plain, h.encrypt(dek, walAad, plain)));
        }
        return out;
    }

    private static void assertReadable(KeyHierarchy h, List<Sealed> data) {
        Map<DekId, Boolean> deks = new ConcurrentHashMap<>();
        for (Sealed s : data) {
            assertThat(h.decrypt(T, s.aad(), s.envelope())).isEqualTo(s.plain());
            deks.put(KeyHierarchy.dekOf(T, s.envelope()), true);
        }
        assertThat(deks).isNotEmpty();
    }
}
