package dev.cairn.pgformat.rmgr;

import dev.cairn.pgformat.RelFileLocator;
import dev.cairn.pgformat.wal.BlockReference;
import dev.cairn.pgformat.wal.DecodedRecord;
import dev.cairn.pgformat.wal.WalFormatException;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Random main data for every rmgr and record type: decoding, describing and
 * VM-effect extraction either succeed or fail with BAD_PAYLOAD at the
 * record's LSN; nothing else may escape.
 */
class MalformedPayloadPropertyTest {
    @Test
    void randomPayloadsNeverEscapeAsOtherExceptions() {
        Random random = new Random(20261123);
        RelFileLocator rel = new RelFileLocator(1663, 5, 16384);
        int failures = 0;
        int iterations = 0;
        for (int rmid : new int[]{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 15, 21, 128, 255}) {
            for (int info = 0; info < 256; info += 16) {
                for (int round = 0; round < 40; round++) {
                    byte[] data = randomPayload(random);
                    List<BlockReference> blocks = new ArrayList<>();
                    int nblocks = random.nextInt(3);
                    for (int b = 0; b < nblocks; b++) {
                        blocks.add(TestRecords.block(b, rel, random.nextInt(3), random.nextInt(100_000)));
                    }
                    DecodedRecord rec = TestRecords.record(rmid, info | random.nextInt(16), random.nextInt(),
                            data, blocks.toArray(BlockReference[]::new));
                    iterations++;
                    try {
                        RecordDecoder.decode(rec);
                        RecordDescriber.describe(rec);
                        VisibilityMapEffects.of(rec);
                    } catch (WalFormatException e) {
                        assertThat(e.reason()).isEqualTo(WalFormatException.Cause.BAD_PAYLOAD);
                        assertThat(e.lsn()).isEqualTo(TestRecords.LSN);
                        failures++;
                    } catch (RuntimeException e) {
                        fail("rmgr " + rmid + " info 0x" + Integer.toHexString(rec.header().info())
                                + " with " + data.length + " bytes threw " + e, e);
                    }
                }
            }
        }
        assertThat(failures).as("some random payloads must be rejected").isPositive();
        assertThat(iterations).isGreaterThan(10_000);
    }

    /** Mostly short payloads, biased towards small and extreme 32-bit counts. */
    private static byte[] randomPayload(Random random) {
        int len = random.nextInt(4) == 0 ? random.nextInt(200) : random.nextInt(40);
        byte[] data = new byte[len];
        random.nextBytes(data);
        for (int i = 0; i + 4 <= len; i += 4) {
            int pick = random.nextInt(6);
            int v = switch (pick) {
                case 0 -> 0;
                case 1 -> random.nextInt(4);
                case 2 -> -1;
                case 3 -> Integer.MAX_VALUE;
                default -> random.nextInt();
            };
            data[i] = (byte) v;
            data[i + 1] = (byte) (v >>> 8);
            data[i + 2] = (byte) (v >>> 16);
            data[i + 3] = (byte) (v >>> 24);
        }
        return data;
    }
}
