package dev.replicaware.routing;

import com.zaxxer.hikari.HikariPoolMXBean;
import dev.replicaware.topology.Node;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;

/**
 * The failure of a request that waited its node's whole {@code connectionTimeout} for a connection. The pool waits one
 * short slice at a time (the router looks between slices whether the node is still the one to use), so the pool's own
 * "request timed out after 1000ms" tells the slice, not the wait; this says the real wait, the node and the pool's
 * state, with the pool's last failure chained as the cause.
 */
final class PoolWaitTimeout {
    private PoolWaitTimeout() {
    }

    static SQLTransientConnectionException of(String cluster, Node node, long waitedNanos, SQLException last) {
        StringBuilder m = new StringBuilder("Cluster '").append(cluster).append("': no connection of node '").append(node.name())
                .append("' (").append(node.status().role()).append(", ").append(node.status().state())
                .append(") within its connectionTimeout of ").append(node.borrowTimeoutNanos() / 1_000_000).append(" ms")
                .append(" (waited ").append(waitedNanos / 1_000_000).append(" ms); pool ").append(poolState(node));
        Throwable cause = last.getCause();
        if (cause != null && cause.getMessage() != null) {
            m.append("; last connection failure: ").append(dev.replicaware.config.Secrets.maskUrl(cause.getMessage()));
        }
        return new SQLTransientConnectionException(m.toString(), last.getSQLState(), last);
    }

    private static String poolState(Node node) {
        HikariPoolMXBean pool = node.pool().getHikariPoolMXBean();
        if (pool == null) {
            return "not started";
        }
        return "(total=" + pool.getTotalConnections() + ", active=" + pool.getActiveConnections() + ", idle="
                + pool.getIdleConnections() + ", waiting=" + pool.getThreadsAwaitingConnection() + ")";
    }
}
