package dev.cairn.cli.local;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The pg_dump of every database of a server, by database name, and how a later set differs from it. A later
 * dump must be the same text, except that a sequence may have moved forward (in its direction: a
 * descending sequence goes down): PostgreSQL WAL-logs sequences 32 values ahead, so a compute that starts
 * again (suspend and wake, crash, a branch) continues after the logged value, never before the last value
 * handed out.
 */
record DatabaseDumps(SortedMap<String, String> byDatabase) {
    private static final Pattern SETVAL = Pattern.compile("^SELECT pg_catalog\\.setval\\('(.+)', (-?\\d+), (true|false)\\);$");
    /** pg_dump 15.14+ fences its output with psql restrict and unrestrict commands and a random key, new each time. */
    private static final Pattern RESTRICT = Pattern.compile("^\\\\(un)?restrict \\S+$");
    private static final int SHOWN = 10;
    /** A sequence's definition, CREATE SEQUENCE or an identity column's, up to its INCREMENT BY line. */
    private static final Pattern DEFINITION = Pattern.compile(
            "(?m)^(?:CREATE SEQUENCE |    SEQUENCE NAME )(\\S+)\n(?:    (?!INCREMENT BY ).*\n)*    INCREMENT BY (-?\\d+)$");

    DatabaseDumps {
        byDatabase = new TreeMap<>(byDatabase);
    }

    static DatabaseDumps of(Map<String, String> byDatabase) {
        return new DatabaseDumps(new TreeMap<>(byDatabase));
    }

    /** Every way {@code after} differs from these dumps beyond sequences moving forward; empty when none. */
    List<String> differencesIn(DatabaseDumps after) {
        List<String> found = new ArrayList<>();
        if (!byDatabase.keySet().equals(after.byDatabase.keySet())) {
            found.add("databases " + byDatabase.keySet() + " became " + after.byDatabase.keySet());
        }
        byDatabase.forEach((db, dump) -> {
            String later = after.byDatabase.get(db);
            if (later != null) {
                found.addAll(differences(db, dump, later));
            }
        });
        return found;
    }

    private static List<String> differences(String db, String before, String after) {
        Set<String> descending = descendingSequences(before);
        List<String> a = lines(before);
        List<String> b = lines(after);
        List<String> found = new ArrayList<>();
        int common = Math.min(a.size(), b.size());
        for (int i = 0; i < common && found.size() < SHOWN; i++) {
            if (!a.get(i).equals(b.get(i)) && !sequenceMovedForward(a.get(i), b.get(i), descending)) {
                found.add(db + " line " + (i + 1) + ": '" + a.get(i) + "' became '" + b.get(i) + "'");
            }
        }
        if (a.size() != b.size()) {
            found.add(db + ": " + a.size() + " lines became " + b.size() + (found.isEmpty()
                    ? "; first extra line: '" + (a.size() > b.size() ? a : b).get(common) + "'" : ""));
        }
        return found;
    }

    /** Both lines set the same sequence, {@code after} no earlier in its direction than {@code before}. */
    static boolean sequenceMovedForward(String before, String after, Set<String> descending) {
        Matcher x = SETVAL.matcher(before);
        Matcher y = SETVAL.matcher(after);
        if (!x.matches() || !y.matches() || !x.group(1).equals(y.group(1))) {
            return false;
        }
        int moved = new BigInteger(y.group(2)).compareTo(new BigInteger(x.group(2)));
        return descending.contains(x.group(1)) ? moved <= 0 : moved >= 0;
    }

    /** The sequences of a dump whose INCREMENT BY is negative, by the name setval gives them. */
    static Set<String> descendingSequences(String dump) {
        Set<String> names = new HashSet<>();
        Matcher m = DEFINITION.matcher(dump);
        while (m.find()) {
            if (m.group(2).startsWith("-")) {
                names.add(m.group(1));
            }
        }
        return names;
    }

    private static List<String> lines(String dump) {
        return dump.lines().filter(l -> !RESTRICT.matcher(l).matches()).toList();
    }
}
