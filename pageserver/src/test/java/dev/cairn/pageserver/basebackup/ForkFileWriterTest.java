package dev.cairn.pageserver.basebackup;

import dev.cairn.pgformat.PgConstants;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ForkFileWriterTest {
    private static final int B = PgConstants.BLCKSZ;

    @Test
    void splitsIntoSegmentFilesAndFillsUnstoredBlocksWithZeroes() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        TarWriter tar = new TarWriter(out);
        ForkFileWriter fork = new ForkFileWriter(tar, "base/5/16384", 5, 2, false);
        fork.page(1, page(1));
        fork.page(3, page(3));
        assertThat(fork.finish()).isEqualTo(2);
        tar.finish();

        Map<String, byte[]> files = entries(out.toByteArray());
        assertThat(files.keySet()).containsExactly("base/5/16384", "base/5/16384.1", "base/5/16384.2");
        assertThat(files.get("base/5/16384")).hasSize(2 * B);
        assertThat(files.get("base/5/16384.2")).hasSize(B);
        assertThat(Arrays.copyOfRange(files.get("base/5/16384"), 0, B)).isEqualTo(new byte[B]);
        assertThat(Arrays.copyOfRange(files.get("base/5/16384"), B, 2 * B)).isEqualTo(page(1));
        assertThat(Arrays.copyOfRange(files.get("base/5/16384.1"), 0, B)).isEqualTo(new byte[B]);
        assertThat(Arrays.copyOfRange(files.get("base/5/16384.1"), B, 2 * B)).isEqualTo(page(3));
        assertThat(files.get("base/5/16384.2")).isEqualTo(new byte[B]);
    }

    @Test
    void anEmptyForkIsAnEmptyFile() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        TarWriter tar = new TarWriter(out);
        assertThat(new ForkFileWriter(tar, "base/5/16385_fsm", 0, 2, false).finish()).isZero();
        tar.finish();
        assertThat(entries(out.toByteArray())).containsOnlyKeys("base/5/16385_fsm");
        assertThat(entries(out.toByteArray()).get("base/5/16385_fsm")).isEmpty();
    }

    @Test
    void blocksOutOfOrderOrPastTheForkAreRefused() throws IOException {
        TarWriter tar = new TarWriter(new ByteArrayOutputStream());
        ForkFileWriter fork = new ForkFileWriter(tar, "base/5/16386", 3, 2, false);
        fork.page(2, page(2));
        assertThatThrownBy(() -> fork.page(1, page(1))).isInstanceOf(IllegalStateException.class).hasMessageContaining("block 1");
        assertThatThrownBy(() -> fork.page(3, page(3))).isInstanceOf(IllegalStateException.class).hasMessageContaining("size 3");
    }

    @Test
    void theAnnouncedTarSizeIsWhatTheWriterWrites() throws IOException {
        for (long nblocks : new long[] {0, 1, 2, 3, 4, 5, 7}) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            TarWriter tar = new TarWriter(out);
            ForkFileWriter fork = new ForkFileWriter(tar, "base/5/16387", nblocks, 2, false);
            if (nblocks > 1) {
                fork.page(1, page(1));
            }
            fork.finish();
            assertThat(tar.bytesWritten()).as("%d blocks", nblocks).isEqualTo(ForkFileWriter.tarBytes("base/5/16387", nblocks, 2));
        }
    }

    @Test
    void theAnnouncedTarSizeCountsTheExtendedHeadersOfLongSegmentNames() throws IOException {
        // 98 characters: the first segment's name fits a ustar header, "....1" to "....10" do not
        String path = "pg_tblspc/16400/PG_15_202209061/16401/" + "1".repeat(60);
        for (long nblocks : new long[] {0, 1, 2, 3, 21}) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            TarWriter tar = new TarWriter(out);
            new ForkFileWriter(tar, path, nblocks, 2, false).finish();
            tar.finish();
            assertThat(tar.bytesWritten() - TarWriter.END_BYTES).as("%d blocks", nblocks)
                    .isEqualTo(ForkFileWriter.tarBytes(path, nblocks, 2));
            assertThat(entries(out.toByteArray())).hasSize((int) Math.max(1, (nblocks + 1) / 2));
        }
    }

    private static byte[] page(int marker) {
        byte[] p = new byte[B];
        Arrays.fill(p, (byte) (marker + 1));
        return p;
    }

    /** Regular files of a tar, by name, in order. */
    private static Map<String, byte[]> entries(byte[] tar) throws IOException {
        Map<String, byte[]> files = new LinkedHashMap<>();
        try (TarArchiveInputStream in = new TarArchiveInputStream(new ByteArrayInputStream(tar))) {
            for (TarArchiveEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                if (e.isFile()) {
                    files.put(e.getName(), in.readAllBytes());
                }
            }
        }
        return files;
    }
}
