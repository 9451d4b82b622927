package dev.cairn.cli.keys;

/** Exit codes of {@code cairn keys}. */
final class KeysExitCodes {
    static final int OK = 0;
    /** The operation ran but found problems (e.g. {@code verify} failures). */
    static final int FAILED = 1;
    /** Bad arguments or data directory. */
    static final int USAGE = 2;
    static final int UNKNOWN_TENANT = 3;
    /** The tenant's keys are revoked, or the KMS refuses the CMK. */
    static final int REVOKED = 4;
    /** The KMS could not be reached (retry later). */
    static final int KMS_UNAVAILABLE = 5;
    /** A keyring or wrapped key is corrupt or failed authentication. */
    static final int CORRUPT = 6;

    static final String[] DESCRIPTION = {
            "0:success", "1:the operation found problems (e.g. verify failures)", "2:bad arguments or data directory",
            "3:unknown tenant", "4:keys revoked / KMS refuses the CMK", "5:KMS unreachable",
            "6:corrupt keyring or wrapped key"};

    private KeysExitCodes() {
    }
}
