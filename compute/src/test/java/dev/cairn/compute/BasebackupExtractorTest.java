package dev.cairn.compute;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BasebackupExtractorTest {
    @TempDir
    Path dir;

    @Test
    void writesDirectoriesAndFilesOwnerOnly() throws IOException {
        byte[] big = new byte[3 << 20]; // larger than the copy buffer
        Arrays.fill(big, (byte) 7);
        byte[] tar = tar(t -> {
            directory(t, "base/");
            directory(t, "base/5/");
            file(t, "PG_VERSION", "15\n".getBytes(StandardCharsets.US_ASCII));
            file(t, "base/5/16384", big);
            file(t, "base/5/16385_fsm", new byte[0]);
        });
        assertThat(BasebackupExtractor.extract(new ByteArrayInputStream(tar), dir)).isEqualTo(3);
        assertThat(Files.readString(dir.resolve("PG_VERSION"))).isEqualTo("15\n");
        assertThat(Files.readAllBytes(dir.resolve("base/5/16384"))).isEqualTo(big);
        assertThat(Files.size(dir.resolve("base/5/16385_fsm"))).isZero();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("base/5/16384")))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("base/5")))).isEqualTo("rwx------");
    }

    @Test
    void refusesPathsOutsideTheDataDirectory() throws IOException {
        byte[] tar = tar(t -> file(t, "../escaped", new byte[1]));
        assertThatThrownBy(() -> BasebackupExtractor.extract(new ByteArrayInputStream(tar), dir.resolve("data")))
                .isInstanceOf(IOException.class).hasMessageContaining("'../escaped' lies outside the data directory");
        assertThat(dir.resolve("escaped")).doesNotExist();
    }

    @Test
    void refusesLinks() throws IOException {
        byte[] tar = tar(t -> {
            TarArchiveEntry link = new TarArchiveEntry("pg_wal", TarConstants.LF_SYMLINK);
            link.setLinkName("/etc");
            t.putArchiveEntry(link);
            t.closeArchiveEntry();
        });
        assertThatThrownBy(() -> BasebackupExtractor.extract(new ByteArrayInputStream(tar), dir))
                .isInstanceOf(IOException.class).hasMessageContaining("'pg_wal' is neither a file nor a directory");
        assertThat(dir.resolve("pg_wal")).doesNotExist();
    }

    @Test
    void aStreamEndingInsideAFileIsAnError() throws IOException {
        byte[] tar = tar(t -> file(t, "global/1262", new byte[8192]));
        byte[] cut = Arrays.copyOf(tar, 512 + 4096);
        assertThatThrownBy(() -> {
            Files.createDirectories(dir.resolve("global"));
            BasebackupExtractor.extract(new ByteArrayInputStream(cut), dir);
        }).isInstanceOf(IOException.class);
    }

    private interface Entries {
        void write(TarArchiveOutputStream tar) throws IOException;
    }

    private static byte[] tar(Entries entries) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (TarArchiveOutputStream t = new TarArchiveOutputStream(out)) {
            entries.write(t);
        }
        return out.toByteArray();
    }

    private static void directory(TarArchiveOutputStream t, String name) throws IOException {
        t.putArchiveEntry(new TarArchiveEntry(name));
        t.closeArchiveEntry();
    }

    private static void file(TarArchiveOutputStream t, String name, byte[] content) throws IOException {
        TarArchiveEntry e = new TarArchiveEntry(name);
        e.setSize(content.length);
        t.putArchiveEntry(e);
        t.write(content);
        t.closeArchiveEntry();
    }
}
