package dev.cairn.safekeeper.service;

import dev.cairn.safekeeper.consensus.AcceptorMessage;

/** Where a timeline's replies to one proposer connection go. */
@FunctionalInterface
public interface ReplySink {
    void send(AcceptorMessage message);
}
