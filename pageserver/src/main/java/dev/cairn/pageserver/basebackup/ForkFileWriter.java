package dev.cairn.pageserver.basebackup;

import dev.cairn.pgformat.PgConstants;
import dev.cairn.pgformat.page.PageChecksum;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Writes one relation fork into a tar as PostgreSQL lays it out on disk: segment files of
 * {@code relseg} blocks (name, name.1, ...). Stored pages arrive in ascending block order;
 * blocks in between read as zeroes, as they do in PostgreSQL for pages extended but never written.
 */
final class ForkFileWriter {
    private static final byte[] ZERO_PAGE = new byte[PgConstants.BLCKSZ];

    private final TarWriter tar;
    private final String path;
    private final long nblocks;
    private final long relseg;
    private final boolean checksums;
    private long next;      // the next block to write
    private long pages;     // stored (non-zero) pages written
    private int openSegment = -1;

    ForkFileWriter(TarWriter tar, String path, long nblocks, long relseg, boolean checksums) {
        this.tar = tar;
        this.path = path;
        this.nblocks = nblocks;
        this.relseg = relseg;
        this.checksums = checksums;
    }

    /** What a fork of {@code nblocks} at {@code path} takes in a tar: one entry per segment file, at least one. */
    static long tarBytes(String path, long nblocks, long relseg) {
        long bytes = TarWriter.fileBytes(path, Math.min(relseg, nblocks) * PgConstants.BLCKSZ);
        for (long segment = 1; segment * relseg < nblocks; segment++) {
            long blocks = Math.min(relseg, nblocks - segment * relseg);
            bytes += TarWriter.fileBytes(segmentPath(path, segment), blocks * PgConstants.BLCKSZ);
        }
        return bytes;
    }

    /** The stored image of {@code block}; blocks must come in ascending order, each below the fork's size. */
    void page(long block, byte[] image) throws IOException {
        if (block < next || block >= nblocks) {
            throw new IllegalStateException(path + ": block " + block + " out of order (next " + next + ", size " + nblocks + ")");
        }
        zeroesUpTo(block);
        byte[] page = image;
        if (checksums && ByteBuffer.wrap(page).order(ByteOrder.LITTLE_ENDIAN).getShort(14) != 0) {
            page = page.clone();
            PageChecksum.stamp(page, block);
        }
        writeBlock(page);
        pages++;
    }

    /** Pads the fork with zero pages up to its size and closes its last segment; returns the stored pages written. */
    long finish() throws IOException {
        zeroesUpTo(nblocks);
        if (openSegment < 0) {
            beginSegment(0); // an empty fork is still a file
        }
        tar.endFile();
        return pages;
    }

    private void zeroesUpTo(long block) throws IOException {
        while (next < block) {
            writeBlock(ZERO_PAGE);
        }
    }

    private void writeBlock(byte[] page) throws IOException {
        int segment = (int) (next / relseg);
        if (segment != openSegment) {
            if (openSegment >= 0) {
                tar.endFile();
            }
            beginSegment(segment);
        }
        tar.write(page, 0, page.length);
        next++;
    }

    private void beginSegment(int segment) throws IOException {
        long first = segment * relseg;
        long count = Math.min(relseg, nblocks - first);
        tar.beginFile(segmentPath(path, segment), count * PgConstants.BLCKSZ);
        openSegment = segment;
    }

    /** A segment file's name: the fork's, then .1, .2, ... */
    private static String segmentPath(String path, long segment) {
        return segment == 0 ? path : path + "." + segment;
    }
}
