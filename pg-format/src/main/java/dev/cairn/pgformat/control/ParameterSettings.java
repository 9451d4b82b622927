package dev.cairn.pgformat.control;

/**
 * The server settings pg_control records because a standby or WAL consumer
 * must match them (the same set XLOG_PARAMETER_CHANGE carries).
 */
public record ParameterSettings(WalLevel walLevel, boolean walLogHints, int maxConnections,
                                int maxWorkerProcesses, int maxWalSenders, int maxPreparedXacts,
                                int maxLocksPerXact, boolean trackCommitTimestamp) {
}
