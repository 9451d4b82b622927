package dev.cairn.proxy;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SlotWatchTest {
    private final SlotWatch<String> watch = new SlotWatch<>(4);

    private List<String> scan(long... counters) {
        List<String> due = new ArrayList<>();
        watch.scan(counters, counters.length, due::add);
        return due;
    }

    @Test
    void onlyWatchersOfCountersThatMovedSinceTheLastScanAreDue() {
        watch.watch(0, "a");
        watch.watch(1, "a");
        watch.watch(2, "b");
        assertThat(scan(0, 0, 0, 0)).isEmpty();
        assertThat(scan(5, 0, 0, 0)).containsExactly("a");
        assertThat(scan(5, 0, 0, 0)).as("nothing moved since").isEmpty();
        assertThat(scan(6, 9, 1, 0)).containsExactly("a", "a", "b");
        assertThat(scan(6, 9, 1, 7)).as("slot 3 has no watcher").isEmpty();
        List<String> due = new ArrayList<>();
        watch.scan(new long[] {6, 9, 2, 7}, 2, due::add);
        assertThat(due).as("slots past the count are not looked at").isEmpty();
    }

    @Test
    void aSlotGivenToANewWatcherIsNotTakenFromItByTheOldOne() {
        watch.watch(0, "old");
        watch.unwatch(0, "old");
        assertThat(scan(1, 0, 0, 0)).isEmpty();
        watch.watch(0, "new");
        watch.unwatch(0, "old"); // the old session's late close
        assertThat(scan(2, 0, 0, 0)).containsExactly("new");
    }
}
