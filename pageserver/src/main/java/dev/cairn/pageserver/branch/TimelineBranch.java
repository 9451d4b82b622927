package dev.cairn.pageserver.branch;

import dev.cairn.pageserver.importer.DataDirImport;
import dev.cairn.pageserver.read.PageService;
import dev.cairn.pageserver.api.Ancestry;
import dev.cairn.pageserver.store.IngestPosition;
import dev.cairn.pageserver.store.KeyCodec;
import dev.cairn.pageserver.store.PageStore;
import dev.cairn.pageserver.store.Timeline;
import dev.cairn.pageserver.store.TimelineStateException;
import dev.cairn.pageserver.store.WriteSet;
import dev.cairn.common.Lsn;
import dev.cairn.pgruntime.ScratchDirectory;
import dev.cairn.common.TimelineKey;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.Pipe;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Creates a timeline from another timeline of the same tenant as it was at an LSN, by copy: the source's
 * basebackup there (a data directory shut down cleanly at a synthetic checkpoint, so no recovery is needed)
 * is unpacked into a private directory and imported like any stopped cluster; the new timeline records
 * where it came from. This costs time and space in proportion to the database: copy-on-write branches that
 * share the ancestor's pages are future work.
 */
public final class TimelineBranch {
    /** What a branch took: where it came from, what the import stored, and the bytes of files copied. */
    public record Result(Ancestry ancestry, DataDirImport.Result imported, long copiedBytes) {
    }

    private final PageStore store;
    private final TimelineKey source;
    private final PageService sourcePages;
    private final TimelineKey target;

    /**
     * @param sourcePages the source's read path: its basebackup holds the LSN against GC while it is read
     */
    public TimelineBranch(PageStore store, TimelineKey source, PageService sourcePages, TimelineKey target) {
        if (!source.tenant().equals(target.tenant())) {
            throw new IllegalArgumentException("a branch stays in its tenant: " + target + " cannot come from " + source);
        }
        this.store = store;
        this.source = source;
        this.sourcePages = sourcePages;
        this.target = target;
    }

    /**
     * Refuses an LSN before the source's start or beyond its WAL. {@code committed} is the newest commit LSN
     * the source's WAL source reported: an LSN up to it is acknowledged WAL that ingest is about to reach,
     * one beyond it may never come.
     */
    static void requireWithinWal(TimelineKey source, IngestPosition position, Lsn committed, Lsn at) {
        if (at.isBefore(position.importLsn())) {
            throw new TimelineStateException(source, "cannot branch at " + at + ": the timeline starts at "
                    + position.importLsn());
        }
        Lsn end = committed.isAfter(position.end()) ? committed : position.end();
        if (at.isAfter(end)) {
            throw new TimelineStateException(source, "cannot branch at " + at + ": WAL is ingested only up to "
                    + position.end() + " (committed up to " + committed + ")");
        }
    }

    /**
     * Copies the source at the last record boundary at or before {@code at} into the new timeline, waiting up
     * to {@code wait} for ingest to reach {@code at}. {@code workDir} (on the pageserver's own disk) gets a
     * private directory for the copy, removed whatever happens.
     */
    public Result create(Lsn at, Lsn committed, Duration wait, Path workDir) {
        requireWithinWal(source, new Timeline(store, source).position(), committed, at);
        Path dir = privateDirectory(workDir);
        try {
            Path data = dir.resolve("data");
            Copy copy = unpackBasebackup(at, wait, data);
            DataDirImport.Result imported = DataDirImport.run(store, target, data);
            Ancestry ancestry = new Ancestry(source.timeline(), copy.dataLsn());
            WriteSet w = store.newWriteSet();
            w.put(KeyCodec.ancestry(target), ancestry.encode());
            w.commit();
            return new Result(ancestry, imported, copy.extracted().bytes());
        } catch (IOException e) {
            throw new BranchException(source, at, target, e.getMessage(), e);
        } finally {
            ScratchDirectory.deleteTree(dir);
        }
    }

    private record Copy(Lsn dataLsn, TarExtractor.Extracted extracted) {
    }

    /**
     * Streams the basebackup through a pipe into the extractor: the tar is never on disk as a whole. The
     * writer runs on its own thread, holding the LSN against GC until the last page is read.
     */
    private Copy unpackBasebackup(Lsn at, Duration wait, Path data) throws IOException {
        Files.createDirectory(data, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        try (PageService.LeasedBasebackup bb = sourcePages.openBasebackup(at, wait)) {
            Pipe pipe = Pipe.open();
            AtomicReference<Throwable> writeFailure = new AtomicReference<>();
            Thread writer = Thread.ofPlatform().name("branch-" + target.timeline()).start(() -> {
                try (OutputStream out = new BufferedOutputStream(Channels.newOutputStream(pipe.sink()), 1 << 16)) {
                    bb.prepared().writeTo(out);
                } catch (Throwable t) {
                    writeFailure.set(t);
                }
            });
            TarExtractor.Extracted extracted = null;
            IOException readFailure = null;
            try (InputStream in = Channels.newInputStream(pipe.source())) {
                extracted = TarExtractor.extract(in, data);
                in.transferTo(OutputStream.nullOutputStream()); // the padding after the end marker
            } catch (IOException e) {
                readFailure = e;
            } finally {
                // the reading end is closed by now: a writer still going fails fast (broken pipe), never blocks
                joinUninterruptibly(writer);
            }
            Throwable t = writeFailure.get();
            if (t != null) { // the cause: a stream cut short is only its symptom on the reading side
                if (readFailure != null) {
                    t.addSuppressed(readFailure);
                }
                if (t instanceof RuntimeException r) {
                    throw r;
                }
                throw new IOException("basebackup broke off: " + t, t);
            }
            if (readFailure != null) {
                throw readFailure;
            }
            return new Copy(bb.prepared().plan().dataLsn(), extracted);
        }
    }

    private static Path privateDirectory(Path workDir) {
        try {
            Files.createDirectories(workDir);
            return Files.createTempDirectory(workDir, "branch-",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a private directory under " + workDir, e);
        }
    }

    private static void joinUninterruptibly(Thread t) {
        boolean interrupted = false;
        while (true) {
            try {
                t.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
