package dev.cairn.proxy;

import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Consumer;

/**
 * Who watches each of the kernel splicer's forwarding counters, and which counters moved since the last
 * scan. Scans run on one thread and walk flat arrays, so watching thousands of idle sessions costs a few
 * microseconds a scan; watchers come and go from any thread.
 */
final class SlotWatch<T> {
    private final AtomicReferenceArray<T> watchers;
    private final long[] seen; // each counter at the last scan: the scanning thread's own

    SlotWatch(int slots) {
        this.watchers = new AtomicReferenceArray<>(slots);
        this.seen = new long[slots];
    }

    void watch(int slot, T watcher) {
        watchers.set(slot, watcher);
    }

    /** Stops {@code watcher} watching {@code slot}, unless another watches it by now. */
    void unwatch(int slot, T watcher) {
        watchers.compareAndSet(slot, watcher, null);
    }

    /**
     * Calls {@code due} for the watcher of each slot whose counter in {@code counters} (the first
     * {@code slots} slots' counters, read just now; the rest never used) differs from the last scan's; a
     * watcher of two moved slots is called twice.
     */
    void scan(long[] counters, int slots, Consumer<T> due) {
        for (int slot = 0; slot < slots; slot++) {
            if (counters[slot] != seen[slot]) {
                seen[slot] = counters[slot];
                T watcher = watchers.get(slot);
                if (watcher != null) {
                    due.accept(watcher);
                }
            }
        }
    }
}
