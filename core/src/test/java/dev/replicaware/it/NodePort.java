package dev.replicaware.it;

import dev.replicaware.testkit.ClusterNode;
import dev.replicaware.testkit.ReplicatedCluster;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

/**
 * The port of the node that runs a read, as a scalar subquery over a relation named {@code node_port}. A direct read
 * of it ({@code inet_server_port()}, {@code @@port}) names the node, so the autocommit-read classifier sends it to the
 * primary; a relation hides it from the classifier (its documented limit), so routing tests can still ask the server.
 */
final class NodePort {
    private NodePort() {
    }

    /** PostgreSQL: a view, evaluated on the node that reads it; qualified, so that any search_path finds it. */
    static String postgres() {
        return "(SELECT port FROM public.node_port)";
    }

    /** MySQL/MariaDB: a table holding each node's own port; qualified, so that any default database finds it. */
    static String mariaDb(ReplicatedCluster cluster) {
        return "(SELECT port FROM " + cluster.database() + ".node_port)";
    }

    static void createPostgres(ReplicatedCluster cluster) throws SQLException {
        try (Connection c = cluster.connectApp(cluster.primary()); Statement s = c.createStatement()) {
            s.execute("CREATE VIEW public.node_port AS SELECT inet_server_port() AS port");
        }
        cluster.waitForReplication(Duration.ofSeconds(30));
    }

    /**
     * MariaDB refuses a system variable in a view: each node gets its own row, written with the binary log off so that
     * it is not replicated, and with read_only lifted on replicas for that insert (admin's ALL PRIVILEGES lack READ
     * ONLY ADMIN).
     */
    static void createMariaDb(ReplicatedCluster cluster) throws SQLException {
        try (Connection c = cluster.connectApp(cluster.primary()); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE node_port (port INT)");
        }
        cluster.waitForReplication(Duration.ofSeconds(30));
        for (ClusterNode node : cluster.nodes()) {
            boolean replica = !node.name().equals(cluster.primary().name());
            try (Connection c = cluster.connectAdmin(node); Statement s = c.createStatement()) {
                s.execute("SET SESSION sql_log_bin = 0");
                if (replica) {
                    s.execute("SET GLOBAL read_only = OFF");
                }
                try {
                    s.execute("INSERT INTO " + cluster.database() + ".node_port VALUES (@@port)");
                } finally {
                    if (replica) {
                        s.execute("SET GLOBAL read_only = ON");
                    }
                }
            }
        }
    }
}
