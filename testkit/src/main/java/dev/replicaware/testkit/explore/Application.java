package dev.replicaware.testkit.explore;

import dev.replicaware.testkit.ReplicatedCluster;
import java.sql.SQLException;
import java.util.List;
import java.util.function.Consumer;
import javax.sql.DataSource;

/**
 * One application instance under test: a DataSource and what the explorer may ask of it beyond JDBC. Only
 * {@link #dataSource()} and {@link #close()} are required; a hook left at its default turns the fault or check that
 * needs it off (the schedule's timeline says so).
 */
public interface Application extends AutoCloseable {

    /** What the instance's writers and readers borrow connections from. */
    DataSource dataSource();

    /** Connections of this instance's pools in use now, for the leak check; -1 (the default): not checked. */
    default int activeConnections() {
        return -1;
    }

    /** A planned switchover to {@code node}, for {@link FaultKind#SWITCHOVER}. */
    default void switchover(String node) throws SQLException {
        throw new UnsupportedOperationException("this application offers no switchover");
    }

    /** Reloads the instance's configuration (unchanged), for {@link FaultKind#RELOAD}. */
    default void reload() {
        throw new UnsupportedOperationException("this application offers no configuration reload");
    }

    /**
     * Whether this instance reports {@code node} as needing a rewind or a re-clone (a fenced former primary): such a
     * node is not expected to follow the primary at the end.
     */
    default boolean reportsNeedingRejoin(String node) {
        return false;
    }

    /** Closes the DataSource; the explorer calls it at the end of the schedule and on an instance restart. */
    @Override
    void close();

    /** Builds an application instance, at the start of a schedule and on each restart. */
    @FunctionalInterface
    interface Factory {
        Application start(Setup setup) throws Exception;
    }

    /**
     * What a factory builds an instance from.
     *
     * @param instance  0, 1, 2...
     * @param cluster   the schedule's cluster: credentials, engine
     * @param endpoints every node, reached through this instance's own proxies (so that it can be partitioned alone)
     * @param timeline  adds a line to the schedule's timeline (topology events, say)
     */
    record Setup(int instance, ReplicatedCluster cluster, List<Endpoint> endpoints, Consumer<String> timeline) {
        public Setup {
            endpoints = List.copyOf(endpoints);
        }
    }

    /**
     * A node as an application instance reaches it.
     *
     * @param name            the testkit node's name ({@code primary}, {@code replica1}...)
     * @param startedAsPrimary whether it is the node the cluster started as primary
     * @param jdbcUrl         its URL through the instance's proxy
     * @param replicationHost where other servers reach it for replication (through the replication proxy)
     * @param replicationPort the port for replication
     */
    record Endpoint(String name, boolean startedAsPrimary, String jdbcUrl, String replicationHost, int replicationPort) {
    }
}
