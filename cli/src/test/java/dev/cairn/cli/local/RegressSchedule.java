package dev.cairn.cli.local;

import java.util.ArrayList;
import java.util.List;

/**
 * A pg_regress schedule cut in two at a "test:" line near its middle (counted in tests), so that a run can
 * stop half way, note the LSN, and go on with the rest in the same database ({@code --use-existing}). The
 * tests keep their order and groups, so both halves together run exactly what the whole schedule runs.
 */
record RegressSchedule(List<String> first, List<String> second) {

    static RegressSchedule split(List<String> schedule) {
        int total = schedule.stream().mapToInt(RegressSchedule::testsOn).sum();
        if (total < 2) {
            throw new IllegalArgumentException("a schedule of " + total + " tests cannot be split in two");
        }
        List<String> first = new ArrayList<>();
        int seen = 0;
        int i = 0;
        while (i < schedule.size() && seen < total / 2) {
            seen += testsOn(schedule.get(i));
            first.add(schedule.get(i++));
        }
        return new RegressSchedule(List.copyOf(first), List.copyOf(schedule.subList(i, schedule.size())));
    }

    /** The number of tests a schedule line starts: "test: a b c" starts 3; comments and blank lines none. */
    static int testsOn(String line) {
        String l = line.strip();
        if (!l.startsWith("test:")) {
            return 0;
        }
        String names = l.substring("test:".length()).strip();
        return names.isEmpty() ? 0 : names.split("\\s+").length;
    }
}
