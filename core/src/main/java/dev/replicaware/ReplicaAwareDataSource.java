package dev.replicaware;

import dev.replicaware.config.ClusterConfig;
import dev.replicaware.config.NodeConfig;
import dev.replicaware.config.Secrets;
import dev.replicaware.routing.Router;
import dev.replicaware.topology.Node;
import dev.replicaware.topology.NodeRole;
import dev.replicaware.topology.Topology;
import dev.replicaware.topology.TopologyHolder;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * A {@link DataSource} over a primary and its replicas: writes and read-write transactions go to the primary,
 * read-only ones to a replica, each node through its own HikariCP pool (named {@code <cluster>-<node>}).
 *
 * <p>{@link #getConnection()} returns at once without touching a pool; the connection is routed by its read-only flag
 * when it first needs the database, which is why frameworks that call {@code setReadOnly(true)} after
 * {@code getConnection()} (Spring does) are routed right.
 *
 * <pre>{@code
 * ReplicaAwareDataSource dataSource = new ReplicaAwareDataSource(ClusterConfig.builder("shop")
 *         .primary("jdbc:postgresql://db1:5432/shop")
 *         .replica("jdbc:postgresql://db2:5432/shop")
 *         .username("shop").password(secret)
 *         .build());
 * }</pre>
 */
public class ReplicaAwareDataSource implements DataSource, AutoCloseable {
    private final ClusterConfig config;
    private final TopologyHolder topology;
    private final Router router;
    private volatile ReadConsistency readConsistency;
    private volatile PrintWriter logWriter;

    /** Starts one pool per node; a node that is down does not stop start-up. */
    public ReplicaAwareDataSource(ClusterConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        this.readConsistency = config.routing().readConsistency();
        List<Node> started = new ArrayList<>();
        try {
            Node primary = Node.start(config, config.primary(), NodeRole.PRIMARY);
            started.add(primary);
            List<Node> replicas = new ArrayList<>();
            for (NodeConfig replica : config.replicas()) {
                Node node = Node.start(config, replica, NodeRole.REPLICA);
                started.add(node);
                replicas.add(node);
            }
            this.topology = new TopologyHolder(new Topology(config.name(), primary, replicas));
        } catch (RuntimeException e) {
            started.forEach(Node::close);
            throw new IllegalStateException("Could not start the pools of Replicaware cluster '" + config.name() + "': "
                    + Secrets.maskUrl(e.getMessage()));
        }
        this.router = new Router(config.name(), topology, config.routing());
    }

    /**
     * A logical connection; no physical connection is taken until a call needs the database.
     *
     * @throws SQLException when this DataSource is closed
     */
    @Override
    public Connection getConnection() throws SQLException {
        return router.open(readConsistency);
    }

    /** Not supported: every node's pool logs in with the configured credentials. */
    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        throw new SQLFeatureNotSupportedException("Replicaware cluster '" + config.name()
                + "' logs in with the configured credentials of each node; use getConnection()");
    }

    /** The consistency new connections' read-only requests ask for. */
    public ReadConsistency getReadConsistency() {
        return readConsistency;
    }

    /** Sets the consistency for connections taken from now on. */
    public void setReadConsistency(ReadConsistency readConsistency) {
        this.readConsistency = Objects.requireNonNull(readConsistency, "readConsistency");
    }

    /** The nodes as routing sees them now, with each node's pool and counters. */
    public Topology topology() {
        return topology.current();
    }

    /** The configuration this DataSource was built from. */
    public ClusterConfig config() {
        return config;
    }

    public boolean isClosed() {
        return router.isClosed();
    }

    /** Closes every pool; connections still in use are closed as HikariCP closes them. Idempotent. */
    @Override
    public void close() {
        if (router.isClosed()) {
            return;
        }
        router.close();
        for (Node node : topology.current().nodes()) {
            node.close();
        }
    }

    @Override
    public PrintWriter getLogWriter() {
        return logWriter;
    }

    @Override
    public void setLogWriter(PrintWriter out) {
        this.logWriter = out;
    }

    /** Ignored: each pool's {@code connectionTimeout} bounds the wait for a connection. */
    @Override
    public void setLoginTimeout(int seconds) {
        // HikariCP's connectionTimeout, per pool, is the bound that applies.
    }

    @Override
    public int getLoginTimeout() {
        return 0;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException("Replicaware logs through SLF4J, not java.util.logging");
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        if (iface.isInstance(this)) {
            return iface.cast(this);
        }
        throw new SQLException("Replicaware cluster '" + config.name() + "' DataSource is not a wrapper for " + iface.getName());
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) {
        return iface.isInstance(this);
    }

    @Override
    public String toString() {
        return "ReplicaAwareDataSource[" + topology.current() + ", " + router + (isClosed() ? ", closed" : "") + "]";
    }
}
