package dev.replicaware.benchmarks;

import dev.replicaware.testkit.ClusterNode;
import dev.replicaware.testkit.MariaDbCluster;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * Prints, for each contender, the statements each MariaDB node received from the application user for one read-only
 * and one write transaction, from the servers' general log: where the round trips counted by {@link EndToEnd} come from.
 * Run as {@code EndToEndMariaDb} with {@code -Dtrace=true}.
 */
final class StatementTrace {
    private StatementTrace() {
    }

    static void run(MariaDbCluster c, List<EndToEnd.Entry> entries) throws Exception {
        try (Connection seed = c.connectApp(c.primary())) {
            MixedWorkload.seed(seed, 100);
        }
        c.waitForReplication(java.time.Duration.ofSeconds(60));
        for (EndToEnd.Entry e : entries) {
            EndToEnd.Contender contender = e.setup().open();
            try (MixedWorkload w = new MixedWorkload(contender.writes(), contender.reads(), 0, 100, "@@port")) {
                w.nextId.set(2_000_000_000L + entries.indexOf(e) * 1000L);
                for (int i = 0; i < 10; i++) { // every pool connected, every driver's caches warm
                    w.read();
                    w.write();
                }
                System.out.println("== " + e.name() + ": one read-only transaction");
                trace(c, w::read);
                System.out.println("== " + e.name() + ": one write transaction");
                trace(c, w::write);
            } finally {
                for (AutoCloseable a : contender.resources()) {
                    a.close();
                }
            }
        }
    }

    private interface Transaction {
        void run() throws SQLException;
    }

    private static void trace(MariaDbCluster c, Transaction tx) throws SQLException {
        for (ClusterNode n : c.nodes()) {
            try (Connection admin = c.connectAdmin(n); Statement s = admin.createStatement()) {
                s.execute("SET GLOBAL log_output = 'TABLE'");
                s.execute("SET GLOBAL general_log = 0");
                s.execute("TRUNCATE TABLE mysql.general_log");
                s.execute("SET GLOBAL general_log = 1");
            }
        }
        tx.run();
        for (ClusterNode n : c.nodes()) {
            try (Connection admin = c.connectAdmin(n)) {
                try (Statement s = admin.createStatement()) {
                    s.execute("SET GLOBAL general_log = 0");
                }
                try (PreparedStatement ps = admin.prepareStatement("SELECT thread_id, command_type, CONVERT(argument USING utf8mb4) "
                        + "FROM mysql.general_log WHERE user_host LIKE ? ORDER BY event_time")) {
                    ps.setString(1, c.app().username() + "[%");
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            System.out.printf("   %-9s thread %-5d %-8s %s%n", n.name(), rs.getLong(1), rs.getString(2), rs.getString(3));
                        }
                    }
                }
            }
        }
    }
}
