package dev.cairn.pgformat.wal;

/** How a full-page image is compressed (wal_compression), from bimg_info bits of PostgreSQL 15. */
public enum ImageCompression {
    NONE("none"),
    PGLZ("pglz"),
    LZ4("lz4"),
    ZSTD("zstd");

    public final String pgName;

    ImageCompression(String pgName) {
        this.pgName = pgName;
    }
}
