package dev.cairn.pageserver.basebackup;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A streaming ustar writer: entries are written as they come, file contents
 * pass straight through (the size is declared up front), nothing is buffered
 * beyond one 512-byte header.
 */
final class TarWriter {
    private static final int BLOCK = 512;
    /** The end-of-archive marker: two zero blocks. */
    static final int END_BYTES = 2 * BLOCK;

    private final OutputStream out;
    private final long mtime = System.currentTimeMillis() / 1000;
    private long remaining;
    private long entrySize;
    private long written;

    TarWriter(OutputStream out) {
        this.out = out;
    }

    /** What an entry with {@code size} bytes of content takes in the tar: its header and the padded content. */
    static long entryBytes(long size) {
        return BLOCK + (size + BLOCK - 1) / BLOCK * BLOCK;
    }

    void directory(String path) throws IOException {
        requireNoOpenEntry();
        header(path.endsWith("/") ? path : path + "/", 0, 0700, '5');
    }

    void file(String path, byte[] content) throws IOException {
        beginFile(path, content.length);
        write(content, 0, content.length);
        endFile();
    }

    /** Starts a file of exactly {@code size} bytes, to be given by {@link #write} calls and closed by {@link #endFile}. */
    void beginFile(String path, long size) throws IOException {
        requireNoOpenEntry();
        header(path, size, 0600, '0');
        remaining = size;
        entrySize = size;
    }

    void write(byte[] b, int off, int len) throws IOException {
        if (len > remaining) {
            throw new IllegalStateException("tar entry overflow: " + len + " bytes with " + remaining + " declared left");
        }
        out.write(b, off, len);
        remaining -= len;
        written += len;
    }

    void endFile() throws IOException {
        if (remaining != 0) {
            throw new IllegalStateException("tar entry short by " + remaining + " bytes");
        }
        pad(entrySize);
        entrySize = 0;
    }

    /** The end-of-archive marker (two zero blocks); flushes but does not close the stream. */
    void finish() throws IOException {
        requireNoOpenEntry();
        byte[] zeros = new byte[END_BYTES];
        out.write(zeros);
        written += zeros.length;
        out.flush();
    }

    long bytesWritten() {
        return written;
    }

    private void requireNoOpenEntry() {
        if (remaining != 0) {
            throw new IllegalStateException("previous tar entry has " + remaining + " bytes outstanding");
        }
    }

    private void pad(long size) throws IOException {
        int rest = (int) (size % BLOCK);
        if (rest != 0) {
            out.write(new byte[BLOCK - rest]);
            written += BLOCK - rest;
        }
    }

    private void header(String path, long size, int mode, char type) throws IOException {
        byte[] h = new byte[BLOCK];
        byte[] name = path.getBytes(StandardCharsets.UTF_8);
        if (name.length > 100) {
            int split = path.lastIndexOf('/', 154);
            byte[] prefix = path.substring(0, split).getBytes(StandardCharsets.UTF_8);
            name = path.substring(split + 1).getBytes(StandardCharsets.UTF_8);
            if (prefix.length > 155 || name.length > 100) {
                throw new IllegalArgumentException("path too long for ustar: " + path);
            }
            System.arraycopy(prefix, 0, h, 345, prefix.length);
        }
        System.arraycopy(name, 0, h, 0, name.length);
        octal(h, 100, 8, mode);
        octal(h, 108, 8, 0);
        octal(h, 116, 8, 0);
        octal(h, 124, 12, size);
        octal(h, 136, 12, mtime);
        for (int i = 148; i < 156; i++) {
            h[i] = ' ';
        }
        h[156] = (byte) type;
        System.arraycopy("ustar\0".getBytes(StandardCharsets.US_ASCII), 0, h, 257, 6);
        h[263] = '0';
        h[264] = '0';
        long sum = 0;
        for (byte b : h) {
            sum += b & 0xFF;
        }
        octal(h, 148, 7, sum);
        out.write(h);
        written += BLOCK;
    }

    /** An octal number, zero-padded, NUL-terminated, in a field of {@code len} bytes. */
    private static void octal(byte[] h, int off, int len, long v) {
        String s = Long.toOctalString(v);
        if (s.length() > len - 1) {
            throw new IllegalArgumentException("value " + v + " does not fit a " + len + "-byte tar field");
        }
        String padded = "0".repeat(len - 1 - s.length()) + s;
        System.arraycopy(padded.getBytes(StandardCharsets.US_ASCII), 0, h, off, len - 1);
        h[off + len - 1] = 0;
    }
}
