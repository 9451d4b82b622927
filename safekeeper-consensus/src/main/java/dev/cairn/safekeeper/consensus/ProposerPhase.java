package dev.cairn.safekeeper.consensus;

public enum ProposerPhase {
    /** Not campaigning: before the first campaign, or after losing one. */
    IDLE,
    CAMPAIGNING,
    /** Won its term: recovers acceptors, streams WAL, advances the commit LSN. */
    LEADING,
    /** Saw a newer term while leading. Terminal: its compute must never get another commit acknowledged. */
    FENCED
}
