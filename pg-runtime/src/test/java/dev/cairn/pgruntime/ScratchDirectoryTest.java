package dev.cairn.pgruntime;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

class ScratchDirectoryTest {

    @Test
    void isTraversableByTheServerUserAndGoesWithEverythingInItOnClose() throws Exception {
        Path path;
        try (ScratchDirectory scratch = ScratchDirectory.create("cairn-scratch-test")) {
            path = scratch.path();
            assertThat(path.getFileName().toString()).startsWith("cairn-scratch-test");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(path))).isEqualTo("rwxr-xr-x");
            Path deep = Files.createDirectories(scratch.resolve("data/base/1"));
            Files.writeString(deep.resolve("1259"), "heap");
            Files.setPosixFilePermissions(deep, PosixFilePermissions.fromString("r-x------"));
        }
        assertThat(path).doesNotExist();
    }

    @Test
    void deletesALinkInsideButNotWhatItPointsTo(@TempDir Path outside) throws Exception {
        // a data directory's pg_tblspc holds links to tablespaces elsewhere: deleting the data directory
        // must not reach through them
        Path tablespace = Files.writeString(outside.resolve("tablespace-file"), "keep");
        ScratchDirectory scratch = ScratchDirectory.create("cairn-scratch-test");
        Files.createDirectories(scratch.resolve("pg_tblspc"));
        Files.createSymbolicLink(scratch.resolve("pg_tblspc/16384"), outside);
        scratch.close();
        assertThat(scratch.path()).doesNotExist();
        assertThat(tablespace).hasContent("keep");
    }

    @Test
    void aMissingTreeIsAlreadyDeleted(@TempDir Path dir) {
        assertThatCode(() -> ScratchDirectory.deleteTree(dir.resolve("never-created"))).doesNotThrowAnyException();
    }
}
