package dev.cairn.pgformat.control;

import dev.cairn.common.Lsn;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * The contents of {@code global/pg_control} (ControlFileData). The crc member
 * is not held: it is derived from the other fields, checked by
 * {@link ControlFileCodec#decode} and recomputed by {@link ControlFileCodec#encode}.
 * Unsigned 32-bit members are longs in 0..2^32-1; times are seconds since 1970.
 */
public record ControlFile(long systemIdentifier, int pgControlVersion, long catalogVersionNo, DbState state,
                          long time, Lsn checkPoint, CheckPoint checkPointCopy, Lsn unloggedLsn,
                          Lsn minRecoveryPoint, long minRecoveryPointTli, Lsn backupStartPoint,
                          Lsn backupEndPoint, boolean backupEndRequired, ParameterSettings settings,
                          BuildParameters build, long dataChecksumVersion, byte[] mockAuthenticationNonce) {

    public ControlFile {
        CheckPoint.requireU32("catalog_version_no", catalogVersionNo);
        CheckPoint.requireU32("minRecoveryPointTLI", minRecoveryPointTli);
        CheckPoint.requireU32("data_checksum_version", dataChecksumVersion);
        if (mockAuthenticationNonce.length != ControlFileLayout.NONCE_LENGTH) {
            throw new IllegalArgumentException("mock_authentication_nonce must be " + ControlFileLayout.NONCE_LENGTH
                    + " bytes, got " + mockAuthenticationNonce.length);
        }
        mockAuthenticationNonce = mockAuthenticationNonce.clone();
    }

    @Override
    public byte[] mockAuthenticationNonce() {
        return mockAuthenticationNonce.clone();
    }

    /** Whether data pages carry checksums. */
    public boolean dataChecksumsEnabled() {
        return dataChecksumVersion != 0;
    }

    /**
     * The control file of a cluster that was shut down cleanly with its last
     * checkpoint record at {@code location} — what pg_resetwal writes, and what
     * a server needs to start at that point without recovery: the state is
     * DB_SHUTDOWNED, the checkpoint copy is {@code checkpoint} (whose redo must
     * equal {@code location}, as for every shutdown checkpoint), and no
     * recovery or backup end point remains.
     */
    public ControlFile withShutdownCheckpoint(Lsn location, CheckPoint checkpoint, long now) {
        if (!checkpoint.redo().equals(location)) {
            throw new IllegalArgumentException("a shutdown checkpoint's redo (" + checkpoint.redo()
                    + ") must equal its location (" + location + ")");
        }
        return new ControlFile(systemIdentifier, pgControlVersion, catalogVersionNo, DbState.SHUTDOWNED, now,
                location, checkpoint, unloggedLsn, Lsn.INVALID, 0, Lsn.INVALID, Lsn.INVALID, false,
                settings, build, dataChecksumVersion, mockAuthenticationNonce);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ControlFile c
                && systemIdentifier == c.systemIdentifier && pgControlVersion == c.pgControlVersion
                && catalogVersionNo == c.catalogVersionNo && state == c.state && time == c.time
                && checkPoint.equals(c.checkPoint) && checkPointCopy.equals(c.checkPointCopy)
                && unloggedLsn.equals(c.unloggedLsn) && minRecoveryPoint.equals(c.minRecoveryPoint)
                && minRecoveryPointTli == c.minRecoveryPointTli && backupStartPoint.equals(c.backupStartPoint)
                && backupEndPoint.equals(c.backupEndPoint) && backupEndRequired == c.backupEndRequired
                && settings.equals(c.settings) && build.equals(c.build)
                && dataChecksumVersion == c.dataChecksumVersion
                && Arrays.equals(mockAuthenticationNonce, c.mockAuthenticationNonce);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(systemIdentifier) * 31 + checkPoint.hashCode() * 17 + Arrays.hashCode(mockAuthenticationNonce);
    }

    @Override
    public String toString() {
        return "ControlFile[systemIdentifier=" + Long.toUnsignedString(systemIdentifier)
                + ", pgControlVersion=" + pgControlVersion + ", catalogVersionNo=" + catalogVersionNo
                + ", state=" + state + ", time=" + time + ", checkPoint=" + checkPoint
                + ", checkPointCopy=" + checkPointCopy + ", unloggedLsn=" + unloggedLsn
                + ", minRecoveryPoint=" + minRecoveryPoint + ", minRecoveryPointTli=" + minRecoveryPointTli
                + ", backupStartPoint=" + backupStartPoint + ", backupEndPoint=" + backupEndPoint
                + ", backupEndRequired=" + backupEndRequired + ", settings=" + settings + ", build=" + build
                + ", dataChecksumVersion=" + dataChecksumVersion
                + ", mockAuthenticationNonce=" + HexFormat.of().formatHex(mockAuthenticationNonce) + "]";
    }
}
