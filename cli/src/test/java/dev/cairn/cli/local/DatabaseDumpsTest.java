package dev.cairn.cli.local;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class DatabaseDumpsTest {
    private static final String DUMP = """
            \\restrict abc123
            CREATE TABLE public.t (id integer);
            SELECT pg_catalog.setval('public.t_id_seq', 10, true);
            \\unrestrict abc123
            """;

    @Test
    void sameDumpsAndSequencesMovedForwardAreNoDifference() {
        DatabaseDumps before = DatabaseDumps.of(Map.of("regression", DUMP, "postgres", ""));
        String later = DUMP.replace("10, true", "42, true").replace("abc123", "zzz999");
        assertThat(before.differencesIn(DatabaseDumps.of(Map.of("regression", later, "postgres", "")))).isEmpty();
    }

    @Test
    void aSequenceGoingBackIsADifference() {
        DatabaseDumps before = DatabaseDumps.of(Map.of("regression", DUMP));
        assertThat(before.differencesIn(DatabaseDumps.of(Map.of("regression", DUMP.replace("10, true", "9, true")))))
                .singleElement().asString().contains("regression line 2").contains("t_id_seq', 9");
    }

    @Test
    void changedMissingOrExtraLinesAndDatabasesAreDifferences() {
        DatabaseDumps before = DatabaseDumps.of(Map.of("regression", DUMP, "postgres", ""));
        assertThat(before.differencesIn(DatabaseDumps.of(Map.of("regression", DUMP.replace("integer", "bigint"), "postgres", ""))))
                .singleElement().asString().contains("regression line 1");
        assertThat(before.differencesIn(DatabaseDumps.of(Map.of("regression", DUMP + "INSERT 1;\n", "postgres", ""))))
                .singleElement().asString().contains("2 lines became 3").contains("INSERT 1;");
        assertThat(before.differencesIn(DatabaseDumps.of(Map.of("regression", DUMP))))
                .singleElement().asString().contains("databases [postgres, regression] became [regression]");
    }

    @Test
    void setvalOfAnotherSequenceIsNotAForwardMove() {
        assertThat(DatabaseDumps.sequenceMovedForward("SELECT pg_catalog.setval('public.a', 1, true);",
                "SELECT pg_catalog.setval('public.b', 5, true);", java.util.Set.of())).isFalse();
    }

    @Test
    void aDescendingSequenceMovesForwardDownwards() {
        String dump = """
                CREATE SEQUENCE public.down
                    START WITH -1
                    INCREMENT BY -1
                    MINVALUE -100
                    NO MAXVALUE
                    CACHE 1;
                ALTER TABLE public.t ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
                    SEQUENCE NAME public.t_id_seq
                    START WITH 1
                    INCREMENT BY 2
                    NO MINVALUE
                    CACHE 1
                );
                SELECT pg_catalog.setval('public.down', -1, true);
                SELECT pg_catalog.setval('public.t_id_seq', 3, true);
                """;
        assertThat(DatabaseDumps.descendingSequences(dump)).containsExactly("public.down");
        DatabaseDumps before = DatabaseDumps.of(Map.of("regression", dump));
        assertThat(before.differencesIn(DatabaseDumps.of(Map.of("regression",
                dump.replace("'public.down', -1", "'public.down', -33").replace("t_id_seq', 3", "t_id_seq', 67")))))
                .isEmpty();
        assertThat(before.differencesIn(DatabaseDumps.of(Map.of("regression", dump.replace("'public.down', -1", "'public.down', 5")))))
                .singleElement().asString().contains("public.down', 5");
    }
}
