package dev.cairn.pageserver.importer;

import dev.cairn.pgformat.control.ControlFileCodec;
import dev.cairn.pgformat.control.DbState;
import dev.cairn.pgruntime.PgBinaries;
import dev.cairn.pgruntime.PgCluster;
import dev.cairn.pgruntime.PgRuntimeException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.FileVisitOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Map;
import java.util.EnumSet;

/**
 * Brings a copy of an existing cluster's data directory (e.g. {@code pg_basebackup -X stream} output, or a
 * cluster that crashed) to a clean shutdown with stock PostgreSQL, so that {@link DataDirImport} can take
 * it as page images at its shutdown checkpoint. An online backup is not consistent by itself: PostgreSQL's
 * own recovery replays the WAL that came with it, exactly as on a restore, and we import the result.
 */
public final class StockRecovery {
    /** Files that would make the copy a standby or start archive recovery instead of finishing the backup. */
    private static final List<String> REMOVED = List.of("postmaster.pid", "postmaster.opts", "standby.signal",
            "recovery.signal");

    private StockRecovery() {
    }

    /**
     * Copies {@code source} to {@code scratch} and recovers the copy to a clean shutdown; the source is
     * never modified.
     *
     * @return the data directory to import (inside {@code scratch})
     * @throws ImportException when the source is not a PostgreSQL data directory, or does
     *                         not recover (e.g. WAL missing: take the backup with {@code -X stream})
     */
    public static Path recover(PgBinaries bin, Path source, Path scratch) {
        if (!Files.isRegularFile(source.resolve(ControlFileCodec.RELATIVE_PATH))) {
            throw new ImportException(source + " is not a PostgreSQL data directory (no global/pg_control)");
        }
        Path data = scratch.resolve("data");
        copy(source, data);
        try {
            Files.setPosixFilePermissions(data, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot restrict " + data, e);
        }
        for (String f : REMOVED) {
            try {
                Files.deleteIfExists(data.resolve(f));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot remove " + f + " from the copy", e);
            }
        }
        if (isShutDown(data) && !Files.exists(data.resolve("backup_label"))) {
            return data; // already consistent: nothing to replay
        }
        PgCluster pg = PgCluster.existing(bin, data);
        pg.user().own(scratch);
        try {
            // Unix socket only, no archiving or replication: this server exists only to finish recovery.
            pg.start(Map.of("archive_mode", "off", "hot_standby", "off", "max_wal_senders", "0",
                    "wal_level", "replica", "restore_command", "", "primary_conninfo", ""));
            pg.stop("fast");
        } catch (PgRuntimeException e) {
            throw new ImportException("stock PostgreSQL could not recover the copy of " + source
                    + " to a consistent state (for a pg_basebackup, take it with -X stream): " + e.getMessage(), e);
        }
        if (!isShutDown(data)) {
            throw new ImportException("recovery of " + source + " did not end in a clean shutdown");
        }
        return data;
    }

    private static boolean isShutDown(Path data) {
        return ControlFileCodec.readFromDataDirectory(data).state() == DbState.SHUTDOWNED;
    }

    /**
     * Links are followed: a tablespace's pg_tblspc/OID link (and a pg_wal moved elsewhere) becomes a
     * directory in place, so the recovering server never writes to the source's tablespace locations.
     */
    private static void copy(Path from, Path to) {
        try {
            Files.walkFileTree(from, EnumSet.of(FileVisitOption.FOLLOW_LINKS), Integer.MAX_VALUE, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                    Files.createDirectories(to.resolve(from.relativize(dir).toString()));
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.copy(file, to.resolve(from.relativize(file).toString()), StandardCopyOption.COPY_ATTRIBUTES);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy " + from + " to " + to, e);
        }
    }
}
