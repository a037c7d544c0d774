package dev.replicaware;

import dev.replicaware.config.ClusterConfig;
import dev.replicaware.config.FailoverConfig;
import dev.replicaware.config.NodeConfig;
import dev.replicaware.failover.FailoverCoordinator;
import dev.replicaware.failover.FailoverStats;
import dev.replicaware.config.Secrets;
import dev.replicaware.routing.LateReadOnlyListener;
import dev.replicaware.routing.Router;
import dev.replicaware.topology.Node;
import dev.replicaware.topology.NodeRole;
import dev.replicaware.topology.Topology;
import dev.replicaware.topology.TopologyHolder;
import dev.replicaware.topology.NodeStatus;
import dev.replicaware.topology.TopologyListener;
import dev.replicaware.topology.TopologyMonitor;
import dev.replicaware.topology.TopologySnapshot;
import dev.replicaware.dialect.Role;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

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
    private final List<Node> nodes;
    private final TopologyMonitor monitor;
    private final Router router;
    private final FailoverCoordinator failover;
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
        this.nodes = List.copyOf(started);
        this.monitor = new TopologyMonitor(config.name(), targets(config), config.health(), config.routing().maxLag(),
                Clock.systemUTC(), this::onTopologyChange);
        for (Node n : nodes) {
            n.onFailure(monitor::reprobe);
        }
        this.failover = new FailoverCoordinator(config, nodes, monitor, this::republish);
        monitor.addListener(failover);
        monitor.start(); // the first round, so the first request already routes on what the servers say
        this.router = new Router(config.name(), topology, config.routing());
        router.awaitPrimary(config.failover().mode() == FailoverConfig.Mode.DISABLED ? Duration.ZERO : config.failover().writeWait(),
                failover::situation);
        failover.start();
    }

    private static List<TopologyMonitor.Target> targets(ClusterConfig config) {
        List<TopologyMonitor.Target> targets = new ArrayList<>();
        for (NodeConfig n : config.nodes()) {
            targets.add(new TopologyMonitor.Target(n.name(), n.url(), config.usernameOf(n), config.passwordOf(n),
                    n == config.primary() ? Role.PRIMARY : Role.REPLICA));
        }
        return targets;
    }

    /** The monitor saw something: hand each node its status, then publish the topology they describe, in that order. */
    private synchronized void onTopologyChange(Map<String, NodeStatus> statuses) {
        for (Node n : nodes) {
            NodeStatus s = statuses.get(n.name());
            if (s != null) {
                n.status(s);
            }
        }
        republish();
    }

    /** The topology the nodes' statuses describe, without a primary while a switchover holds writes. */
    private synchronized void republish() {
        Topology observed = Topology.observed(config.name(), nodes);
        topology.publish(failover != null && failover.holdsWrites() ? observed.withoutPrimaries() : observed);
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

    /** Every node as the monitor last saw it: role, state, lag, last probe, last error (secrets masked). */
    public TopologySnapshot topology() {
        List<NodeStatus> statuses = new ArrayList<>(nodes.size());
        for (Node n : nodes) {
            statuses.add(n.status());
        }
        return new TopologySnapshot(config.name(), statuses);
    }

    /** Hears node up/down, role changes and lag crossing {@code routing.maxLag}, on the monitor's thread. */
    public void addTopologyListener(TopologyListener listener) {
        monitor.addListener(Objects.requireNonNull(listener, "listener"));
    }

    /**
     * Planned switchover: makes {@code nodeName} the primary without losing a write. New writes wait while it runs
     * (at most {@code failover.writeWait}), writes in flight finish, the target replays everything, is promoted, the
     * other replicas follow it; the old primary rejoins as a replica where the database allows (MariaDB, MySQL), else
     * is fenced (PostgreSQL: it needs {@code pg_rewind}). Needs the admin credentials of {@code failover}.
     *
     * @return how long new writes were held
     * @throws SQLException when it cannot start (no single primary, target not a replica, lock held elsewhere) or fails
     */
    public Duration switchover(String nodeName) throws SQLException {
        return failover.switchover(Objects.requireNonNull(nodeName, "nodeName"));
    }

    /** Failovers and switchovers so far: counts, durations, the last outcome. */
    public FailoverStats failoverStats() {
        return failover.stats();
    }

    /**
     * Hears connections made read-only after they had taken a physical connection read-write (see
     * {@link LateReadOnlyListener}); the Spring Boot adapter logs it once. Null for nobody.
     */
    public void setLateReadOnlyListener(LateReadOnlyListener listener) {
        router.setLateReadOnlyListener(listener);
    }

    /** Internal: the nodes with their pools and counters, as routing sees them now; for tests and the metrics binder. */
    public Topology routingTopology() {
        return topology.current();
    }

    /** Internal: the monitor, for the metrics binder. */
    public TopologyMonitor monitor() {
        return monitor;
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
        failover.close();
        monitor.close();
        for (Node node : nodes) {
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
