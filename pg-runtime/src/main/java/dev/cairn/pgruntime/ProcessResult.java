package dev.cairn.pgruntime;

/** Exit code and captured output of a finished child process. */
public record ProcessResult(int exitCode, String stdout, String stderr) {

    public ProcessResult requireSuccess(String what) {
        if (exitCode != 0) {
            throw new PgRuntimeException(what + " failed with exit code " + exitCode
                    + (stderr.isBlank() ? "" : ": " + stderr.strip())
                    + (stdout.isBlank() ? "" : "\nstdout: " + abbreviate(stdout.strip())));
        }
        return this;
    }

    private static String abbreviate(String s) {
        return s.length() <= 4000 ? s : s.substring(0, 4000) + "...";
    }
}
