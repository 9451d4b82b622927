package dev.cairn.safekeeper.consensus;

/** Why an acceptor refused a request. Mirrors {@code Refusal.Reason} in the protocol. */
public enum RefusalReason {
    UNSUPPORTED_VERSION,
    WRONG_TIMELINE,
    MALFORMED,
    TOO_LARGE,
    /** The proposer's term is older than the acceptor's: the proposer is fenced. */
    STALE_TERM,
    /** An append or read in a term whose Elected the acceptor has not accepted. */
    NOT_ELECTED,
    /** An append that does not start at the acceptor's write LSN (gap or rewrite). */
    OUT_OF_ORDER,
    /** Elected with a truncation point computed from stale acceptor state. */
    BAD_TRUNCATION_POINT,
    /** Elected whose truncation point lies below the acceptor's commit LSN: never obeyed. */
    WOULD_TRUNCATE_COMMITTED,
    /** The WAL asked for is not here. */
    UNAVAILABLE,
    /** A message out of the stream's protocol order (e.g. nothing before the greeting). */
    PROTOCOL_ORDER
}
