package dev.cairn.safekeeper.client;

/** A safekeeper the proposer talks to: its id in the quorum and host:port. */
public record AcceptorAddress(int id, String host, int port) {
    /** Parses {@code host:port}. */
    public static AcceptorAddress parse(int id, String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("expected HOST:PORT, got " + hostPort);
        }
        return new AcceptorAddress(id, hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)));
    }
}
