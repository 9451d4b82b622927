package dev.cairn.pgformat.control;

import dev.cairn.common.AtomicFile;

import dev.cairn.common.Lsn;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32C;

/**
 * Reads and writes {@code global/pg_control}: the ControlFileData struct in the
 * layout its pg_control_version names, followed by its CRC-32C (over every
 * byte before the crc member), zero-padded to 8192 bytes.
 */
public final class ControlFileCodec {
    private ControlFileCodec() {
    }

    /** Where pg_control lives inside a data directory. */
    public static final String RELATIVE_PATH = "global/pg_control";

    /** Decodes pg_control bytes; {@code origin} names them in errors (usually the file path). */
    public static ControlFile decode(byte[] bytes, String origin) {
        if (bytes.length < ControlFileLayout.controlVersionOffset() + 4) {
            throw new ControlFileException(origin, ControlFileException.Reason.TRUNCATED,
                    "only " + bytes.length + " bytes, not even pg_control_version is present");
        }
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int version = b.getInt(ControlFileLayout.controlVersionOffset());
        ControlFileLayout layout = ControlFileLayout.forControlVersion(version);
        if (layout == null) {
            throw new ControlFileException(origin, ControlFileException.Reason.UNSUPPORTED_VERSION,
                    "pg_control_version " + Integer.toUnsignedString(version) + " is not supported (known: 1300)");
        }
        int crcOffset = layout.offset(ControlField.CRC);
        if (bytes.length < crcOffset + 4) {
            throw new ControlFileException(origin, ControlFileException.Reason.TRUNCATED,
                    "only " + bytes.length + " bytes, the struct of pg_control_version " + version + " needs "
                            + (crcOffset + 4));
        }
        int stored = b.getInt(crcOffset);
        int computed = crc(bytes, layout.crcCoveredLength());
        if (stored != computed) {
            throw new ControlFileException(origin, ControlFileException.Reason.CRC_MISMATCH,
                    String.format("stored CRC %08x, computed %08x", stored, computed));
        }
        return fields(b, layout, origin);
    }

