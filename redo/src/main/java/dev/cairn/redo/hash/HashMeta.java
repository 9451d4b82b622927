package dev.cairn.redo.hash;

import dev.cairn.redo.page.ItemPointer;
import dev.cairn.redo.page.Page;
import dev.cairn.redo.page.PageCorruptException;

/**
 * The hash metapage (hash.h HashMetaPageData after the page header) and _hash_init_metabuffer's arithmetic of
 * buckets and split points.
 */
final class HashMeta {
    static final long MAGIC = 0x6440640L;
    static final int VERSION = 4;
    /** HASH_MAX_SPLITPOINTS: 22 groups of four phases after ten groups of one. */
    static final int MAX_SPLITPOINTS = (32 - 10) * 4 + 10;
    static final int MAX_BITMAPS = 1024;
    private static final int GROUPS_WITH_ONE_PHASE = 10;
    private static final int PHASE_BITS = 2;
    private static final int PHASE_MASK = (1 << PHASE_BITS) - 1;
    private static final int BASE = HashPage.CONTENTS;
    private static final int NTUPLES = BASE + 8;
    private static final int FFACTOR = BASE + 16;
    private static final int BSIZE = BASE + 18;
    private static final int BMSIZE = BASE + 20;
    private static final int BMSHIFT = BASE + 22;
    private static final int MAXBUCKET = BASE + 24;
    private static final int HIGHMASK = BASE + 28;
    private static final int LOWMASK = BASE + 32;
    private static final int OVFLPOINT = BASE + 36;
    private static final int FIRSTFREE = BASE + 40;
    private static final int NMAPS = BASE + 44;
    private static final int PROCID = BASE + 48;
    private static final int SPARES = BASE + 52;
    private static final int MAPP = SPARES + 4 * MAX_SPLITPOINTS;
    /** sizeof(HashMetaPageData), padded to the double's alignment. */
    private static final int SIZE = (MAPP + 4 * MAX_BITMAPS - BASE + 7) & ~7;

    private final Page page;

    private HashMeta(Page page) {
        this.page = page;
    }

    static HashMeta of(Page page) {
        HashPage.requireType(page, HashPage.META, "metapage");
        return new HashMeta(page);
    }

    /** _hash_init_metabuffer on a page being initialised. */
    static void init(Page page, double numTuples, long procId, int ffactor) {
        if (ffactor <= 0) {
            throw new PageCorruptException("hash metapage with fill factor " + ffactor);
        }
        double buckets = numTuples / ffactor;
        long numBuckets;
        if (buckets <= 2.0) {
            numBuckets = 2;
        } else if (buckets >= (double) 0x40000000) {
            numBuckets = 0x40000000;
        } else {
            numBuckets = totalBuckets(spareIndex((long) buckets));
        }
        int spareIndex = spareIndex(numBuckets);
        HashPage.init(page, ItemPointer.INVALID_BLOCK, HashPage.INVALID_BUCKET, HashPage.META);
        page.put32(BASE, MAGIC);
        page.put32(BASE + 4, VERSION);
        page.copyIn(NTUPLES, new byte[8], 0, 8);
        page.put32(NMAPS, 0);
        page.put16(FFACTOR, ffactor);
        int bsize = page.specialOffset() - BASE; // HashGetMaxBitmapSize
        page.put16(BSIZE, bsize);
        int lshift = 31 - Integer.numberOfLeadingZeros(bsize);
        page.put16(BMSIZE, 1 << lshift);
        page.put16(BMSHIFT, lshift + 3);
        page.put32(PROCID, procId);
        page.put32(MAXBUCKET, numBuckets - 1);
        long highmask = nextPowerOf2(numBuckets + 1) - 1;
        page.put32(HIGHMASK, highmask);
        page.put32(LOWMASK, highmask >>> 1);
        page.put32(SPARES + 4 * spareIndex, 1);
        page.put32(OVFLPOINT, spareIndex);
        page.put32(FIRSTFREE, 0);
        page.setLower(BASE + SIZE);
    }

    /** _hash_spareindex: the split point phase at which the table has {@code numBucket} buckets. */
    static int spareIndex(long numBucket) {
        int group = ceilLog2(numBucket);
        if (group < GROUPS_WITH_ONE_PHASE) {
            return group;
        }
        int phases = GROUPS_WITH_ONE_PHASE + ((group - GROUPS_WITH_ONE_PHASE) << PHASE_BITS);
        return phases + (int) (((numBucket - 1) >>> (group - (PHASE_BITS + 1))) & PHASE_MASK);
    }

    /** _hash_get_totalbuckets: the buckets a table has once split point phase {@code phase} is done. */
    static long totalBuckets(int phase) {
        if (phase < GROUPS_WITH_ONE_PHASE) {
            return 1L << phase;
        }
        int group = GROUPS_WITH_ONE_PHASE + ((phase - GROUPS_WITH_ONE_PHASE) >> PHASE_BITS);
        long total = 1L << (group - 1);
        int phasesWithin = ((phase - GROUPS_WITH_ONE_PHASE) & PHASE_MASK) + 1;
        return total + ((1L << (group - 1)) >> PHASE_BITS) * phasesWithin;
    }

    private static int ceilLog2(long n) {
        return n < 2 ? 0 : 64 - Long.numberOfLeadingZeros(n - 1);
    }

    private static long nextPowerOf2(long n) {
        return Long.bitCount(n) == 1 ? n : Long.highestOneBit(n) << 1;
    }

    double ntuples() {
        return Double.longBitsToDouble(page.u32(NTUPLES) | (page.u32(NTUPLES + 4) << 32));
    }

    void setNtuples(double v) {
        long bits = Double.doubleToRawLongBits(v);
        page.put32(NTUPLES, bits & 0xFFFFFFFFL);
        page.put32(NTUPLES + 4, bits >>> 32);
    }

    long maxBucket() {
        return page.u32(MAXBUCKET);
    }

    void setMaxBucket(long v) {
        page.put32(MAXBUCKET, v);
    }

    void setMasks(long lowmask, long highmask) {
        page.put32(LOWMASK, lowmask);
        page.put32(HIGHMASK, highmask);
    }

    long ovflPoint() {
        return page.u32(OVFLPOINT);
    }

    void setOvflPoint(long v) {
        page.put32(OVFLPOINT, v);
    }

    void setFirstFree(long v) {
        page.put32(FIRSTFREE, v);
    }

    void setSpares(long splitPoint, long v) {
        page.put32(SPARES + 4 * checkedIndex(splitPoint, MAX_SPLITPOINTS, "split point"), v);
    }

    void incrementSpares(long splitPoint) {
        int at = SPARES + 4 * checkedIndex(splitPoint, MAX_SPLITPOINTS, "split point");
        page.put32(at, page.u32(at) + 1);
    }

    /** hashm_mapp[hashm_nmaps++] = block. */
    void addBitmap(long block) {
        long nmaps = page.u32(NMAPS);
        page.put32(MAPP + 4 * checkedIndex(nmaps, MAX_BITMAPS, "bitmap page"), block);
        page.put32(NMAPS, nmaps + 1);
    }

    private static int checkedIndex(long i, int limit, String what) {
        if (i < 0 || i >= limit) {
            throw new PageCorruptException("hash metapage " + what + " index " + i + " is outside 0.." + (limit - 1));
        }
        return (int) i;
    }
}
