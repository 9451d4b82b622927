package dev.cairn.safekeeper.storage;

import dev.cairn.common.Lsn;
import dev.cairn.safekeeper.consensus.AcceptorState;
import dev.cairn.safekeeper.consensus.TermHistory;
import dev.cairn.safekeeper.consensus.TermLsn;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StateFileTest {
    @TempDir
    Path dir;

    private static final AcceptorState STATE = new AcceptorState(7,
            TermHistory.of(new TermLsn(2, Lsn.of(0x1000)), new TermLsn(7, Lsn.of(0x5000))),
            Lsn.of(0x1000), Lsn.of(0x4000), Lsn.of(0x3000));

    @Test
    void roundTripsAndReplacesAtomically() {
        StateFile f = new StateFile(dir);
        assertThat(f.read()).isEmpty();
        f.write(STATE);
        assertThat(f.read()).contains(STATE);
        AcceptorState next = STATE.withTerm(8);
        f.write(next);
        assertThat(f.read()).contains(next);
        assertThat(Files.exists(dir.resolve("acceptor.state.tmp"))).isFalse();
    }

    @Test
    void aLeftoverTempFileFromACrashIsIgnored() throws IOException {
        StateFile f = new StateFile(dir);
        f.write(STATE);
        Files.write(dir.resolve("acceptor.state.tmp"), new byte[]{1, 2, 3}); // crash mid-write of the next one
        assertThat(new StateFile(dir).read()).contains(STATE);
    }

    @Test
    void everyBitFlipIsDetected() throws IOException {
        StateFile f = new StateFile(dir);
        f.write(STATE);
        byte[] good = Files.readAllBytes(f.path());
        for (int i = 0; i < good.length * 8; i++) {
            byte[] bad = good.clone();
            bad[i / 8] ^= (byte) (1 << (i % 8));
            Files.write(f.path(), bad);
            assertThatThrownBy(f::read).isInstanceOf(StateFileException.class);
        }
    }

    @Test
    void truncationAndUnknownVersionAreRefusedWithReasons() throws IOException {
        StateFile f = new StateFile(dir);
        f.write(STATE);
        byte[] good = Files.readAllBytes(f.path());
        Files.write(f.path(), java.util.Arrays.copyOf(good, good.length - 3));
        assertThatThrownBy(f::read).isInstanceOf(StateFileException.class).hasMessageContaining("length");
        byte[] v2 = good.clone();
        v2[5] = 2;
        Files.write(f.path(), v2);
        assertThatThrownBy(f::read).isInstanceOf(StateFileException.class).hasMessageContaining("unsupported version 2");
    }
}
