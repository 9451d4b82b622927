package dev.cairn.pgformat.control;

import dev.cairn.common.Lsn;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** Mutated and random pg_control bytes: the decoder answers with a ControlFile or a ControlFileException, nothing else. */
class ControlFileMutationTest {
    private static final ControlFileLayout LAYOUT = ControlFileLayout.V1300;

    @Test
    void mutationsWithRecomputedCrcDecodeOrFailTyped() {
        byte[] good = ControlFileCodec.encode(sample());
        Random random = new Random(20260415);
        int decoded = 0;
        int rejected = 0;
        for (int i = 0; i < 5000; i++) {
            byte[] bytes = good.clone();
            int flips = 1 + random.nextInt(4);
            for (int f = 0; f < flips; f++) {
                bytes[random.nextInt(LAYOUT.crcCoveredLength())] = (byte) random.nextInt(256);
            }
            boolean keepCrcValid = random.nextBoolean();
            if (keepCrcValid) {
                restamp(bytes);
            }
            try {
                ControlFile cf = ControlFileCodec.decode(bytes, "mutant " + i);
                assertThat(keepCrcValid || Arrays.equals(bytes, good)).as("mutant %d decoded with a stale CRC", i).isTrue();
                decoded++;
            } catch (ControlFileException e) {
                assertThat(e.origin()).isEqualTo("mutant " + i);
                rejected++;
            }
        }
        assertThat(decoded).isGreaterThan(1000);
        assertThat(rejected).isGreaterThan(1000);
    }

    @Test
    void randomAndTruncatedInputsFailTyped() {
        Random random = new Random(7);
        for (int i = 0; i < 2000; i++) {
            byte[] bytes = new byte[random.nextInt(9000)];
            random.nextBytes(bytes);
            if (bytes.length >= 12 && random.nextBoolean()) {
                ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putInt(8, 1300);
            }
            try {
                ControlFileCodec.decode(bytes, "random");
            } catch (ControlFileException expected) {
                assertThat(expected.reason()).isIn(ControlFileException.Reason.TRUNCATED,
                        ControlFileException.Reason.UNSUPPORTED_VERSION, ControlFileException.Reason.CRC_MISMATCH);
            }
        }
    }

    @Test
    void stampedValuesRoundTrip() {
        ControlFile cf = sample();
        assertThat(ControlFileCodec.decode(ControlFileCodec.encode(cf), "sample")).isEqualTo(cf);
        assertThat(cf.mockAuthenticationNonce()).isNotSameAs(cf.mockAuthenticationNonce());
    }

    private static void restamp(byte[] bytes) {
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN)
                .putInt(LAYOUT.offset(ControlField.CRC), ControlFileCodec.crc(bytes, LAYOUT.crcCoveredLength()));
    }

    private static ControlFile sample() {
        byte[] nonce = new byte[ControlFileLayout.NONCE_LENGTH];
        new Random(1).nextBytes(nonce);
        CheckPoint cp = new CheckPoint(Lsn.parse("0/2122F18"), 1, 1, true, 730, 16396, 1, 0, 716, 1, 1, 1,
                1_763_000_000L, 0, 0, 0);
        return new ControlFile(7_311_111_111_111_111_111L, 1300, 202209061, DbState.SHUTDOWNED, 1_763_000_000L,
                cp.redo(), cp, Lsn.of(1000), Lsn.INVALID, 0, Lsn.INVALID, Lsn.INVALID, false,
                new ParameterSettings(WalLevel.REPLICA, false, 100, 8, 10, 0, 64, false),
                BuildParameters.defaults(16 * 1024 * 1024), 1, nonce);
    }
}
