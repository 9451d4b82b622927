package dev.cairn.pgformat;

/** A relation fork, with the names PostgreSQL uses in file names and pg_waldump output. */
public enum ForkNumber {
    MAIN(0, "main"),
    FSM(1, "fsm"),
    VISIBILITYMAP(2, "vm"),
    INIT(3, "init");

    public final int number;
    public final String pgName;

    ForkNumber(int number, String pgName) {
        this.number = number;
        this.pgName = pgName;
    }

    /** The fork for a number, or null when the number is out of range. */
    public static ForkNumber ofOrNull(int number) {
        return number >= 0 && number < values().length ? values()[number] : null;
    }
}
