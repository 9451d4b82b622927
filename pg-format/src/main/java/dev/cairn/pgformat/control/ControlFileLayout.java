package dev.cairn.pgformat.control;

import dev.cairn.pgformat.PgVersion;

import java.util.EnumMap;
import java.util.Map;

/**
 * Byte offsets of ControlFileData's members for one pg_control format, as a
 * 64-bit little-endian build lays the C struct out (8-byte alignment for
 * int64/double/XLogRecPtr, 4 for int/uint32/enum, 1 for bool and char).
 *
 * <p>A new PostgreSQL version with a changed struct gets another table here and
 * an entry in {@link #forControlVersion}; the codec never hard-codes an offset.
 */
public final class ControlFileLayout {
    /** MOCK_AUTH_NONCE_LEN. */
    public static final int NONCE_LENGTH = 32;
    /** PG_CONTROL_FILE_SIZE: the file is this long, zero-padded after the struct. */
    public static final int FILE_SIZE = 8192;

    /** PG_CONTROL_VERSION 1300: PostgreSQL 13, 14, 15 and 16. */
    public static final ControlFileLayout V1300 = new Builder(1300)
            .at(ControlField.SYSTEM_IDENTIFIER, 0)
            .at(ControlField.PG_CONTROL_VERSION, 8)
            .at(ControlField.CATALOG_VERSION_NO, 12)
            .at(ControlField.STATE, 16)               // 4 bytes padding follow: time is 8-aligned
            .at(ControlField.TIME, 24)
            .at(ControlField.CHECKPOINT, 32)
            .at(ControlField.CHECKPOINT_COPY, 40)     // CheckPoint.SIZE = 88 bytes
            .at(ControlField.UNLOGGED_LSN, 128)
            .at(ControlField.MIN_RECOVERY_POINT, 136)
            .at(ControlField.MIN_RECOVERY_POINT_TLI, 144)
            .at(ControlField.BACKUP_START_POINT, 152)
            .at(ControlField.BACKUP_END_POINT, 160)
            .at(ControlField.BACKUP_END_REQUIRED, 168)
            .at(ControlField.WAL_LEVEL, 172)
            .at(ControlField.WAL_LOG_HINTS, 176)
            .at(ControlField.MAX_CONNECTIONS, 180)
            .at(ControlField.MAX_WORKER_PROCESSES, 184)
            .at(ControlField.MAX_WAL_SENDERS, 188)
            .at(ControlField.MAX_PREPARED_XACTS, 192)
            .at(ControlField.MAX_LOCKS_PER_XACT, 196)
            .at(ControlField.TRACK_COMMIT_TIMESTAMP, 200)
            .at(ControlField.MAX_ALIGN, 204)
            .at(ControlField.FLOAT_FORMAT, 208)
            .at(ControlField.BLCKSZ, 216)
            .at(ControlField.RELSEG_SIZE, 220)
            .at(ControlField.XLOG_BLCKSZ, 224)
            .at(ControlField.XLOG_SEG_SIZE, 228)
            .at(ControlField.NAME_DATA_LEN, 232)
            .at(ControlField.INDEX_MAX_KEYS, 236)
            .at(ControlField.TOAST_MAX_CHUNK_SIZE, 240)
            .at(ControlField.LOBLKSIZE, 244)
            .at(ControlField.FLOAT8_BY_VAL, 248)
            .at(ControlField.DATA_CHECKSUM_VERSION, 252)
            .at(ControlField.MOCK_AUTHENTICATION_NONCE, 256)
            .at(ControlField.CRC, 288)
            .build();

    private final int controlVersion;
    private final Map<ControlField, Integer> offsets;

    private ControlFileLayout(int controlVersion, Map<ControlField, Integer> offsets) {
        this.controlVersion = controlVersion;
        this.offsets = offsets;
    }

    /** The layout for a stored pg_control_version, or null if this library does not know it. */
    public static ControlFileLayout forControlVersion(int pgControlVersion) {
        return pgControlVersion == V1300.controlVersion ? V1300 : null;
    }

    /** The layout a given server version writes. */
    public static ControlFileLayout forVersion(PgVersion version) {
        ControlFileLayout layout = forControlVersion(version.controlVersion);
        if (layout == null) {
            throw new IllegalArgumentException("no pg_control layout for " + version);
        }
        return layout;
    }

    /** PG_CONTROL_VERSION of this format. */
    public int controlVersion() {
        return controlVersion;
    }

    public int offset(ControlField field) {
        return offsets.get(field);
    }

    /** Bytes covered by the CRC: everything before the crc member (offsetof(ControlFileData, crc)). */
    public int crcCoveredLength() {
        return offset(ControlField.CRC);
    }

    /** Where pg_control_version sits; the same for every format, so that any version can be recognised. */
    public static int controlVersionOffset() {
        return 8;
    }

    private static final class Builder {
        private final int controlVersion;
        private final EnumMap<ControlField, Integer> offsets = new EnumMap<>(ControlField.class);
        private int last = -1;

        Builder(int controlVersion) {
            this.controlVersion = controlVersion;
        }

        Builder at(ControlField field, int offset) {
            if (offset <= last || offsets.containsKey(field)) {
                throw new IllegalStateException("layout " + controlVersion + ": " + field + " at " + offset
                        + " is out of order or repeated");
            }
            offsets.put(field, offset);
            last = offset;
            return this;
        }

        ControlFileLayout build() {
            if (offsets.size() != ControlField.values().length) {
                throw new IllegalStateException("layout " + controlVersion + " misses fields");
            }
            return new ControlFileLayout(controlVersion, Map.copyOf(offsets));
        }
    }
}
