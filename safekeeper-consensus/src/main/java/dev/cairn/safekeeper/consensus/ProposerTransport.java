package dev.cairn.safekeeper.consensus;

/** Where the proposer's messages go. Delivery may fail silently; the proposer retransmits on ticks. */
@FunctionalInterface
public interface ProposerTransport {
    void send(int acceptor, ProposerMessage message);
}
