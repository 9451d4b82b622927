package dev.cairn.cli.local;

import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What one pg_regress or pg_isolation_regress run reported (its summary on stdout): how many tests ran and
 * which of them did not pass (failed, or failed and ignored).
 */
record RegressionSummary(int tests, Set<String> failed) {
    // "test name   ... ok   12 ms", "     name   ... FAILED (test process exited with exit code 2)   15 ms",
    // "     name   ... failed (ignored)   3 ms": the first word of a serial test, five spaces in a parallel group
    private static final Pattern RESULT = Pattern.compile("^(?:test | {5})(\\S+)\\s+\\.\\.\\. (ok|FAILED|failed \\(ignored\\))(?:\\s|$)");
    private static final Pattern TOTAL = Pattern.compile("(?:All (\\d+) tests passed|of (\\d+) tests (?:failed|passed))");

    RegressionSummary {
        failed = Set.copyOf(new TreeSet<>(failed));
    }

    static RegressionSummary parse(String regressionOut) {
        int results = 0;
        Set<String> failed = new TreeSet<>();
        Integer total = null;
        for (String line : regressionOut.split("\n")) {
            Matcher m = RESULT.matcher(line);
            if (m.find()) {
                results++;
                if (!m.group(2).equals("ok")) {
                    failed.add(m.group(1));
                }
                continue;
            }
            Matcher t = TOTAL.matcher(line);
            if (t.find()) {
                total = Integer.parseInt(t.group(1) != null ? t.group(1) : t.group(2));
            }
        }
        if (total == null) {
            throw new IllegalArgumentException("no summary line (\"All N tests passed\" or \"M of N tests failed\") in:\n" + regressionOut);
        }
        if (total != results) {
            throw new IllegalArgumentException("summary says " + total + " tests but " + results + " results were read from:\n"
                    + regressionOut);
        }
        return new RegressionSummary(total, failed);
    }

    int passed() {
        return tests - failed.size();
    }

    /** The two halves of a split schedule as one run. */
    RegressionSummary plus(RegressionSummary other) {
        Set<String> both = new TreeSet<>(failed);
        both.addAll(other.failed);
        return new RegressionSummary(tests + other.tests, both);
    }
}
