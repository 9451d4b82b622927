package dev.cairn.pageserver.basebackup;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TarWriterTest {
    /** 150 characters: past ustar's 100-byte name field, so it takes a PAX extended header. */
    private static final String LONG_DIRECTORY = "pg_tblspc/16400/PG_15_202209061/16401/" + "d".repeat(112);
    private static final String LONG_FILE = LONG_DIRECTORY + "/" + "f".repeat(120);

    @TempDir
    Path scratch;

    private record Read(String name, boolean directory, int mode, long size, byte[] content) {
    }

    @Test
    void roundTripsThroughCommonsCompressWithLongNamesExactBytesAndModes() throws IOException {
        byte[] content = random(8192 * 3 + 100);
        byte[] tar = sample(content);

        List<Read> read = read(tar);
        assertThat(read).extracting(Read::name).containsExactly("base/", "base/5/", "PG_VERSION", "base/5/16384",
                "base/5/16385_fsm", LONG_DIRECTORY + "/", LONG_FILE, "x".repeat(99), "y".repeat(100), "z".repeat(101));
        assertThat(read.get(0).directory()).isTrue();
        assertThat(read.get(0).mode()).isEqualTo(0700);
        assertThat(read.get(5).directory()).isTrue();
        assertThat(read.get(5).mode()).isEqualTo(0700);
        for (Read file : read.subList(2, 5)) {
            assertThat(file.directory()).as(file.name()).isFalse();
            assertThat(file.mode()).as(file.name()).isEqualTo(0600);
        }
        assertThat(read.get(2).content()).isEqualTo("15\n".getBytes(StandardCharsets.US_ASCII));
        assertThat(read.get(3).content()).isEqualTo(content);
        assertThat(read.get(3).size()).isEqualTo(content.length);
        assertThat(read.get(4).content()).isEmpty();
        assertThat(read.get(6).content()).isEqualTo(content);
        assertThat(read.get(6).mode()).isEqualTo(0600);
        for (Read file : read.subList(7, 10)) {
            assertThat(file.content()).as(file.name()).isEqualTo(file.name().getBytes(StandardCharsets.US_ASCII));
        }
    }

    @Test
    void gnuTarReadsItToo() throws Exception {
        byte[] content = random(10_000);
        Path file = scratch.resolve("t.tar");
        Files.write(file, sample(content));
        Path into = Files.createDirectory(scratch.resolve("x"));
        Process tar = new ProcessBuilder("tar", "-xf", file.toString(), "-C", into.toString())
                .redirectErrorStream(true).start();
        String output = new String(tar.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(tar.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(tar.exitValue()).as(output).isZero();
        assertThat(output).isEmpty();
        assertThat(into.resolve("base/5")).isDirectory();
        assertThat(into.resolve(LONG_DIRECTORY)).isDirectory();
        assertThat(into.resolve(LONG_FILE)).hasBinaryContent(content);
        assertThat(into.resolve("base/5/16384")).hasBinaryContent(content);
        assertThat(into.resolve("z".repeat(101))).hasContent("z".repeat(101));
    }

    @Test
    void theAnnouncedSizesAreWhatIsWritten() throws IOException {
        List<String> names = List.of("f", "base/5/16384", "x".repeat(99), "y".repeat(100), "z".repeat(101), LONG_FILE,
                "é".repeat(49), "é".repeat(50), "p".repeat(300));
        for (String name : names) {
            for (int size : new int[] {0, 1, 511, 512, 513, 8192}) {
                TarWriter tar = new TarWriter(OutputStream.nullOutputStream());
                tar.file(name, new byte[size]);
                assertThat(tar.bytesWritten()).as("%s, %d bytes", name, size).isEqualTo(TarWriter.fileBytes(name, size));
            }
            TarWriter tar = new TarWriter(OutputStream.nullOutputStream());
            tar.directory(name);
            assertThat(tar.bytesWritten()).as("directory %s", name).isEqualTo(TarWriter.directoryBytes(name));
            tar.finish();
            assertThat(tar.bytesWritten()).isEqualTo(TarWriter.directoryBytes(name) + TarWriter.END_BYTES);
        }
        assertThat(TarWriter.fileBytes("base/5/16384", 8192)).isEqualTo(512 + 8192);
        assertThat(TarWriter.directoryBytes("base/5")).isEqualTo(512);
    }

    @Test
    void aFileBeyondUstarsSizeFieldGetsAnExtendedHeader() throws IOException {
        long size = 9L << 30; // 9 GiB: more than 11 octal digits hold
        TarWriter tar = new TarWriter(OutputStream.nullOutputStream());
        tar.beginFile("base/5/16384", size);
        long headers = tar.bytesWritten();
        assertThat(headers).isGreaterThan(512); // headers are counted as they are written, before any content
        assertThat(TarWriter.fileBytes("base/5/16384", size)).isEqualTo(headers + size);
    }

    @Test
    void refusesAFileShortOfOrPastItsSize() throws IOException {
        TarWriter tar = new TarWriter(OutputStream.nullOutputStream());
        tar.beginFile("f", 10);
        assertThatThrownBy(() -> tar.write(new byte[11], 0, 11)).isInstanceOf(IOException.class);
        tar.write(new byte[4], 0, 4);
        assertThatThrownBy(() -> tar.beginFile("g", 1)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(tar::endFile).isInstanceOf(IOException.class).hasMessageContaining("before the '10' bytes");
    }

    /** Directories, regular files and long names, as a basebackup writes them. */
    private static byte[] sample(byte[] content) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        TarWriter tar = new TarWriter(out);
        tar.directory("base");
        tar.directory("base/5/");
        tar.file("PG_VERSION", "15\n".getBytes(StandardCharsets.US_ASCII));
        tar.beginFile("base/5/16384", content.length);
        for (int at = 0; at < content.length; at += 8192) { // as ForkFileWriter gives pages
            tar.write(content, at, Math.min(8192, content.length - at));
        }
        tar.endFile();
        tar.file("base/5/16385_fsm", new byte[0]);
        tar.directory(LONG_DIRECTORY);
        tar.file(LONG_FILE, content);
        for (String name : List.of("x".repeat(99), "y".repeat(100), "z".repeat(101))) {
            tar.file(name, name.getBytes(StandardCharsets.US_ASCII));
        }
        tar.finish();
        assertThat(out.size()).isEqualTo(tar.bytesWritten());
        return out.toByteArray();
    }

    private static List<Read> read(byte[] tar) throws IOException {
        List<Read> entries = new ArrayList<>();
        try (TarArchiveInputStream in = new TarArchiveInputStream(new ByteArrayInputStream(tar))) {
            for (TarArchiveEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                assertThat(e.isDirectory() || e.isFile()).as(e.getName()).isTrue();
                entries.add(new Read(e.getName(), e.isDirectory(), e.getMode(), e.getSize(), in.readAllBytes()));
            }
            assertThat(in.read()).isEqualTo(-1);
        }
        return entries;
    }

    private static byte[] random(int n) {
        byte[] b = new byte[n];
        new Random(n).nextBytes(b);
        return b;
    }
}
