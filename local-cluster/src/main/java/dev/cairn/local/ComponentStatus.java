package dev.cairn.local;

/**
 * What the supervisor knows of one component, as written to state.json.
 *
 * @param state        starting, running, restarting (waiting out the backoff), stopped, failed
 * @param lastExitCode the exit code of its last death, or null
 */
public record ComponentStatus(String name, String state, Long pid, int port, int restarts, Integer lastExitCode,
                              String lastExitAt, String startedAt) {
}
