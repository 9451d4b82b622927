package dev.cairn.pageserver.store;

import dev.cairn.pageserver.crypto.ValueCipher;
import dev.cairn.common.Lsn;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.CompressionType;
import org.rocksdb.DBOptions;
import org.rocksdb.LRUCache;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.Status;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The pageserver's RocksDB: one column family per {@link KeyKind.Family},
 * keys from {@link KeyCodec}, every value compressed then sealed by a
 * {@link ValueCipher} with the key as AAD ({@link ValueCodec}). RocksDB's own
 * block compression is off: values are ciphertext and would not shrink, and
 * plaintext never reaches RocksDB.
 *
 * <p>Reads of one version are seek-for-prev on the versioned key; bulk readers
 * use a {@link Cursor}, which keeps one iterator per column family. Thread-safe
 * except for cursors.
 */
public final class PageStore implements VersionSource, AutoCloseable {
    static {
        RocksDB.loadLibrary();
    }

    /**
     * Scans read SST files in large sequential chunks and leave the block cache to point reads: a
     * basebackup passes every page once and would otherwise evict what GetPage@LSN keeps warm.
     */
    private static final long SCAN_READAHEAD = 2L << 20;

    private final Path directory;
    private final RocksDB db;
    private final DBOptions dbOptions;
    private final List<ColumnFamilyOptions> cfOptions;
    private final LRUCache blockCache;
    private final List<ColumnFamilyHandle> handles;
    private final Map<KeyKind.Family, ColumnFamilyHandle> families = new EnumMap<>(KeyKind.Family.class);
    private final ValueCodec codec;
    private final WriteOptions writeOptions = new WriteOptions();
    /** Materialised pages (images with deltas redone): 4096 pages, 32 MiB. */
    private final PageCache pageCache = new PageCache(4096);

    private PageStore(Path directory, RocksDB db, DBOptions dbOptions, List<ColumnFamilyOptions> cfOptions, LRUCache cache,
                      List<ColumnFamilyHandle> handles, ValueCipher cipher) {
        this.directory = directory;
        this.db = db;
        this.dbOptions = dbOptions;
        this.cfOptions = cfOptions;
        this.blockCache = cache;
        this.handles = handles;
        this.codec = new ValueCodec(cipher);
        for (KeyKind.Family f : KeyKind.Family.values()) {
            families.put(f, handles.get(f.ordinal() + 1));
        }
    }

    /** Opens (creating if needed) the store in {@code directory}, with a 64 MiB block cache. */
    public static PageStore open(Path directory, ValueCipher cipher) {
        return open(directory, cipher, 64L << 20);
    }

