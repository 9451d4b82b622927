package dev.cairn.safekeeper.consensus;

import java.util.List;

/**
 * The outcome of handing the acceptor one input: storage actions to apply in order, then the reply to
 * send (none for an append, whose answer comes from the next group-commit {@link Acceptor#flush()}).
 */
public record Step(List<StorageAction> actions, AcceptorMessage reply) {
    public static final Step NOTHING = new Step(List.of(), null);

    public Step {
        actions = List.copyOf(actions);
    }

    public static Step reply(AcceptorMessage reply) {
        return new Step(List.of(), reply);
    }

    public boolean isEmpty() {
        return actions.isEmpty() && reply == null;
    }
}
