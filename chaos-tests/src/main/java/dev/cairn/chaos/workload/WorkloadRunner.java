package dev.cairn.chaos.workload;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.cairn.chaos.history.History;
import dev.cairn.chaos.history.Op;
import dev.cairn.chaos.history.OpType;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs a {@link Workload} with concurrent clients and records every invocation and completion. A client
 * whose operation ended INFO continues under a new process id (Jepsen's rule): the old operation may
 * still take effect at any time, so it stays open forever in the history.
 */
public final class WorkloadRunner {
    /** Opens a connection to the database under test. */
    @FunctionalInterface
    public interface ConnectionFactory {
        Connection open() throws SQLException;
    }

    /** The completion field of an operation the data refused (the database was available). */
    public static final String REFUSED = "refused";
    /** The completion field with the SQLSTATE of a failed operation. */
    public static final String SQLSTATE = "sqlstate";

    private final Workload workload;
    private final ConnectionFactory connections;
    private final History history;
    private final AtomicInteger processes = new AtomicInteger();

    public WorkloadRunner(Workload workload, ConnectionFactory connections, History history) {
        this.workload = workload;
        this.connections = connections;
        this.history = history;
    }

    public Workload workload() {
        return workload;
    }

    public History history() {
        return history;
    }

    /** Creates the schema, retrying while the database wakes or recovers. */
    public void setUp(Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (true) {
            try (Connection c = connections.open()) {
                workload.setUp(c);
                return;
            } catch (SQLException e) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(workload.name() + " set-up failed: " + e.getMessage(), e);
                }
                Thread.sleep(500);
            }
        }
    }

    /** Runs {@code clients} clients for {@code duration}; client i draws from {@code new Random(seed + i)}. */
    public void run(int clients, Duration duration, long seed) throws InterruptedException {
        long end = System.nanoTime() + duration.toNanos();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            Random random = new Random(seed + i);
            threads.add(Thread.ofPlatform().name(workload.name() + "-client-" + i).start(() -> client(random, end)));
        }
        for (Thread t : threads) {
            t.join();
        }
    }

    /** Reads the final state, retrying each read until it succeeds or {@code within} passes. */
    public void finalReads(Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        Connection[] c = {null};
        for (Invocation read : workload.finalReads()) {
            while (perform(processes.getAndIncrement(), read, c) != OpType.OK) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(workload.name() + ": final read did not succeed within " + within);
                }
                Thread.sleep(500);
            }
        }
        close(c);
    }

    private void client(Random random, long end) {
        int process = processes.getAndIncrement();
        long counter = 0;
        Connection[] c = {null};
        while (System.nanoTime() < end) {
            OpType outcome = perform(process, workload.next(random, process, counter++), c);
            if (outcome == OpType.INFO) {
                process = processes.getAndIncrement();
            }
            if (outcome != OpType.OK && c[0] == null) {
                sleep(100); // the database is unreachable: don't spin
            }
        }
        close(c);
    }

    /** One operation, recorded as invoke and completion; {@code c[0]} is the client's connection (or null). */
    private OpType perform(int process, Invocation op, Connection[] c) {
        history.add(new Op(process, OpType.INVOKE, op.function(), op.value(), System.nanoTime()));
        boolean committing = false;
        OpType outcome;
        JsonNode result;
        try {
            if (c[0] == null) {
                c[0] = connections.open();
                c[0].setAutoCommit(false);
            }
            result = workload.execute(c[0], op);
            committing = true;
            c[0].commit();
            outcome = OpType.OK;
        } catch (Workload.Refused e) {
            rollback(c);
            outcome = OpType.FAIL;
            result = JsonNodeFactory.instance.objectNode().put(REFUSED, e.getMessage());
        } catch (SQLException e) {
            outcome = OutcomeClassifier.classify(e, committing, op.function().equals("read"));
            result = error(e.getMessage()).put(SQLSTATE, String.valueOf(e.getSQLState()));
            String state = e.getSQLState();
            if (state == null || state.startsWith("08") || state.startsWith("57") || state.startsWith("XX")) {
                close(c);
            } else {
                rollback(c);
            }
        } catch (RuntimeException e) {
            outcome = committing ? OpType.INFO : OpType.FAIL;
            result = error(e.toString());
            close(c);
        }
        history.add(new Op(process, outcome, op.function(), result, System.nanoTime()));
        return outcome;
    }

    private static com.fasterxml.jackson.databind.node.ObjectNode error(String message) {
        return JsonNodeFactory.instance.objectNode().put("error", message);
    }

    private static void rollback(Connection[] c) {
        try {
            if (c[0] != null) {
                c[0].rollback();
            }
        } catch (SQLException e) {
            close(c);
        }
    }

    private static void close(Connection[] c) {
        if (c[0] != null) {
            try {
                c[0].close();
            } catch (SQLException ignored) {
                // broken anyway
            }
            c[0] = null;
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
