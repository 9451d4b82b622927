package dev.cairn.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * A separate process holding N database sessions that send nothing, so that the relay's process measures
 * only what the relay does: {@code IdleClients N JDBC_URL PASSWORD}. Prints "open N" once every session
 * has run a query, then holds them until its standard input closes.
 */
public final class IdleClients {
    private IdleClients() {
    }

    public static void main(String[] args) throws Exception {
        int sessions = Integer.parseInt(args[0]);
        List<Connection> open = new ArrayList<>(sessions);
        try {
            for (int i = 0; i < sessions; i++) {
                Connection c = DriverManager.getConnection(args[1], "postgres", args[2]);
                open.add(c);
                try (Statement s = c.createStatement()) {
                    s.execute("select 1");
                }
            }
            System.out.println("open " + open.size());
            System.out.flush();
            while (System.in.read() >= 0) {
                // hold the sessions until the parent closes our standard input
            }
        } finally {
            for (Connection c : open) {
                try {
                    c.close();
                } catch (SQLException ignored) {
                    // the relay is going away too
                }
            }
        }
    }
}
