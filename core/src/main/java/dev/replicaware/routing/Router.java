package dev.replicaware.routing;

import dev.replicaware.NoReplicaAvailableException;
import dev.replicaware.ReadConsistency;
import dev.replicaware.ReplicaAwareConnection;
import dev.replicaware.config.RoutingConfig;
import dev.replicaware.topology.Node;
import dev.replicaware.topology.Topology;
import dev.replicaware.topology.TopologyHolder;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.util.List;

/**
 * Internal: where the routing decision lives. A logical connection asks it for a physical connection when it first
 * needs the database; the router reads the current topology snapshot once and decides:
 * <ul>
 *   <li>read-write, or read-only with {@link ReadConsistency#PRIMARY}: the primary;</li>
 *   <li>read-only: a replica chosen by the strategy among those not backing off; when one cannot give a connection
 *       (pool timeout, connection error) it is marked failed and the next eligible replica is tried; when none can,
 *       the primary if {@code fallbackToPrimary}, else {@link NoReplicaAvailableException}.</li>
 * </ul>
 * No locks and no allocation on the way to a connection; failures allocate their messages.
 */
public final class Router {
    private final String cluster;
    private final TopologyHolder topology;
    private final ReplicaSelector selector;
    private final boolean fallbackToPrimary;
    private final long backoffNanos;
    private volatile boolean closed;

    public Router(String cluster, TopologyHolder topology, RoutingConfig routing) {
        this(cluster, topology, ReplicaSelector.of(routing.strategy()), routing.fallbackToPrimary(),
                routing.failureBackoff().toNanos());
    }

    Router(String cluster, TopologyHolder topology, ReplicaSelector selector, boolean fallbackToPrimary, long backoffNanos) {
        this.cluster = cluster;
        this.topology = topology;
        this.selector = selector;
        this.fallbackToPrimary = fallbackToPrimary;
        this.backoffNanos = backoffNanos;
    }

    /** A new logical connection; touches no pool. */
    public ReplicaAwareConnection open(ReadConsistency consistency) throws SQLException {
        checkOpen();
        return new LogicalConnection(this, consistency, topology.current().primary().defaultAutoCommit());
    }

    /** From now on every request fails with a "closed" SQLException. */
    public void close() {
        closed = true;
    }

    public boolean isClosed() {
        return closed;
    }

    String cluster() {
        return cluster;
    }

    long backoffNanos() {
        return backoffNanos;
    }

    void checkOpen() throws SQLException {
        if (closed) {
            throw new SQLNonTransientConnectionException("The Replicaware DataSource of cluster '" + cluster
                    + "' is closed; no new connections or statements", "08003");
        }
    }

    /** Borrows a physical connection for {@code connection} and attaches it; throws when no node can serve. */
    void route(LogicalConnection connection, boolean readOnly, ReadConsistency consistency) throws SQLException {
        checkOpen();
        Topology current = topology.current();
        Node primary = current.primary();
        if (!readOnly) {
            connection.attach(primary, borrow(primary));
            primary.countWrite();
            return;
        }
        if (!consistency.allowsReplicas()) {
            connection.attach(primary, borrow(primary));
            primary.countRead();
            return;
        }
        if (routeToReplica(connection, current.replicas())) {
            return;
        }
        connection.attach(primary, borrow(primary));
        primary.countRead();
        primary.countFallback();
    }

    /**
     * Attaches a replica and returns true; returns false when none could serve and the primary should; throws when
     * none could serve and fallback is off.
     */
    private boolean routeToReplica(LogicalConnection connection, List<Node> replicas) throws SQLException {
        int count = replicas.size();
        if (count == 0) {
            if (fallbackToPrimary) {
                return false;
            }
            throw noReplica(replicas, null);
        }
        long now = System.nanoTime();
        long backingOff = 0;
        for (int i = 0; i < count; i++) {
            if (!replicas.get(i).isAvailable(now)) {
                backingOff |= 1L << i;
            }
        }
        long tried = 0;
        SQLException failure = null;
        // First pass skips replicas backing off; with no fallback, a second pass tries them rather than fail untried.
        for (int pass = 0; pass < 2; pass++) {
            long excluded = pass == 0 ? backingOff | tried : tried;
            int index;
            while ((index = selector.select(replicas, excluded)) >= 0) {
                Node replica = replicas.get(index);
                Connection physical;
                try {
                    physical = replica.pool().getConnection();
                } catch (SQLException e) {
                    replica.markFailed(System.nanoTime(), backoffNanos);
                    tried |= 1L << index;
                    excluded |= 1L << index;
                    if (failure == null) {
                        failure = e;
                    } else {
                        failure.addSuppressed(e);
                    }
                    continue;
                }
                connection.attach(replica, physical);
                replica.countRead();
                if (tried != 0) {
                    replica.countFallback();
                }
                return true;
            }
            if (fallbackToPrimary) {
                return false;
            }
            if (backingOff == 0) {
                break;
            }
        }
        throw noReplica(replicas, failure);
    }

    private static Connection borrow(Node node) throws SQLException {
        return node.pool().getConnection();
    }

    private NoReplicaAvailableException noReplica(List<Node> replicas, SQLException failure) {
        StringBuilder why = new StringBuilder("Cluster '").append(cluster)
                .append("': no replica could give a read-only connection and fallbackToPrimary is off");
        if (replicas.isEmpty()) {
            why.append("; the cluster has no replicas");
        } else {
            why.append("; tried ");
            for (int i = 0; i < replicas.size(); i++) {
                why.append(i == 0 ? "" : ", ").append(replicas.get(i).name());
            }
            if (failure != null) {
                why.append("; first failure: ").append(failure.getMessage());
            }
        }
        return new NoReplicaAvailableException(why.toString(), failure);
    }

    @Override
    public String toString() {
        return "Router[" + cluster + ", " + selector + ", fallbackToPrimary=" + fallbackToPrimary + "]";
    }
}
