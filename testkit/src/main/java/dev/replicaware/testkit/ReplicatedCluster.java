package dev.replicaware.testkit;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;

/**
 * A running primary with streaming replicas, for tests: where each node is, who may log in, and faults to inject.
 * Closing it stops every server and deletes its data.
 */
public interface ReplicatedCluster extends AutoCloseable {

    /** The database family of the cluster. */
    enum Engine { POSTGRESQL, MARIADB, MYSQL }

    Engine engine();

    /** All nodes, the one started as primary first, then the replicas in order. */
    List<ClusterNode> nodes();

    /** The node started as primary. */
    default ClusterNode primary() {
        return nodes().get(0);
    }

    /** The nodes started as replicas. */
    default List<ClusterNode> replicas() {
        return nodes().subList(1, nodes().size());
    }

    /** The node of that name; fails naming the nodes there are. */
    default ClusterNode node(String name) {
        for (ClusterNode n : nodes()) {
            if (n.name().equals(name)) {
                return n;
            }
        }
        throw new IllegalArgumentException("No node named '" + name + "'; the cluster has " + nodes());
    }

    /** The database the application uses. */
    String database();

    /** Superuser credentials, for setting up data and fault injection; never for what Replicaware does as admin. */
    Credentials admin();

    /**
     * The user Replicaware's failover, switchover, fence and rejoin run as ({@code failover.adminUsername}): created
     * with exactly the grants docs/failover.md lists ({@link DocumentedGrants}), not a superuser.
     */
    Credentials failoverAdmin();

    /** The application's credentials: an ordinary user that owns {@link #database()}. */
    Credentials app();

    /** The credentials replicas use to stream from the primary. */
    Credentials replication();

    /** A new connection to {@code node} as the admin user. The caller closes it. */
    Connection connectAdmin(ClusterNode node) throws SQLException;

    /** A new connection to {@code node} as the application user. The caller closes it. */
    Connection connectApp(ClusterNode node) throws SQLException;

    /** The running node that says it is the primary, asked now; fails when none or several do. */
    ClusterNode currentPrimary();

    /**
     * Waits until every running, unpaused replica has applied everything the current primary has written so far;
     * fails after {@code timeout} naming the replicas behind and their positions.
     */
    void waitForReplication(Duration timeout);

    /** SIGKILL to the server and every process it forked. */
    void kill(ClusterNode node);

    /** A clean, fast shutdown; returns when the server has exited. */
    void stop(ClusterNode node);

    /** Starts a stopped or killed node on its old port and data; returns once it accepts connections. */
    void start(ClusterNode node);

    /** {@link #stop} then {@link #start}. */
    default void restart(ClusterNode node) {
        stop(node);
        start(node);
    }

    /**
     * Brings a node back as a fresh replica of the current primary, as an operator re-clones a failed primary: the node
     * is killed if it still runs (a former primary after a failover, say), its data is replaced by a cold copy of a
     * running replica's (that replica is stopped cleanly for the copy and started again), and it starts replicating
     * from the current primary. Returns once every running replica has caught up with the primary.
     *
     * @throws UnsupportedOperationException where the cluster cannot re-clone a node
     */
    default void rejoinAsReplica(ClusterNode node) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot re-clone " + node + " as a replica");
    }

    /** SIGSTOP to the server's processes: it keeps its sockets open and answers nothing, like a hung machine. */
    void pause(ClusterNode node);

    /** SIGCONT after {@link #pause}. */
    void resume(ClusterNode node);

    /**
     * Makes a replica apply changes no sooner than {@code delay} after the primary committed them
     * (PostgreSQL {@code recovery_min_apply_delay}, MariaDB {@code MASTER_DELAY}); {@link Duration#ZERO} removes it.
     */
    void applyDelay(ClusterNode replica, Duration delay);

    /** Stops every server and deletes the cluster's data. Idempotent. */
    @Override
    void close();
}
