package dev.cairn.safekeeper.storage;

import dev.cairn.common.Lsn;
import dev.cairn.common.TimelineKey;
import dev.cairn.safekeeper.consensus.Acceptor;
import dev.cairn.safekeeper.consensus.AcceptorMessage;
import dev.cairn.safekeeper.consensus.AcceptorMessage.WalData;
import dev.cairn.safekeeper.consensus.AcceptorState;
import dev.cairn.safekeeper.consensus.StorageAction;
import dev.cairn.safekeeper.consensus.Step;

import java.nio.file.Path;

/**
 * The disk under one timeline's acceptor: its state file and its WAL. Applies the acceptor's storage
 * actions; {@link #recoverAcceptor()} rebuilds the acceptor from what is durably there.
 */
public final class TimelineStorage implements AutoCloseable {
    private final TimelineKey timeline;
    private final StateFile stateFile;
    private final WalStore wal;

    private TimelineStorage(TimelineKey timeline, StateFile stateFile, WalStore wal) {
        this.timeline = timeline;
        this.stateFile = stateFile;
        this.wal = wal;
    }

    /** Opens {@code dir} (created if missing), validating the WAL and cutting a torn tail. */
    public static TimelineStorage open(Path dir, TimelineKey timeline, int segmentSize, WalChunkCipher cipher) {
        WalStore wal = WalStore.open(walDir(dir), timeline, segmentSize, cipher);
        return new TimelineStorage(timeline, new StateFile(dir), wal);
    }

    /** The WAL directory inside a timeline's directory. */
    public static Path walDir(Path timelineDir) {
        return timelineDir.resolve("wal");
    }

    public TimelineKey timeline() {
        return timeline;
    }

    public WalStore wal() {
        return wal;
    }

    public WalStore.Recovery recovery() {
        return wal.recovery();
    }

    /** The acceptor as of the last durable state and the recovered WAL end. */
    public Acceptor recoverAcceptor() {
        AcceptorState s = stateFile.read().orElse(AcceptorState.INITIAL);
        return new Acceptor(s, wal.end());
    }

    /** Applies the actions in order; returns the reply to send, null for none. */
    public AcceptorMessage apply(Step step) {
        AcceptorMessage reply = step.reply();
        for (StorageAction a : step.actions()) {
            switch (a) {
                case StorageAction.PersistState p -> stateFile.write(p.state());
                case StorageAction.TruncateWal t -> wal.truncate(t.end());
                case StorageAction.WriteWal w -> wal.write(w.begin(), w.data());
                case StorageAction.FlushWal f -> wal.flush();
                case StorageAction.ReadWal r -> reply = new WalData(r.term(), r.begin(), wal.read(r.begin(), r.end()));
            }
        }
        return reply;
    }

    /** WAL bytes {@code [from, to)} (for streaming out). */
    public byte[] read(Lsn from, Lsn to) {
        return wal.read(from, to);
    }

    @Override
    public void close() {
        wal.close();
    }
}