    /** Encodes a full pg_control file (PG_CONTROL_FILE_SIZE bytes) in the layout of its pg_control_version. */
    public static byte[] encode(ControlFile cf) {
        ControlFileLayout layout = ControlFileLayout.forControlVersion(cf.pgControlVersion());
        if (layout == null) {
            throw new IllegalArgumentException("no layout for pg_control_version " + cf.pgControlVersion());
        }
        byte[] out = new byte[ControlFileLayout.FILE_SIZE];
        ByteBuffer b = ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(layout.offset(ControlField.SYSTEM_IDENTIFIER), cf.systemIdentifier());
        b.putInt(layout.offset(ControlField.PG_CONTROL_VERSION), cf.pgControlVersion());
        b.putInt(layout.offset(ControlField.CATALOG_VERSION_NO), (int) cf.catalogVersionNo());
        b.putInt(layout.offset(ControlField.STATE), cf.state().code);
        b.putLong(layout.offset(ControlField.TIME), cf.time());
        b.putLong(layout.offset(ControlField.CHECKPOINT), cf.checkPoint().value());
        cf.checkPointCopy().write(b.position(layout.offset(ControlField.CHECKPOINT_COPY)));
        b.putLong(layout.offset(ControlField.UNLOGGED_LSN), cf.unloggedLsn().value());
        b.putLong(layout.offset(ControlField.MIN_RECOVERY_POINT), cf.minRecoveryPoint().value());
        b.putInt(layout.offset(ControlField.MIN_RECOVERY_POINT_TLI), (int) cf.minRecoveryPointTli());
        b.putLong(layout.offset(ControlField.BACKUP_START_POINT), cf.backupStartPoint().value());
        b.putLong(layout.offset(ControlField.BACKUP_END_POINT), cf.backupEndPoint().value());
        putBool(b, layout.offset(ControlField.BACKUP_END_REQUIRED), cf.backupEndRequired());

        ParameterSettings s = cf.settings();
        b.putInt(layout.offset(ControlField.WAL_LEVEL), s.walLevel().code);
        putBool(b, layout.offset(ControlField.WAL_LOG_HINTS), s.walLogHints());
        b.putInt(layout.offset(ControlField.MAX_CONNECTIONS), s.maxConnections());
        b.putInt(layout.offset(ControlField.MAX_WORKER_PROCESSES), s.maxWorkerProcesses());
        b.putInt(layout.offset(ControlField.MAX_WAL_SENDERS), s.maxWalSenders());
        b.putInt(layout.offset(ControlField.MAX_PREPARED_XACTS), s.maxPreparedXacts());
        b.putInt(layout.offset(ControlField.MAX_LOCKS_PER_XACT), s.maxLocksPerXact());
        putBool(b, layout.offset(ControlField.TRACK_COMMIT_TIMESTAMP), s.trackCommitTimestamp());

        BuildParameters p = cf.build();
        b.putInt(layout.offset(ControlField.MAX_ALIGN), p.maxAlign());
        b.putDouble(layout.offset(ControlField.FLOAT_FORMAT), p.floatFormat());
        b.putInt(layout.offset(ControlField.BLCKSZ), p.blcksz());
        b.putInt(layout.offset(ControlField.RELSEG_SIZE), p.relsegSize());
        b.putInt(layout.offset(ControlField.XLOG_BLCKSZ), p.xlogBlcksz());
        b.putInt(layout.offset(ControlField.XLOG_SEG_SIZE), p.xlogSegSize());
        b.putInt(layout.offset(ControlField.NAME_DATA_LEN), p.nameDataLen());
        b.putInt(layout.offset(ControlField.INDEX_MAX_KEYS), p.indexMaxKeys());
        b.putInt(layout.offset(ControlField.TOAST_MAX_CHUNK_SIZE), p.toastMaxChunkSize());
        b.putInt(layout.offset(ControlField.LOBLKSIZE), p.loblksize());
        putBool(b, layout.offset(ControlField.FLOAT8_BY_VAL), p.float8ByVal());

        b.putInt(layout.offset(ControlField.DATA_CHECKSUM_VERSION), (int) cf.dataChecksumVersion());
        b.put(layout.offset(ControlField.MOCK_AUTHENTICATION_NONCE), cf.mockAuthenticationNonce());
        b.putInt(layout.offset(ControlField.CRC), crc(out, layout.crcCoveredLength()));
        return out;
    }

