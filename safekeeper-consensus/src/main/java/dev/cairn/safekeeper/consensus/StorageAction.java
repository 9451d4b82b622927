package dev.cairn.safekeeper.consensus;

import dev.cairn.common.Lsn;

/**
 * What the acceptor's pure logic asks its storage to do, in order, before the step's reply may be sent.
 * A failed action is fatal for the acceptor instance: it must be reloaded from disk (fail-stop), because
 * its in-memory state already assumes the action happened.
 */
public sealed interface StorageAction {
    /** Write the state file atomically and durably. */
    record PersistState(AcceptorState state) implements StorageAction {
    }

    /** Make the WAL end at {@code end}, durably. An empty WAL starts there. */
    record TruncateWal(Lsn end) implements StorageAction {
    }

    /** Buffered write at the WAL end; durable only after {@link FlushWal}. */
    record WriteWal(Lsn begin, byte[] data) implements StorageAction {
        @Override
        public String toString() {
            return "WriteWal[" + begin + ", " + data.length + " bytes]";
        }
    }

    /** fsync every write so far. */
    record FlushWal() implements StorageAction {
    }

    /** Read {@code [begin, end)}; the bytes become the step's {@code WalData} reply. */
    record ReadWal(long term, Lsn begin, Lsn end) implements StorageAction {
    }
}
