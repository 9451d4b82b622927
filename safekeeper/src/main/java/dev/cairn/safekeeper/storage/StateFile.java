package dev.cairn.safekeeper.storage;

import dev.cairn.common.AtomicFile;

import dev.cairn.common.Lsn;
import dev.cairn.safekeeper.consensus.AcceptorState;
import dev.cairn.safekeeper.consensus.TermHistory;
import dev.cairn.safekeeper.consensus.TermLsn;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.zip.CRC32C;

/**
 * The acceptor's consensus state on disk, replaced atomically ({@link AtomicFile}): a crash leaves either the
 * old or the new state, never a mix.
 * <pre>
 *   "CSKS" | u16 version (1) | u32 payload length | payload | u32 CRC-32C of everything before
 *   payload v1: u64 term, u64 timeline start, u64 commit, u64 peer horizon, u32 n, n x (u64 term, u64 lsn)
 * </pre>
 */
public final class StateFile {
    static final int MAGIC = 0x43534B53; // "CSKS"
    static final short VERSION = 1;
    private static final int MAX_HISTORY = 1 << 20;

    private final Path path;

    public StateFile(Path dir) {
        this.path = dir.resolve("acceptor.state");
    }

    public Path path() {
        return path;
    }

    public void write(AcceptorState s) {
        List<TermLsn> h = s.history().entries();
        ByteBuffer b = ByteBuffer.allocate(4 + 2 + 4 + 36 + 16 * h.size() + 4);
        b.putInt(MAGIC).putShort(VERSION).putInt(36 + 16 * h.size());
        b.putLong(s.term()).putLong(s.timelineStartLsn().value()).putLong(s.commitLsn().value())
                .putLong(s.peerHorizonLsn().value()).putInt(h.size());
        for (TermLsn e : h) {
            b.putLong(e.term()).putLong(e.lsn().value());
        }
        CRC32C crc = new CRC32C();
        crc.update(b.array(), 0, b.position());
        b.putInt((int) crc.getValue());
        try {
            AtomicFile.write(path, java.util.Arrays.copyOf(b.array(), b.position()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write acceptor state " + path, e);
        }
    }

    /** The stored state, or empty when none was ever written. */
    public Optional<AcceptorState> read() {
        byte[] raw;
        try {
            raw = Files.readAllBytes(path);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read acceptor state " + path, e);
        }
        return Optional.of(decode(raw));
    }

    AcceptorState decode(byte[] raw) {
        if (raw.length < 14) {
            throw new StateFileException(path, "truncated (" + raw.length + " bytes)", null);
        }
        ByteBuffer b = ByteBuffer.wrap(raw);
        if (b.getInt() != MAGIC) {
            throw new StateFileException(path, "not an acceptor state file (bad magic)", null);
        }
        short version = b.getShort();
        if (version != VERSION) {
            throw new StateFileException(path, "unsupported version " + version + " (this build reads " + VERSION + ")", null);
        }
        int len = b.getInt();
        if (len < 36 || len > 36 + 16 * MAX_HISTORY || raw.length != 10 + len + 4) {
            throw new StateFileException(path, "payload length " + len + " does not match file size " + raw.length, null);
        }
        CRC32C crc = new CRC32C();
        crc.update(raw, 0, 10 + len);
        if ((int) crc.getValue() != ByteBuffer.wrap(raw, 10 + len, 4).getInt()) {
            throw new StateFileException(path, "checksum mismatch", null);
        }
        long term = b.getLong();
        Lsn start = Lsn.of(b.getLong());
        Lsn commit = Lsn.of(b.getLong());
        Lsn horizon = Lsn.of(b.getLong());
        int n = b.getInt();
        if (n < 0 || 36 + 16L * n != len) {
            throw new StateFileException(path, "history of " + n + " entries does not fit payload " + len, null);
        }
        List<TermLsn> entries = new ArrayList<>(n);
        try {
            for (int i = 0; i < n; i++) {
                entries.add(new TermLsn(b.getLong(), Lsn.of(b.getLong())));
            }
            return new AcceptorState(term, new TermHistory(entries), start, commit, horizon);
        } catch (IllegalArgumentException e) {
            throw new StateFileException(path, "invalid content: " + e.getMessage(), e);
        }
    }
}
