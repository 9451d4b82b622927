package dev.cairn.pgformat.page;

import dev.cairn.pgformat.PgConstants;
import dev.cairn.pgformat.fixture.SampleCluster;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Our page checksums against those stock PostgreSQL wrote into a {@code --data-checksums} cluster. */
class PageChecksumTest {
    /** Relation fork files: relfilenode, optional fork suffix, optional segment number. */
    private static final Pattern RELATION_FILE = Pattern.compile("\\d+(_(fsm|vm|init))?(\\.(\\d+))?");
    private static final long RELSEG_BLOCKS = 131072;

    @Test
    void computedChecksumsEqualThoseStoredByPostgres() throws IOException {
        int checked = 0;
        int files = 0;
        for (Path file : relationFiles(SampleCluster.get().dataDir())) {
            long firstBlock = segmentNumber(file) * RELSEG_BLOCKS;
            byte[] bytes = Files.readAllBytes(file);
            files++;
            for (int i = 0; i < bytes.length / PgConstants.BLCKSZ; i++) {
                byte[] page = Arrays.copyOfRange(bytes, i * PgConstants.BLCKSZ, (i + 1) * PgConstants.BLCKSZ);
                PageHeader header = PageHeader.read(page);
                if (header.isNew()) {
                    continue;
                }
                long block = firstBlock + i;
                assertThat(PageChecksum.compute(page, block))
                        .as("checksum of %s block %d", file, block)
                        .isEqualTo(header.checksum());
                assertThat(PageChecksum.verify(page, block)).isTrue();
                checked++;
            }
        }
        assertThat(files).as("relation files under base/ and global/").isGreaterThan(100);
        assertThat(checked).as("pages checked").isGreaterThan(1000);
    }

    @Test
    void anyBitFlipOrOtherBlockNumberChangesTheChecksum() throws IOException {
        byte[] page = firstFullPage(SampleCluster.get().dataDir());
        int stored = PageHeader.read(page).checksum();
        assertThat(PageChecksum.compute(page, 0)).isEqualTo(stored);
        assertThat(PageChecksum.compute(page, 1)).isNotEqualTo(stored);
        assertThat(PageChecksum.verify(page, 1)).isFalse();
        for (int bit : new int[] {0, 7, 8 * 8 + 3 + 16, 8 * 100, 8 * 4000 + 5, 8 * PgConstants.BLCKSZ - 1}) {
            byte[] flipped = page.clone();
            flipped[bit / 8] ^= (byte) (1 << (bit % 8));
            assertThat(PageChecksum.compute(flipped, 0)).as("bit %d flipped", bit).isNotEqualTo(stored);
            assertThat(PageChecksum.verify(flipped, 0)).isFalse();
        }
        // pd_checksum itself does not take part.
        byte[] otherChecksum = page.clone();
        otherChecksum[PageHeader.CHECKSUM_OFFSET] ^= 0x5A;
        assertThat(PageChecksum.compute(otherChecksum, 0)).isEqualTo(stored);
    }

    @Test
    void stampWritesTheChecksumIntoTheHeader() throws IOException {
        byte[] page = firstFullPage(SampleCluster.get().dataDir());
        int stored = PageHeader.read(page).checksum();
        PageHeader.read(page).withChecksum(0).write(page);
        assertThat(PageChecksum.stamp(page, 0)).isEqualTo(stored);
        assertThat(PageHeader.read(page).checksum()).isEqualTo(stored);
    }

    @Test
    void headerRoundTripsAndDecodesRealPages() throws IOException {
        byte[] page = firstFullPage(SampleCluster.get().dataDir());
        PageHeader h = PageHeader.read(page);
        assertThat(h.pageSize()).isEqualTo(PgConstants.BLCKSZ);
        assertThat(h.layoutVersion()).isEqualTo(PageHeader.LAYOUT_VERSION);
        assertThat(h.lower()).isBetween(PageHeader.SIZE, h.upper());
        assertThat(h.upper()).isLessThanOrEqualTo(h.special());
        assertThat(h.special()).isLessThanOrEqualTo(PgConstants.BLCKSZ);
        assertThat(h.lsn().isValid()).isTrue();
        byte[] rewritten = new byte[PgConstants.BLCKSZ];
        h.write(rewritten);
        assertThat(Arrays.copyOf(rewritten, PageHeader.SIZE)).isEqualTo(Arrays.copyOf(page, PageHeader.SIZE));
        assertThat(PageHeader.read(rewritten)).isEqualTo(h);
    }

    @Test
    void lsnIsStoredAsTwoHalvesHighFirst() {
        byte[] page = new byte[PgConstants.BLCKSZ];
        new PageHeader(dev.cairn.common.Lsn.of(0x0000_0001_0000_00A8L), 0, 0, 24, 8192, 8192, 8196, 0).write(page);
        assertThat(page[0]).isEqualTo((byte) 1);
        assertThat(page[4]).isEqualTo((byte) 0xA8);
    }

    /** Block 0 of a heap file with tuples: a user table's main fork in the database with most data. */
    private static byte[] firstFullPage(Path dataDir) throws IOException {
        for (Path file : relationFiles(dataDir)) {
            if (!file.getFileName().toString().matches("\\d+") || Files.size(file) < 4L * PgConstants.BLCKSZ) {
                continue;
            }
            byte[] page = new byte[PgConstants.BLCKSZ];
            try (var in = Files.newInputStream(file)) {
                assertThat(in.readNBytes(page, 0, page.length)).isEqualTo(page.length);
            }
            PageHeader h = PageHeader.read(page);
            if (!h.isNew() && h.lower() > PageHeader.SIZE + 40 && h.special() == PgConstants.BLCKSZ) {
                return page;
            }
        }
        throw new AssertionError("no heap page with tuples found under " + dataDir);
    }

    private static List<Path> relationFiles(Path dataDir) throws IOException {
        List<Path> out = new ArrayList<>();
        for (Path root : List.of(dataDir.resolve("base"), dataDir.resolve("global"))) {
            try (Stream<Path> all = Files.walk(root)) {
                all.filter(Files::isRegularFile)
                        .filter(p -> RELATION_FILE.matcher(p.getFileName().toString()).matches())
                        .sorted()
                        .forEach(out::add);
            }
        }
        return out;
    }

    private static long segmentNumber(Path file) {
        Matcher m = RELATION_FILE.matcher(file.getFileName().toString());
        if (!m.matches()) {
            throw new IllegalArgumentException(file.toString());
        }
        return m.group(4) == null ? 0 : Long.parseLong(m.group(4));
    }
}
