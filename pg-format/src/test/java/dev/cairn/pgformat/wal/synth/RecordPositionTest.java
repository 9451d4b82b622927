package dev.cairn.pgformat.wal.synth;

import dev.cairn.common.Lsn;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RecordPositionTest {
    private static final int SEG = 16 * 1024 * 1024;

    @Test
    void pageBoundariesMovePastTheHeader() {
        assertThat(RecordPosition.firstAtOrAfter(Lsn.parse("0/3000000"), SEG)).isEqualTo(Lsn.parse("0/3000028"));
        assertThat(RecordPosition.firstAtOrAfter(Lsn.parse("0/3002000"), SEG)).isEqualTo(Lsn.parse("0/3002018"));
        assertThat(RecordPosition.firstAtOrAfter(Lsn.parse("1/0"), SEG)).isEqualTo(Lsn.parse("1/28"));
    }

    @Test
    void positionsInsideAHeaderOrUnalignedMoveForward() {
        assertThat(RecordPosition.firstAtOrAfter(Lsn.parse("0/3000011"), SEG)).isEqualTo(Lsn.parse("0/3000028"));
        assertThat(RecordPosition.firstAtOrAfter(Lsn.parse("0/3002017"), SEG)).isEqualTo(Lsn.parse("0/3002018"));
        assertThat(RecordPosition.firstAtOrAfter(Lsn.parse("0/3002019"), SEG)).isEqualTo(Lsn.parse("0/3002020"));
        // aligning up reaches the next page: skip its header too
        assertThat(RecordPosition.firstAtOrAfter(Lsn.parse("0/3003FFD"), SEG)).isEqualTo(Lsn.parse("0/3004018"));
        assertThat(RecordPosition.firstAtOrAfter(Lsn.parse("0/3FFFFF9"), SEG)).isEqualTo(Lsn.parse("0/4000028"));
    }

    @Test
    void validPositionsStay() {
        for (String s : new String[] {"0/3000028", "0/3002018", "0/3002020", "0/3001FF8", "5/12345678"}) {
            Lsn lsn = Lsn.parse(s);
            assertThat(RecordPosition.isValid(lsn, SEG)).as(s).isTrue();
            assertThat(RecordPosition.firstAtOrAfter(lsn, SEG)).isEqualTo(lsn);
        }
        assertThat(RecordPosition.isValid(Lsn.INVALID, SEG)).isFalse();
        assertThat(RecordPosition.isValid(Lsn.parse("0/3002018"), 1 << 20)).isTrue();
        assertThat(RecordPosition.isValid(Lsn.parse("0/3100018"), 1 << 20)).isFalse(); // a 1 MiB segment starts there
    }

    @Test
    void requireValidNamesTheNearestValidPosition() {
        assertThatThrownBy(() -> RecordPosition.requireValid(Lsn.parse("0/3002000"), SEG))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("0/03002000").hasMessageContaining("0/03002018");
        assertThatThrownBy(() -> RecordPosition.requireValid(Lsn.parse("0/3002000"), 3 << 20))
                .hasMessageContaining("segment size");
    }
}
