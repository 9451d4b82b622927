package dev.cairn.pageserver.basebackup;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

/**
 * A basebackup's tar, written by commons-compress's {@link TarArchiveOutputStream}: entries are written as
 * they come and file contents are streamed (the size is declared up front). A name of 100 bytes
 * or more, or a file of more than 8 GiB, gets a POSIX (PAX) extended header. Also tells what an entry takes
 * in the tar before it is written, so a basebackup's exact length is known before its first byte.
 */
final class TarWriter {
    /** A tar record: every header takes one, every file's content is padded to a multiple. */
    private static final int RECORD = TarConstants.DEFAULT_RCDSIZE;
    /** The end-of-archive marker: two zero records (the block size is one record, so nothing pads it further). */
    static final int END_BYTES = 2 * RECORD;
    private static final String ENCODING = "UTF-8";
    /**
     * Commons-compress writes a record (512 bytes) at a time; gathered into writes this large they cost the
     * stream below one call per megabyte, and pass through a caller's BufferedOutputStream of up to this size
     * without a second copy.
     */
    private static final int GATHER = 1 << 20;

    private final TarArchiveOutputStream tar;
    private final Gather out;
    private boolean fileOpen;
    // whole seconds: a fraction would take a PAX header per entry
    private final FileTime mtime = FileTime.from(Instant.now().getEpochSecond(), TimeUnit.SECONDS);

    /** Writes to {@code out}, which is neither closed nor flushed before {@link #finish}. */
    TarWriter(OutputStream out) {
        this.out = new Gather(out);
        this.tar = open(this.out);
    }

    private static TarArchiveOutputStream open(OutputStream out) {
        TarArchiveOutputStream tar = new TarArchiveOutputStream(out, RECORD, ENCODING);
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
        return tar;
    }

    /** What {@link #directory} takes in the tar. */
    static long directoryBytes(String path) {
        return headerBytes(directoryName(path), 0);
    }

    /** What a file of {@code size} bytes at {@code path} takes in the tar: its header(s) and its padded content. */
    static long fileBytes(String path, long size) {
        return headerBytes(path, size) + (size + RECORD - 1) / RECORD * RECORD;
    }

    void directory(String path) throws IOException {
        requireNoOpenFile();
        tar.putArchiveEntry(entry(directoryName(path), 0, mtime));
        tar.closeArchiveEntry();
    }

    void file(String path, byte[] content) throws IOException {
        beginFile(path, content.length);
        write(content, 0, content.length);
        endFile();
    }

    /** Starts a file of exactly {@code size} bytes, to be given by {@link #write} calls and closed by {@link #endFile}. */
    void beginFile(String path, long size) throws IOException {
        requireNoOpenFile();
        tar.putArchiveEntry(entry(path, size, mtime));
        fileOpen = true;
    }

    void write(byte[] b, int off, int len) throws IOException {
        tar.write(b, off, len);
    }

    /** Ends the file begun last, which must have had all its bytes; pads it to a whole record. */
    void endFile() throws IOException {
        tar.closeArchiveEntry(); // refuses a file short of its size, as write refuses one past it
        fileOpen = false;
    }

    /** The end-of-archive marker; flushes but does not close the stream. */
    void finish() throws IOException {
        tar.finish();
        out.flush();
    }

    long bytesWritten() {
        return tar.getBytesWritten();
    }

    // commons-compress would start the next entry over the open one's missing bytes
    private void requireNoOpenFile() {
        if (fileOpen) {
            throw new IllegalStateException("the previous tar entry is still open");
        }
    }

    private static String directoryName(String path) {
        return path.endsWith("/") ? path : path + "/";
    }

    /** A directory (a name ending in '/') or a regular file, owned by uid/gid 0, accessible to its owner only. */
    private static TarArchiveEntry entry(String name, long size, FileTime mtime) {
        boolean directory = name.endsWith("/");
        TarArchiveEntry e = new TarArchiveEntry(name, directory ? TarConstants.LF_DIR : TarConstants.LF_NORMAL);
        e.setMode(directory ? 0700 : 0600);
        e.setSize(size);
        e.setLastModifiedTime(mtime);
        return e;
    }

    /**
     * What the header of an entry takes: one record when its name and size fit a ustar header, as nearly all
     * in a basebackup do; otherwise whatever commons-compress writes ahead of the content, measured by
     * writing the header to nowhere (with any mtime that fits ustar, as the writer's does).
     */
    private static long headerBytes(String name, long size) {
        if (size <= TarConstants.MAXSIZE && name.length() < TarConstants.NAMELEN && isAscii(name)) {
            return RECORD;
        }
        TarArchiveOutputStream t = open(OutputStream.nullOutputStream());
        try {
            t.putArchiveEntry(entry(name, size, FileTime.from(Instant.EPOCH)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot measure the tar header of " + name, e);
        }
        return t.getBytesWritten(); // not closed: the entry's content is never written
    }

    private static boolean isAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }

    /** A buffer without a lock, for the one thread writing the tar. */
    private static final class Gather extends OutputStream {
        private final OutputStream out;
        private final byte[] buffer = new byte[GATHER];
        private int filled;

        Gather(OutputStream out) {
            this.out = out;
        }

        @Override
        public void write(int b) throws IOException {
            if (filled == buffer.length) {
                drain();
            }
            buffer[filled++] = (byte) b;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (len > buffer.length - filled) {
                drain();
                if (len >= buffer.length) {
                    out.write(b, off, len);
                    return;
                }
            }
            System.arraycopy(b, off, buffer, filled, len);
            filled += len;
        }

        @Override
        public void flush() throws IOException {
            drain();
            out.flush();
        }

        private void drain() throws IOException {
            if (filled > 0) {
                out.write(buffer, 0, filled);
                filled = 0;
            }
        }
    }
}
