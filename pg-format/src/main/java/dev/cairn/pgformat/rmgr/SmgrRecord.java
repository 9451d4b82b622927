package dev.cairn.pgformat.rmgr;

import dev.cairn.pgformat.ForkNumber;
import dev.cairn.pgformat.RelFileLocator;

/** Records of the Storage resource manager (rmgr 2), per catalog/storage_xlog.h. */
public sealed interface SmgrRecord extends RmgrRecord {
    int CREATE = 0x10;
    int TRUNCATE = 0x20;

    int TRUNCATE_HEAP = 0x0001;
    int TRUNCATE_VM = 0x0002;
    int TRUNCATE_FSM = 0x0004;

    /** A relation fork's file was created (empty). */
    record Create(RelFileLocator rel, int forkNumber) implements SmgrRecord {
        /** The fork, or null for an out-of-range number. */
        public ForkNumber fork() {
            return ForkNumber.ofOrNull(forkNumber);
        }
    }

    /**
     * The relation was truncated to {@code blocks} main-fork blocks; {@code flags} say
     * which forks (heap = main, VM, FSM) the truncation applies to.
     */
    record Truncate(long blocks, RelFileLocator rel, int flags) implements SmgrRecord {
        public boolean truncatesMain() {
            return (flags & TRUNCATE_HEAP) != 0;
        }

        public boolean truncatesVisibilityMap() {
            return (flags & TRUNCATE_VM) != 0;
        }

        public boolean truncatesFreeSpaceMap() {
            return (flags & TRUNCATE_FSM) != 0;
        }
    }
}
