package dev.cairn.safekeeper.consensus.sim;

/** A consensus invariant failed in the simulation; the message names the seed and step to replay. */
public final class InvariantViolation extends RuntimeException {
    InvariantViolation(String message) {
        super(message);
    }
}
