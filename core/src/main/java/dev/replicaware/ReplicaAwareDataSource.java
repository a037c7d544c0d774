package dev.replicaware;

import dev.replicaware.config.ClusterConfig;
import dev.replicaware.config.FailoverConfig;
import dev.replicaware.config.NodeConfig;
import dev.replicaware.failover.FailoverCoordinator;
import dev.replicaware.failover.FailoverStats;
import dev.replicaware.config.Secrets;
import dev.replicaware.routing.LateReadOnlyListener;
import dev.replicaware.routing.CausalReads;
import dev.replicaware.jdbc.Connections;
import dev.replicaware.routing.AttributeFunctions;
import dev.replicaware.routing.Router;
import dev.replicaware.topology.Node;
import dev.replicaware.topology.NodeRole;
import dev.replicaware.topology.Topology;
import dev.replicaware.topology.TopologyHolder;
import dev.replicaware.topology.NodeStatus;
import dev.replicaware.topology.TopologyListener;
import dev.replicaware.topology.TopologyEvent;
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
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ReplicaAwareDataSource.class);

    /** How long a replica removed by a reload may keep connections borrowed before its pool is closed anyway. */
    static final java.time.Duration RETIRE_LIMIT = java.time.Duration.ofMinutes(10);

    private volatile ClusterConfig config;
    private final TopologyHolder topology;
    /** Replaced whole by {@link #reload}; read by the monitor's publication under this object's lock. */
    private volatile List<Node> nodes;
    private final TopologyMonitor monitor;
    private final FailoverCoordinator failover;
    /** {@code failover.rejoin}: null when off. */
    private final dev.replicaware.failover.Rejoin rejoin;
    private volatile Router router;
    private final CausalReads causalReads;
    /** PostgreSQL, {@code autocommitReads: replica}: the functions attribute notation could call, kept fresh. */
    private final AttributeFunctions attributeFunctions;
    private final Object reloading = new Object();
    private final List<Router> retiredRouters = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final java.util.Set<Node> retiring = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private volatile ConfigFileWatcher watcher;
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
            n.onPositionWanted(() -> monitor.refreshPosition(n));
        }
        this.failover = new FailoverCoordinator(config, nodes, monitor, this::republish);
        monitor.addListener(failover);
        if (config.failover().rejoin()) {
            rejoin = new dev.replicaware.failover.Rejoin(config, monitor,
                    name -> nodes.stream().filter(n -> n.name().equals(name)).findFirst().ifPresent(Node::reopen));
            monitor.addListener(rejoin);
            monitor.addProbeObserver(rejoin);
        } else {
            rejoin = null;
        }
        if (!config.failover().patroni().urls().isEmpty()) {
            monitor.followPatroni(config.failover().patroni().urls());
        }
        monitor.start(); // the first round, so the first request already routes on what the servers say
        this.causalReads = new CausalReads(config.name(), config.routing(), this::dialectOf);
        this.attributeFunctions = new AttributeFunctions(config.name(), topology, config.health().timeout());
        monitor.addListener(attributeFunctions);
        this.router = new Router(config.name(), topology, config.routing(), attributeFunctions);
        router.setCausalReads(causalReads);
        awaitPrimaryPerConfig(router, config);
        attributeFunctions.start(monitor); // read now when the router uses it, so the first reads already know
        failover.start();
    }

    /** Writes without a primary wait for one up to {@code failover.writeWait}, or not at all when failover is disabled. */
    private void awaitPrimaryPerConfig(Router r, ClusterConfig c) {
        r.awaitPrimary(c.failover().mode() == FailoverConfig.Mode.DISABLED ? Duration.ZERO : c.failover().writeWait(),
                failover::situation);
    }

    private static List<TopologyMonitor.Target> targets(ClusterConfig config) {
        List<TopologyMonitor.Target> targets = new ArrayList<>();
        for (NodeConfig n : config.nodes()) {
            targets.add(new TopologyMonitor.Target(n.name(), n.url(), config.usernameOf(n), config.passwordOf(n),
                    n == config.primary() ? Role.PRIMARY : Role.REPLICA));
        }
        return targets;
    }

    /**
     * A DataSource for the cluster a YAML file describes (see {@code docs/configuration.md}); with {@code watch: true}
     * in the file, it {@link #watch watches} the file and reloads it when it changes.
     *
     * @throws dev.replicaware.config.ConfigException naming every problem in the file, with its line; nothing is started
     */
    public static ReplicaAwareDataSource fromYaml(java.nio.file.Path file) {
        dev.replicaware.config.YamlConfig yaml = dev.replicaware.config.YamlConfig.read(file);
        ReplicaAwareDataSource dataSource = new ReplicaAwareDataSource(yaml.cluster());
        if (yaml.watch()) {
            try {
                dataSource.watch(file);
            } catch (RuntimeException e) {
                dataSource.close();
                throw e;
            }
        }
        return dataSource;
    }

    /** A DataSource for the cluster the YAML text describes; {@code watch} needs a file and is ignored here. */
    public static ReplicaAwareDataSource fromYaml(java.io.Reader yaml) {
        return fromYaml(dev.replicaware.config.YamlConfig.read(yaml, null));
    }

    /** A DataSource for the cluster the UTF-8 YAML describes; {@code watch} needs a file and is ignored here. */
    public static ReplicaAwareDataSource fromYaml(java.io.InputStream yaml) {
        return fromYaml(dev.replicaware.config.YamlConfig.read(yaml, null));
    }

    private static ReplicaAwareDataSource fromYaml(dev.replicaware.config.YamlConfig yaml) {
        if (yaml.watch()) {
            LOG.warn("{} - 'watch: true' needs a file; read with fromYaml(Path) to reload on change", yaml.cluster().name());
        }
        return new ReplicaAwareDataSource(yaml.cluster());
    }

    /**
     * Applies a new configuration without a restart: replicas added start their pools and serve reads once the monitor
     * sees them up; replicas removed serve no new reads at once, their borrowed connections finish on them, then their
     * pools close; a replica whose settings changed is replaced the same way; new routing settings apply to connections
     * taken from now on, new health settings to the next probes. The cluster's name and the primary (its name, URL,
     * credentials and pool settings) cannot change: such a configuration is refused and nothing changes.
     *
     * @throws dev.replicaware.config.ConfigException when the change is refused; nothing changed
     * @throws IllegalStateException when a new replica's pool cannot start (nothing changed) or this DataSource is closed
     */
    public void reload(ClusterConfig next) {
        Objects.requireNonNull(next, "config");
        synchronized (reloading) {
            if (isClosed()) {
                throw new IllegalStateException("The Replicaware DataSource of cluster '" + config.name() + "' is closed; nothing to reload");
            }
            ClusterConfig current = config;
            refuseIdentityChange(current, next);
            Map<String, Node> byName = new java.util.HashMap<>();
            for (Node n : nodes) {
                byName.put(n.name(), n);
            }
            Map<String, NodeConfig> before = new java.util.HashMap<>();
            current.replicas().forEach(r -> before.put(r.name(), r));
            List<NodeConfig> added = new ArrayList<>();
            List<Node> removed = new ArrayList<>();
            java.util.Set<String> kept = new java.util.HashSet<>();
            for (NodeConfig r : next.replicas()) {
                NodeConfig old = before.get(r.name());
                if (old == null) {
                    added.add(r);
                } else if (sameNode(current, old, next, r)) {
                    kept.add(r.name());
                } else {
                    added.add(r);
                    removed.add(byName.get(r.name()));
                }
            }
            for (NodeConfig old : current.replicas()) {
                if (!kept.contains(old.name()) && removed.stream().noneMatch(n -> n.name().equals(old.name()))) {
                    removed.add(byName.get(old.name()));
                }
            }
            for (Node n : removed) {
                if (n.status().role() == Role.PRIMARY && n.status().state().serves()) {
                    throw new dev.replicaware.config.ConfigException(current.name(), List.of(new dev.replicaware.config.ConfigException.Problem(
                            "replicas", "cannot remove or change node '" + n.name() + "': it is the primary now (after a failover)")));
                }
            }
            List<Node> started = new ArrayList<>();
            try {
                for (NodeConfig r : added) {
                    started.add(Node.start(next, r, NodeRole.REPLICA));
                }
            } catch (RuntimeException e) {
                started.forEach(Node::close);
                throw new IllegalStateException("Could not start the pools of the new replicas of Replicaware cluster '"
                        + next.name() + "'; nothing changed: " + Secrets.maskUrl(e.getMessage()));
            }
            // From here on nothing can fail for a reason of the configuration's.
            if (!current.health().equals(next.health()) || !Objects.equals(current.routing().maxLag(), next.routing().maxLag())) {
                monitor.reconfigure(next.health(), next.routing().maxLag());
            }
            if (!removed.isEmpty()) {
                synchronized (this) {
                    List<Node> remaining = new ArrayList<>(nodes);
                    remaining.removeAll(removed);
                    nodes = List.copyOf(remaining);
                    republish();
                }
                for (Node n : removed) {
                    monitor.removeTarget(n.name());
                }
            }
            for (Node n : started) {
                NodeConfig r = next.replicas().stream().filter(c -> c.name().equals(n.name())).findFirst().orElseThrow();
                monitor.addTarget(new TopologyMonitor.Target(r.name(), r.url(), next.usernameOf(r), next.passwordOf(r), Role.REPLICA));
                n.onFailure(monitor::reprobe);
                n.onPositionWanted(() -> monitor.refreshPosition(n));
                NodeStatus seen = monitor.statuses().get(n.name());
                if (seen != null) {
                    n.status(seen);
                }
            }
            synchronized (this) {
                Map<String, Node> live = new java.util.HashMap<>();
                nodes.forEach(n -> live.put(n.name(), n));
                started.forEach(n -> live.put(n.name(), n));
                List<Node> ordered = new ArrayList<>();
                ordered.add(nodes.get(0));
                for (NodeConfig r : next.replicas()) {
                    ordered.add(live.get(r.name()));
                }
                nodes = List.copyOf(ordered);
                republish();
            }
            if (!current.routing().equals(next.routing())) {
                Router previous = router;
                Router fresh = new Router(next.name(), topology, next.routing(), attributeFunctions);
                causalReads.reconfigure(next.routing());
                fresh.setCausalReads(causalReads);
                awaitPrimaryPerConfig(fresh, next);
                router = fresh;
                retiredRouters.add(previous);
                if (!current.routing().readConsistency().equals(next.routing().readConsistency())) {
                    readConsistency = next.routing().readConsistency();
                }
            }
            config = next;
            attributeFunctions.refreshSoon();
            failover.reconfigure(next, nodes);
            if (rejoin != null) {
                rejoin.reconfigure(next);
            }
            if (!current.failover().equals(next.failover()) && current.routing().equals(next.routing())) {
                awaitPrimaryPerConfig(router, next);
            }
            removed.forEach(this::retire);
            // removed first: a changed replica keeps its name, and what follows nodes by name must drop the old one first
            java.time.Instant at = java.time.Instant.now();
            for (Node n : removed) {
                monitor.publishEvent(new TopologyEvent(next.name(), n.name(), TopologyEvent.Type.NODE_REMOVED, "REPLICA", "REMOVED", at));
            }
            for (Node n : started) {
                monitor.publishEvent(new TopologyEvent(next.name(), n.name(), TopologyEvent.Type.NODE_ADDED, "ADDED", "REPLICA", at));
            }
            LOG.info("{} - configuration reloaded: replicas added {}, removed {}; routing {}, health {}", next.name(),
                    started.stream().map(Node::name).toList(), removed.stream().map(Node::name).toList(),
                    current.routing().equals(next.routing()) ? "unchanged" : "changed",
                    current.health().equals(next.health()) ? "unchanged" : "changed");
        }
    }

    /** Reads the YAML file and {@link #reload(ClusterConfig) reloads} it; an invalid file changes nothing. */
    public void reload(java.nio.file.Path file) {
        reload(dev.replicaware.config.YamlConfig.read(file).cluster());
    }

    /**
     * Reloads {@code file} whenever it changes, on a daemon thread named {@code replicaware-<cluster>-config-watch},
     * until {@link #close()}. A file that is invalid or refused is logged (secrets masked) and changes nothing.
     */
    public void watch(java.nio.file.Path file) {
        synchronized (reloading) {
            if (watcher != null) {
                throw new IllegalStateException("Replicaware cluster '" + config.name() + "' already watches " + watcher.file());
            }
            watcher = ConfigFileWatcher.start(file, "replicaware-" + config.name() + "-config-watch", () -> {
                try {
                    reload(file);
                } catch (RuntimeException e) {
                    LOG.warn("{} - the changed configuration {} was not applied; nothing changed: {}", config.name(), file,
                            Secrets.maskUrl(e.getMessage()));
                }
            });
        }
    }

    private static void refuseIdentityChange(ClusterConfig current, ClusterConfig next) {
        List<dev.replicaware.config.ConfigException.Problem> refused = new ArrayList<>();
        if (!current.name().equals(next.name())) {
            refused.add(new dev.replicaware.config.ConfigException.Problem("cluster", "cannot change on reload (from '"
                    + current.name() + "' to '" + next.name() + "'): it names the pools, threads and metrics; start a new DataSource"));
        }
        NodeConfig was = current.primary();
        NodeConfig is = next.primary();
        if (!was.name().equals(is.name())) {
            refused.add(new dev.replicaware.config.ConfigException.Problem("primary.name", "cannot change on reload (from '"
                    + was.name() + "' to '" + is.name() + "'): the primary's identity is fixed while the DataSource runs; restart to change it"));
        }
        if (!was.url().equals(is.url())) {
            refused.add(new dev.replicaware.config.ConfigException.Problem("primary.url", "cannot change on reload (from '"
                    + Secrets.maskUrl(was.url()) + "' to '" + Secrets.maskUrl(is.url())
                    + "'): the primary's identity is fixed while the DataSource runs; restart to change it"));
        }
        if (refused.isEmpty() && !sameNode(current, was, next, is)) {
            refused.add(new dev.replicaware.config.ConfigException.Problem("primary", "its credentials, pool settings (its own or "
                    + "the cluster's pool), weight, priority or replication address cannot change on reload; restart to apply them"));
        }
        if (!current.failover().patroni().equals(next.failover().patroni())) {
            refused.add(new dev.replicaware.config.ConfigException.Problem("failover.patroni.urls", "cannot change on reload (from "
                    + current.failover().patroni() + " to " + next.failover().patroni() + "): the monitor reads them from the start; restart to apply"));
        }
        if (current.failover().rejoin() != next.failover().rejoin()) {
            refused.add(new dev.replicaware.config.ConfigException.Problem("failover.rejoin", "cannot change on reload (from "
                    + current.failover().rejoin() + " to " + next.failover().rejoin() + "); restart to apply"));
        }
        if (!refused.isEmpty()) {
            throw new dev.replicaware.config.ConfigException(current.name(), refused);
        }
    }

    /** True when a node would get the same pool and probe under both configurations. */
    private static boolean sameNode(ClusterConfig a, NodeConfig x, ClusterConfig b, NodeConfig y) {
        return x.equals(y) && a.poolSettings(x).equals(b.poolSettings(y)) && Objects.equals(a.usernameOf(x), b.usernameOf(y))
                && Objects.equals(a.passwordOf(x), b.passwordOf(y));
    }

    /**
     * Takes a removed replica's pool out of service: idle connections close now, borrowed ones when returned; once none
     * is borrowed (or after {@link #RETIRE_LIMIT}) the pool closes, on a daemon thread of its own.
     */
    private void retire(Node node) {
        retiring.add(node);
        node.evictConnections();
        Thread closer = new Thread(() -> {
            long deadline = System.nanoTime() + RETIRE_LIMIT.toNanos();
            try {
                while (node.activeConnections() > 0 && System.nanoTime() - deadline < 0 && !isClosed()) {
                    Thread.sleep(20);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (node.activeConnections() > 0) {
                LOG.warn("{} - removed node {} still has {} connections borrowed after {}; closing its pool anyway",
                        node.cluster(), node.name(), node.activeConnections(), RETIRE_LIMIT);
            }
            node.close();
            retiring.remove(node);
        }, "replicaware-" + node.cluster() + "-retire-" + node.name());
        closer.setDaemon(true);
        closer.start();
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

    /**
     * The topology the nodes' statuses describe, without a primary while a switchover holds writes, and without the
     * primary a failover is replacing (it may restart and look primary before it is fenced).
     */
    private synchronized void republish() {
        Topology observed = Topology.observed(config.name(), nodes, monitor::servesReads);
        if (failover != null && failover.holdsWrites()) {
            observed = observed.withoutPrimaries();
        } else if (failover != null && failover.replacing() != null) {
            observed = observed.withoutPrimary(failover.replacing());
        }
        topology.publish(observed);
    }

    /**
     * A logical connection; no physical connection is taken until a call needs the database.
     *
     * @throws SQLException when this DataSource is closed
     */
    @Override
    public Connection getConnection() throws SQLException {
        return Connections.open(router, readConsistency);
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
        Objects.requireNonNull(nodeName, "nodeName");
        if (!config.failover().patroni().urls().isEmpty()) {
            // Patroni owns promotions (and honours nofailover); a promotion behind its back would fight it
            throw new SQLException("Cluster '" + config.name() + "' follows Patroni (failover.patroni.urls): switch over with "
                    + "Patroni ('patronictl switchover --candidate " + nodeName + "' or POST /switchover), not with Replicaware");
        }
        return failover.switchover(nodeName);
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

    /** Internal: read-your-writes positions and figures, for the metrics binder and tests. */
    public CausalReads causalReads() {
        return causalReads;
    }

    /** The dialect a node's server confirmed; generic for a node the monitor no longer watches. */
    private dev.replicaware.dialect.Dialect dialectOf(String node) {
        try {
            return monitor.dialect(node);
        } catch (RuntimeException e) {
            return dev.replicaware.dialect.Dialect.forUrl("");
        }
    }

    /** Internal: the rejoin of former primaries ({@code failover.rejoin}), for the metrics binder; null when off. */
    public dev.replicaware.failover.Rejoin rejoin() {
        return rejoin;
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
        synchronized (reloading) {
            closeAll();
        }
    }

    private void closeAll() {
        if (router.isClosed()) {
            return;
        }
        router.close();
        failover.close();
        if (rejoin != null) {
            rejoin.close();
        }
        retiredRouters.forEach(Router::close);
        ConfigFileWatcher w = watcher;
        if (w != null) {
            w.close();
        }
        monitor.close();
        for (Node node : nodes) {
            node.close();
        }
        for (Node node : retiring) {
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
