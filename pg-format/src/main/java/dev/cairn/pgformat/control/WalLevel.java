package dev.cairn.pgformat.control;

/** The wal_level setting as stored in pg_control (WalLevel in xlog.h). */
public enum WalLevel {
    MINIMAL(0), REPLICA(1), LOGICAL(2);

    public final int code;

    WalLevel(int code) {
        this.code = code;
    }

    /** The setting's name as in postgresql.conf and pg_controldata, e.g. {@code replica}. */
    public String settingName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** The level for a stored code, or null if the code is unknown. */
    public static WalLevel forCode(int code) {
        for (WalLevel l : values()) {
            if (l.code == code) {
                return l;
            }
        }
        return null;
    }
}
