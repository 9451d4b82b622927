package dev.cairn.chaos.nemesis;

/**
 * One injected fault: what, against what, and when it started and was healed (monotonic nanos).
 *
 * @param singleSafekeeper whether only one safekeeper was down or cut off (the availability goal's case)
 */
public record FaultEvent(NemesisClass nemesis, String kind, String target, long startNanos, long endNanos,
                         boolean singleSafekeeper) {
}
