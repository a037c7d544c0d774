package dev.replicaware.testkit;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Locale;

/**
 * Starts a testkit cluster, writes a row on the primary, shows where it arrived, and stops. The README's first command
 * runs this until the demo exists: {@code --engine postgresql|mariadb}, {@code --replicas N}.
 */
public final class ClusterMain {
    private ClusterMain() {}

    public static void main(String[] args) throws Exception {
        String engine = "postgresql";
        int replicas = 2;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--engine" -> engine = args[++i].toLowerCase(Locale.ROOT);
                case "--replicas" -> replicas = Integer.parseInt(args[++i]);
                default -> {
                    System.err.println("usage: ClusterMain [--engine postgresql|mariadb] [--replicas 0..4]");
                    System.exit(2);
                }
            }
        }
        long t0 = System.nanoTime();
        try (ReplicatedCluster cluster = switch (engine) {
            case "postgresql", "postgres" -> PostgresCluster.builder().replicas(replicas).start();
            case "mariadb" -> MariaDbCluster.builder().replicas(replicas).start();
            default -> throw new IllegalArgumentException("--engine must be postgresql or mariadb, but was " + engine);
        }) {
            System.out.printf("Started a %s cluster of %d nodes in %d ms%n", cluster.engine(), cluster.nodes().size(),
                    (System.nanoTime() - t0) / 1_000_000);
            try (Connection c = cluster.connectApp(cluster.primary()); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE demo(id INT PRIMARY KEY, note VARCHAR(40))");
                s.execute("INSERT INTO demo VALUES (1, 'written on the primary')");
            }
            cluster.waitForReplication(Duration.ofSeconds(30));
            System.out.printf("%-10s %-7s %-6s %-8s %s%n", "node", "port", "pid", "role", "row 1 reads");
            for (ClusterNode n : cluster.nodes()) {
                System.out.printf("%-10s %-7d %-6d %-8s %s%n", n.name(), n.port(), n.pid(), role(cluster, n), readRow(cluster, n));
            }
        }
        System.out.println("Cluster stopped and its data deleted.");
    }

    private static String role(ReplicatedCluster cluster, ClusterNode n) throws SQLException {
        String sql = cluster.engine() == ReplicatedCluster.Engine.POSTGRESQL
                ? "SELECT CASE WHEN pg_is_in_recovery() THEN 'replica' ELSE 'primary' END"
                : "SELECT IF(@@read_only, 'replica', 'primary')";
        try (Connection c = cluster.connectAdmin(n); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static String readRow(ReplicatedCluster cluster, ClusterNode n) throws SQLException {
        try (Connection c = cluster.connectApp(n); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT note FROM demo WHERE id = 1")) {
            return rs.next() ? rs.getString(1) : "(missing)";
        }
    }
}
