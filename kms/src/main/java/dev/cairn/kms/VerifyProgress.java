package dev.cairn.kms;

/** Told after each key {@link KeyHierarchy#verify} checks, e.g. to draw a progress bar. */
@FunctionalInterface
public interface VerifyProgress {
    VerifyProgress NONE = (done, total) -> { };

    void checked(long done, long total);
}