    /** Reads and decodes a pg_control file. */
    public static ControlFile read(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new ControlFileException(file.toString(), ControlFileException.Reason.IO, "cannot read: " + e, e);
        }
        return decode(bytes, file.toString());
    }

    /** Reads {@code global/pg_control} of a data directory. */
    public static ControlFile readFromDataDirectory(Path dataDir) {
        return read(dataDir.resolve(RELATIVE_PATH));
    }

    /**
     * Writes a pg_control file, replacing the old one atomically (a torn
     * pg_control would make the cluster unstartable). The new file's owner is
     * the writing process; callers running as another user than the server re-own it.
     */
    public static void write(Path file, ControlFile cf) {
        try {
            AtomicFile.write(file, encode(cf));
        } catch (IOException e) {
            throw new ControlFileException(file.toString(), ControlFileException.Reason.IO, "cannot write: " + e, e);
        }
    }

    /** CRC-32C as PostgreSQL computes it (INIT_CRC32C/FIN_CRC32C are Java's CRC32C start and finish). */
    static int crc(byte[] bytes, int length) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, length);
        return (int) crc.getValue();
    }

    private static ControlFile fields(ByteBuffer b, ControlFileLayout layout, String origin) {
        int stateCode = b.getInt(layout.offset(ControlField.STATE));
        DbState state = DbState.forCode(stateCode);
        if (state == null) {
            throw new ControlFileException(origin, ControlFileException.Reason.BAD_VALUE, "unknown state " + stateCode);
        }
        int walLevelCode = b.getInt(layout.offset(ControlField.WAL_LEVEL));
        WalLevel walLevel = WalLevel.forCode(walLevelCode);
        if (walLevel == null) {
            throw new ControlFileException(origin, ControlFileException.Reason.BAD_VALUE,
                    "unknown wal_level " + walLevelCode);
        }
        CheckPoint checkPointCopy = CheckPoint.read(b.position(layout.offset(ControlField.CHECKPOINT_COPY)));
        ParameterSettings settings = new ParameterSettings(walLevel,
                bool(b, layout, ControlField.WAL_LOG_HINTS),
                b.getInt(layout.offset(ControlField.MAX_CONNECTIONS)),
                b.getInt(layout.offset(ControlField.MAX_WORKER_PROCESSES)),
                b.getInt(layout.offset(ControlField.MAX_WAL_SENDERS)),
                b.getInt(layout.offset(ControlField.MAX_PREPARED_XACTS)),
                b.getInt(layout.offset(ControlField.MAX_LOCKS_PER_XACT)),
                bool(b, layout, ControlField.TRACK_COMMIT_TIMESTAMP));
        BuildParameters build = new BuildParameters(
                b.getInt(layout.offset(ControlField.MAX_ALIGN)),
                b.getDouble(layout.offset(ControlField.FLOAT_FORMAT)),
                b.getInt(layout.offset(ControlField.BLCKSZ)),
                b.getInt(layout.offset(ControlField.RELSEG_SIZE)),
                b.getInt(layout.offset(ControlField.XLOG_BLCKSZ)),
                b.getInt(layout.offset(ControlField.XLOG_SEG_SIZE)),
                b.getInt(layout.offset(ControlField.NAME_DATA_LEN)),
                b.getInt(layout.offset(ControlField.INDEX_MAX_KEYS)),
                b.getInt(layout.offset(ControlField.TOAST_MAX_CHUNK_SIZE)),
                b.getInt(layout.offset(ControlField.LOBLKSIZE)),
                bool(b, layout, ControlField.FLOAT8_BY_VAL));
        byte[] nonce = new byte[ControlFileLayout.NONCE_LENGTH];
        b.get(layout.offset(ControlField.MOCK_AUTHENTICATION_NONCE), nonce);
        return new ControlFile(
                b.getLong(layout.offset(ControlField.SYSTEM_IDENTIFIER)),
                b.getInt(layout.offset(ControlField.PG_CONTROL_VERSION)),
                u32(b, layout, ControlField.CATALOG_VERSION_NO),
                state,
                b.getLong(layout.offset(ControlField.TIME)),
                lsn(b, layout, ControlField.CHECKPOINT),
                checkPointCopy,
                lsn(b, layout, ControlField.UNLOGGED_LSN),
                lsn(b, layout, ControlField.MIN_RECOVERY_POINT),
                u32(b, layout, ControlField.MIN_RECOVERY_POINT_TLI),
                lsn(b, layout, ControlField.BACKUP_START_POINT),
                lsn(b, layout, ControlField.BACKUP_END_POINT),
                bool(b, layout, ControlField.BACKUP_END_REQUIRED),
                settings, build,
                u32(b, layout, ControlField.DATA_CHECKSUM_VERSION),
                nonce);
    }

    private static Lsn lsn(ByteBuffer b, ControlFileLayout layout, ControlField f) {
        return Lsn.of(b.getLong(layout.offset(f)));
    }

    private static long u32(ByteBuffer b, ControlFileLayout layout, ControlField f) {
        return Integer.toUnsignedLong(b.getInt(layout.offset(f)));
    }

    private static boolean bool(ByteBuffer b, ControlFileLayout layout, ControlField f) {
        return b.get(layout.offset(f)) != 0;
    }

    private static void putBool(ByteBuffer b, int offset, boolean v) {
        b.put(offset, (byte) (v ? 1 : 0));
    }
}
