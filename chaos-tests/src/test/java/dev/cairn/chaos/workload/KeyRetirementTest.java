package dev.cairn.chaos.workload;

import org.junit.jupiter.api.Test;

import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keys are retired so that lists (and the reads that return them whole) and each register's history stay
 * bounded in a long soak.
 */
class KeyRetirementTest {

    @Test
    void keysRetireAfterTheirShareOfOperationsAndFinalReadsCoverEveryKeyUsed() {
        AppendWorkload w = new AppendWorkload(3, 10);
        Random random = new Random(1);
        Set<Long> used = new TreeSet<>();
        for (int i = 0; i < 300; i++) {
            Invocation op = w.next(random, i % 4, i);
            long key = op.value().get("key").asLong();
            assertThat(key / 3).as("generation of op " + i).isEqualTo(i / 30);
            used.add(key);
        }
        assertThat(used).hasSize(30);
        Set<Long> finalKeys = new TreeSet<>();
        w.finalReads().forEach(r -> finalKeys.add(r.value().get("key").asLong()));
        assertThat(finalKeys).containsAll(used);
    }

    @Test
    void registerKeysRetireToo() {
        RegisterWorkload w = new RegisterWorkload(2, 50);
        Random random = new Random(2);
        Set<Long> used = new TreeSet<>();
        for (int i = 0; i < 500; i++) {
            long key = w.next(random, 0, i).value().get("key").asLong();
            assertThat(key / 2).as("generation of op " + i).isEqualTo(i / 100);
            used.add(key);
        }
        assertThat(used).hasSize(10); // 5 generations of 2 keys
    }
}