    public static PageStore open(Path directory, ValueCipher cipher, long blockCacheBytes) {
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create page store directory " + directory, e);
        }
        LRUCache cache = new LRUCache(blockCacheBytes);
        ColumnFamilyOptions cfOptions = columnFamily(new BlockBasedTableConfig().setBlockCache(cache)
                .setFilterPolicy(new BloomFilter(10, false)).setBlockSize(16 * 1024));
        // Page keys are (timeline, rel, fork, block) + LSN. The prefix bloom is on everything but the LSN,
        // so GetPage@LSN (a seek-for-prev within one block's versions) skips SST files without that block.
        // Iterators that cross blocks must ask for total order (the Scanner, GC and raw iteration do).
        ColumnFamilyOptions pageOptions = columnFamily(new BlockBasedTableConfig().setBlockCache(cache)
                .setFilterPolicy(new BloomFilter(10, false)).setWholeKeyFiltering(false).setBlockSize(16 * 1024))
                .useFixedLengthPrefixExtractor(KeyCodec.PAGE_KEY - KeyCodec.LSN_BYTES)
                .setMemtablePrefixBloomSizeRatio(0.05);
        DBOptions dbOptions = new DBOptions().setCreateIfMissing(true).setCreateMissingColumnFamilies(true)
                .setMaxBackgroundJobs(2);
        List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();
        descriptors.add(new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, cfOptions));
        for (KeyKind.Family f : KeyKind.Family.values()) {
            descriptors.add(new ColumnFamilyDescriptor(f.cfName.getBytes(), f == KeyKind.Family.PAGES ? pageOptions : cfOptions));
        }
        List<ColumnFamilyHandle> handles = new ArrayList<>();
        try {
            RocksDB db = RocksDB.open(dbOptions, directory.toString(), descriptors, handles);
            return new PageStore(directory, db, dbOptions, List.of(cfOptions, pageOptions), cache, handles, cipher);
        } catch (RocksDBException e) {
            cfOptions.close();
            pageOptions.close();
            dbOptions.close();
            cache.close();
            throw new PageStoreException("cannot open page store " + directory + ": " + e.getMessage(), e);
        }
    }

    /** Values are ciphertext: RocksDB's compression would not shrink them (ValueCodec compresses before sealing). */
    private static ColumnFamilyOptions columnFamily(BlockBasedTableConfig table) {
        return new ColumnFamilyOptions()
                .setTableFormatConfig(table)
                .setCompressionType(CompressionType.NO_COMPRESSION)
                .setBottommostCompressionType(CompressionType.NO_COMPRESSION)
                .setWriteBufferSize(32L << 20);
    }

    public Path directory() {
        return directory;
    }

    public PageCache pageCache() {
        return pageCache;
    }

    /** The newest version at or before the key's LSN, or null. */
    @Override
    public Versioned latest(byte[] keyWithLsn) {
        try (RocksIterator it = db.newIterator(family(keyWithLsn))) {
            return latest(it, keyWithLsn);
        }
    }

    /** The value of an unversioned key (or null when absent). */
    public byte[] get(byte[] key) {
        try {
            byte[] stored = db.get(family(key), key);
            return stored == null ? null : codec.open(key, stored);
        } catch (RocksDBException e) {
            throw new PageStoreException("cannot read " + KeyCodec.describe(key) + ": " + e.getMessage(), e);
        }
    }

    /** A cursor for many reads by one thread. */
    public Cursor cursor() {
        return new Cursor();
    }

    /**
     * For each entity under {@code prefix} (keys of equal length that differ only
     * in their trailing LSN), the newest version at or before {@code lsn},
     * tombstones included, in key order.
     */
    public void scanLatest(byte[] prefix, Lsn lsn, EntityVisitor visitor) {
        try (Scanner scanner = new Scanner(false)) {
            scanner.scanLatest(prefix, lsn, visitor);
        }
    }

    /** A scanner for many forward scans by one thread (a basebackup: every fork, in key order). */
    public Scanner scanner() {
        return new Scanner(true);
    }

    /** Receives the newest version of one entity. */
    @FunctionalInterface
    public interface EntityVisitor {
        void visit(byte[] entityKey, Versioned version);
    }

    /** Receives one entity's versions from a {@link Scanner}. */
    interface HistoryVisitor {
        void visit(byte[] entityKey, VersionHistory history);
    }

    /** A set of writes to apply atomically. */
    public WriteSet newWriteSet() {
        return new WriteSet(this);
    }

    void write(List<byte[]> keys, List<byte[]> values) {
        try (WriteBatch batch = new WriteBatch()) {
            for (int i = 0; i < keys.size(); i++) {
                byte[] key = keys.get(i);
                batch.put(family(key), key, codec.seal(key, values.get(i)));
            }
            db.write(writeOptions, batch);
        } catch (RocksDBException e) {
            String what = "cannot write " + keys.size() + " values to " + directory + ": " + e.getMessage();
            throw noSpace(e) ? new StoreFullException(what, e) : new PageStoreException(what, e);
        }
    }

    private static boolean noSpace(RocksDBException e) {
        return e.getStatus() != null && e.getStatus().getSubCode() == Status.SubCode.NoSpace
                || String.valueOf(e.getMessage()).contains("No space left on device");
    }

    /** Flushes memtables to SST files (tests and shutdown). */
    public void flush() {
        try (org.rocksdb.FlushOptions fo = new org.rocksdb.FlushOptions().setWaitForFlush(true)) {
            db.flush(fo, new ArrayList<>(families.values()));
        } catch (RocksDBException e) {
            throw new PageStoreException("cannot flush " + directory + ": " + e.getMessage(), e);
        }
    }

    /**
     * Deletes, under {@code prefix} (one key kind of one timeline), every version
     * that a newer version at or below {@code horizon} supersedes: reads at or
     * above the horizon see exactly what they saw before. Works on keys only,
     * nothing is decrypted.
     *
     * @return the number of versions deleted
     */
    public long dropSupersededVersions(byte[] prefix, Lsn horizon) {
        ColumnFamilyHandle cf = family(prefix);
        long deleted = 0;
        try (ReadOptions order = new ReadOptions().setTotalOrderSeek(true);
             RocksIterator it = db.newIterator(cf, order); WriteBatch batch = new WriteBatch()) {
            byte[] older = null; // the newest version seen so far at or below the horizon, in the current entity
            for (it.seek(prefix); it.isValid() && KeyCodec.hasPrefix(it.key(), prefix); it.next()) {
                byte[] key = it.key();
                if (older != null && !KeyCodec.sameEntity(older, key)) {
                    older = null;
                }
                if (KeyCodec.lsnOf(key).isAfter(horizon)) {
                    continue;
                }
                if (older != null) {
                    batch.delete(cf, older);
                    deleted++;
                    if (batch.count() >= 10_000) {
                        db.write(writeOptions, batch);
                        batch.clear();
                    }
                }
                older = key;
            }
            db.write(writeOptions, batch);
            return deleted;
        } catch (RocksDBException e) {
            throw new PageStoreException("GC of " + KeyCodec.describe(prefix) + " failed: " + e.getMessage(), e);
        }
    }

    /** Compacts every column family so that deleted versions give their space back. */
    public void compact() {
        try {
            for (ColumnFamilyHandle h : families.values()) {
                db.compactRange(h);
            }
        } catch (RocksDBException e) {
            throw new PageStoreException("compaction of " + directory + " failed: " + e.getMessage(), e);
        }
    }

    /** The bytes RocksDB holds for a key, as stored (sealed): for tools and tests. */
    public byte[] rawGet(byte[] key) {
        try {
            return db.get(family(key), key);
        } catch (RocksDBException e) {
            throw new PageStoreException("cannot read " + KeyCodec.describe(key), e);
        }
    }

    /** Replaces the stored (sealed) bytes of a key as they are: for tools and tests that damage values. */
    public void rawPut(byte[] key, byte[] stored) {
        try {
            db.put(family(key), key, stored);
        } catch (RocksDBException e) {
            throw new PageStoreException("cannot write " + KeyCodec.describe(key), e);
        }
    }

    /** Every key of a family (for tools and tests). */
    public void forEachRaw(KeyKind.Family family, java.util.function.BiConsumer<byte[], byte[]> consumer) {
        try (ReadOptions order = new ReadOptions().setTotalOrderSeek(true);
             RocksIterator it = db.newIterator(families.get(family), order)) {
            for (it.seekToFirst(); it.isValid(); it.next()) {
                consumer.accept(it.key(), it.value());
            }
        }
    }

    private Versioned latest(RocksIterator it, byte[] keyWithLsn) {
        it.seekForPrev(keyWithLsn);
        if (!it.isValid()) {
            return null;
        }
        byte[] key = it.key();
        if (!KeyCodec.sameEntity(key, keyWithLsn)) {
            return null;
        }
        return new Versioned(KeyCodec.lsnOf(key), codec.open(key, it.value()));
    }

    private ColumnFamilyHandle family(byte[] key) {
        return families.get(KeyCodec.kindOf(key).family);
    }

    @Override
    public void close() {
        for (ColumnFamilyHandle h : handles) {
            h.close();
        }
        db.close();
        writeOptions.close();
        cfOptions.forEach(ColumnFamilyOptions::close);
        dbOptions.close();
        blockCache.close();
    }

    /**
     * Forward scans through one iterator per column family, in total order (they cross the page prefix).
     * A bulk scanner reads SST files in large sequential chunks that bypass the block cache, and successive
     * scans in key order reuse what it has read ahead; small listings go through the cache as point reads do.
     */
    public final class Scanner implements AutoCloseable {
        private final ReadOptions options = new ReadOptions().setTotalOrderSeek(true);
        private final Map<KeyKind.Family, RocksIterator> iterators = new EnumMap<>(KeyKind.Family.class);

        private Scanner(boolean bulk) {
            if (bulk) {
                options.setReadaheadSize(SCAN_READAHEAD).setFillCache(false);
            }
        }

        /** See {@link PageStore#scanLatest}. */
        public void scanLatest(byte[] prefix, Lsn lsn, EntityVisitor visitor) {
            RocksIterator it = iterators.computeIfAbsent(KeyCodec.kindOf(prefix).family,
                    f -> db.newIterator(families.get(f), options));
            byte[] candidateKey = null;
            byte[] candidateValue = null;
            byte[] groupKey = null;
            for (it.seek(prefix); it.isValid(); it.next()) {
                byte[] key = it.key();
                if (!KeyCodec.hasPrefix(key, prefix)) {
                    break;
                }
                if (groupKey != null && !KeyCodec.sameEntity(groupKey, key)) {
                    if (candidateKey != null) {
                        visitor.visit(KeyCodec.entityOf(candidateKey), new Versioned(KeyCodec.lsnOf(candidateKey),
                                codec.open(candidateKey, candidateValue)));
                    }
                    candidateKey = null;
                }
                groupKey = key;
                if (KeyCodec.lsnOf(key).compareTo(lsn) <= 0) {
                    candidateKey = key;
                    candidateValue = it.value();
                }
            }
            if (candidateKey != null) {
                visitor.visit(KeyCodec.entityOf(candidateKey), new Versioned(KeyCodec.lsnOf(candidateKey),
                        codec.open(candidateKey, candidateValue)));
            }
        }

        /**
         * Each entity under {@code prefix}, in key order, with its versions at or below {@code lsn} still sealed
         * (oldest first); entities with none are skipped. The history is reused for the next entity once the
         * visitor returns.
         */
        void scanHistories(byte[] prefix, Lsn lsn, HistoryVisitor visitor) {
            RocksIterator it = iterators.computeIfAbsent(KeyCodec.kindOf(prefix).family,
                    f -> db.newIterator(families.get(f), options));
            VersionHistory history = new VersionHistory(codec);
            byte[] groupKey = null;
            for (it.seek(prefix); it.isValid(); it.next()) {
                byte[] key = it.key();
                if (!KeyCodec.hasPrefix(key, prefix)) {
                    break;
                }
                if (groupKey != null && !KeyCodec.sameEntity(groupKey, key) && !history.isEmpty()) {
                    visitor.visit(KeyCodec.entityOf(groupKey), history);
                    history.clear();
                }
                groupKey = key;
                if (KeyCodec.lsnOf(key).compareTo(lsn) <= 0) {
                    history.add(key, it.value());
                }
            }
            if (!history.isEmpty()) {
                visitor.visit(KeyCodec.entityOf(groupKey), history);
            }
        }

        @Override
        public void close() {
            iterators.values().forEach(RocksIterator::close);
            iterators.clear();
            options.close();
        }
    }

    /** Reads with one iterator per column family, reused across calls; for a single thread. */
    public final class Cursor implements VersionSource, AutoCloseable {
        private final Map<KeyKind.Family, RocksIterator> iterators = new EnumMap<>(KeyKind.Family.class);

        @Override
        public Versioned latest(byte[] keyWithLsn) {
            KeyKind.Family f = KeyCodec.kindOf(keyWithLsn).family;
            RocksIterator it = iterators.computeIfAbsent(f, x -> db.newIterator(families.get(x)));
            return PageStore.this.latest(it, keyWithLsn);
        }

        @Override
        public void close() {
            iterators.values().forEach(RocksIterator::close);
            iterators.clear();
        }
    }
}
