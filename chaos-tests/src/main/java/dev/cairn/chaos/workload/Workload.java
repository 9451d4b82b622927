package dev.cairn.chaos.workload;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.chaos.checker.Checker;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Random;

/**
 * A Jepsen-style workload over SQL: what clients do and how the history is checked. Every operation runs in
 * one transaction that the {@link WorkloadRunner} commits, so the runner alone decides whether an error means
 * "certainly not applied" or "unknown" ({@link OutcomeClassifier}).
 */
public interface Workload {
    String name();

    /** Creates the tables and initial data; safe to run again. */
    void setUp(Connection c) throws SQLException;

    /** The next operation of a client, drawn from its seeded random source. */
    Invocation next(Random random, int process, long counter);

    /**
     * Performs the operation inside the open transaction (autocommit off) and returns the OK value.
     *
     * @throws Refused        when the operation definitely did nothing (e.g. a failed compare-and-set)
     * @throws SQLException   anything else; the runner classifies it
     */
    JsonNode execute(Connection c, Invocation op) throws SQLException, Refused;

    /** Reads issued once the run is over, so the checker sees the final state of everything. */
    List<Invocation> finalReads();

    Checker checker();

    /** The operation was refused by the data, not by a failure: it had no effect. */
    final class Refused extends Exception {
        public Refused(String why) {
            super(why, null, false, false);
        }
    }
}
