package dev.cairn.pgformat.control;

/** DBState of pg_control.h, with the words pg_controldata prints for each. */
public enum DbState {
    STARTUP(0, "starting up"),
    SHUTDOWNED(1, "shut down"),
    SHUTDOWNED_IN_RECOVERY(2, "shut down in recovery"),
    SHUTDOWNING(3, "shutting down"),
    IN_CRASH_RECOVERY(4, "in crash recovery"),
    IN_ARCHIVE_RECOVERY(5, "in archive recovery"),
    IN_PRODUCTION(6, "in production");

    /** The value stored in pg_control. */
    public final int code;
    /** pg_controldata's "Database cluster state" text. */
    public final String description;

    DbState(int code, String description) {
        this.code = code;
        this.description = description;
    }

    /** The state for a stored code, or null if the code is unknown. */
    public static DbState forCode(int code) {
        for (DbState s : values()) {
            if (s.code == code) {
                return s;
            }
        }
        return null;
    }
}
