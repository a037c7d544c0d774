package dev.replicaware.topology;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import dev.replicaware.config.ClusterConfig;
import dev.replicaware.config.NodeConfig;
import dev.replicaware.config.Secrets;

import java.sql.Connection;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.LongAdder;

/**
 * Internal: one database server as the router sees it: its name, URL, configured role, HikariCP pool, the state a
 * borrowed connection starts in, and counters of what was routed to it. Not API.
 *
 * <p>Until the topology monitor exists, a node that failed to give a connection is marked unavailable for a short
 * back-off ({@link #markFailed}) so the reads after it do not each wait for the pool's connection timeout.
 */
public final class Node {
    /** {@link #skipUntilNanos} of a node that has never failed: no clock to read. */
    private static final long NEVER_FAILED = Long.MIN_VALUE;

    /** An isolation level, catalog or schema the pool does not set. */
    public static final int UNKNOWN = -1;

    private final String cluster;
    private final String name;
    private final String url;
    private final NodeRole role;
    private final int weight;
    /** The settings every pool of this node starts from; the pool is replaced by {@link #cutOff()}. */
    private final HikariConfig poolConfig;
    private volatile HikariDataSource pool;
    private volatile boolean closed;
    private final boolean defaultAutoCommit;
    private final boolean autoCommitFloats;
    private final boolean defaultReadOnly;
    private final ReadOnlyFlag readOnlyFlag;
    private final boolean holdsFile;
    private final int defaultIsolation;
    private final String defaultCatalog;
    private final String defaultSchema;
    private final LongAdder reads = new LongAdder();
    private final LongAdder writes = new LongAdder();
    private final LongAdder fallbacks = new LongAdder();
    private final LongAdder failures = new LongAdder();
    private final LongAdder busy = new LongAdder();
    private volatile long skipUntilNanos = NEVER_FAILED;
    private volatile NodeStatus status;
    /** What waits and refreshes saw this node replay since; replaced whole, and forgotten on a role or history change. */
    private final java.util.concurrent.atomic.AtomicReference<Confirmed> confirmed =
            new java.util.concurrent.atomic.AtomicReference<>(Confirmed.NONE);
    /** A read wanted a commit this node was not known to have: the refresher should ask it. */
    private volatile boolean positionWanted;
    /** The isolation a new session of this node's pool starts with, read from the server once; UNKNOWN until then. */
    private volatile int sessionIsolation = UNKNOWN;
    private volatile int wantsSinceRefresh;
    private volatile long lastRefreshNanos = System.nanoTime() - QUIET_REFRESH_MILLIS * 1_000_000L;
    private volatile Runnable positionHook;
    private final long borrowTimeoutNanos;
    private volatile java.util.function.Consumer<String> failureHook;

    private Node(String cluster, NodeConfig config, NodeRole role, HikariConfig hikari, long configuredTimeoutMillis,
                 ReadOnlyFlag readOnlyFlag) {
        this.borrowTimeoutNanos = java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(configuredTimeoutMillis);
        this.cluster = cluster;
        this.name = config.name();
        this.url = config.url();
        this.role = role;
        this.weight = config.weight();
        this.defaultAutoCommit = hikari.isAutoCommit();
        this.autoCommitFloats = (url.startsWith("jdbc:mysql:") || url.startsWith("jdbc:mariadb:"))
                && hikari.getConnectionTestQuery() == null;
        this.readOnlyFlag = readOnlyFlag;
        this.holdsFile = dev.replicaware.dialect.GenericDialect.isSqlite(url);
        this.defaultReadOnly = hikari.isReadOnly() || readOnlyFlag.openedReadOnly();
        this.defaultIsolation = isolationLevel(hikari.getTransactionIsolation());
        this.defaultCatalog = hikari.getCatalog();
        this.defaultSchema = hikari.getSchema();
        this.status = new NodeStatus(name, role == NodeRole.PRIMARY ? dev.replicaware.dialect.Role.PRIMARY
                : dev.replicaware.dialect.Role.REPLICA, NodeState.UP, Double.NaN, -1, "none", false, null,
                java.time.Duration.ZERO, null);
        this.poolConfig = new HikariConfig();
        hikari.copyStateTo(poolConfig);
        this.pool = new HikariDataSource(hikari);
    }

    /**
     * A new pool in place of a closed one, for a former primary that rejoined as a replica. {@link #cutOff()} already
     * leaves a fresh pool behind, so this is a no-op unless the pool was closed some other way; never after {@link #close()}.
     */
    public synchronized void reopen() {
        if (closed || !pool.isClosed()) {
            return;
        }
        HikariDataSource fresh = new HikariDataSource(); // started by its first borrow
        poolConfig.copyStateTo(fresh);
        pool = fresh;
    }

    /**
     * Starts the pool of {@code config}'s node {@code node}: HikariCP settings by their own names, the cluster's then the
     * node's; pool name {@code <cluster>-<node>}; {@code initializationFailTimeout} -1 so a node that is down does not stop
     * start-up; replicas get {@link ClusterConfig#DEFAULT_REPLICA_CONNECTION_TIMEOUT} unless configured.
     */
    public static Node start(ClusterConfig config, NodeConfig node, NodeRole role) {
        Map<String, String> settings = config.poolSettings(node);
        Properties properties = new Properties();
        settings.forEach(properties::setProperty);
        HikariConfig hikari = new HikariConfig(properties);
        if (role == NodeRole.REPLICA && !settings.containsKey("connectionTimeout")) {
            hikari.setConnectionTimeout(ClusterConfig.DEFAULT_REPLICA_CONNECTION_TIMEOUT.toMillis());
        }
        // The pool waits one slice at most; the router waits out the configured connectionTimeout slice by slice,
        // looking in between whether the node is still the one to use: a write queued on a primary that just died
        // moves to the promoted one instead of waiting HikariCP's 30 s on a pool that cannot connect.
        long configuredTimeout = hikari.getConnectionTimeout();
        if (configuredTimeout > BORROW_SLICE_MILLIS) {
            hikari.setConnectionTimeout(BORROW_SLICE_MILLIS);
            if (!settings.containsKey("validationTimeout") && hikari.getValidationTimeout() >= BORROW_SLICE_MILLIS) {
                hikari.setValidationTimeout(BORROW_SLICE_MILLIS * 3 / 4);
            }
        }
        hikari.setJdbcUrl(node.url());
        hikari.setUsername(config.usernameOf(node));
        hikari.setPassword(config.passwordOf(node));
        hikari.setPoolName(config.name() + "-" + node.name());
        hikari.setInitializationFailTimeout(-1);
        ReadOnlyFlag readOnlyFlag = ReadOnlyFlag.forPool(config.name(), node.name(), node.url(), role, settings, hikari);
        if (node.url().startsWith("jdbc:mysql:") && !settings.containsKey("dataSource.trackSessionState")) {
            // a commit's answer then carries MariaDB's last_gtid: read-your-writes costs a write no round trip
            hikari.addDataSourceProperty("trackSessionState", "true");
        }
        return new Node(config.name(), node, role, hikari, configuredTimeout, readOnlyFlag);
    }

    /** The longest one wait in a pool lasts before the router looks again at who should serve. */
    static final long BORROW_SLICE_MILLIS = 1000;

    /** How long a request may wait for a connection of this node in all: its configured {@code connectionTimeout}. */
    public long borrowTimeoutNanos() {
        return borrowTimeoutNanos;
    }

    public String cluster() {
        return cluster;
    }

    public String name() {
        return name;
    }

    /** The URL with secrets masked; the only form in which the URL leaves this class. */
    public String maskedUrl() {
        return Secrets.maskUrl(url);
    }

    public NodeRole role() {
        return role;
    }

    public int weight() {
        return weight;
    }

    /** The node's pool. */
    public HikariDataSource pool() {
        return pool;
    }

    /** Connections of this node's pool in use now, from HikariCP's pool MXBean; 0 for a pool not started yet. */
    public int activeConnections() {
        HikariPoolMXBean bean = pool.getHikariPoolMXBean();
        return bean == null ? 0 : bean.getActiveConnections();
    }

    /** Connections of this node's pool, in use or idle. */
    public int totalConnections() {
        HikariPoolMXBean bean = pool.getHikariPoolMXBean();
        return bean == null ? 0 : bean.getTotalConnections();
    }

    public boolean defaultAutoCommit() {
        return defaultAutoCommit;
    }

    /**
     * True where autocommit is set on the driver's connection, only when it differs, and left as the last borrower
     * left it (MySQL, MariaDB): there every change is a statement ({@code SET autocommit=...}), and HikariCP's proxy
     * would set it back on every return, so that a Spring transaction paid four round trips for one query. Every
     * borrower of this node's pool is a logical connection, which sets what it needs. Not with a
     * {@code connectionTestQuery}: HikariCP runs it assuming the pool's autocommit, and would leave a transaction open.
     */
    public boolean autoCommitFloats() {
        return autoCommitFloats;
    }

    public boolean defaultReadOnly() {
        return defaultReadOnly;
    }

    /**
     * Sets the read-only flag on a connection of this node where its driver accepts it (see {@link ReadOnlyFlag});
     * called only when {@code readOnly} differs from {@link #defaultReadOnly()}.
     */
    public void applyReadOnly(Connection physical, boolean readOnly) throws java.sql.SQLException {
        readOnlyFlag.apply(physical, readOnly);
    }

    /** The isolation level the pool sets, or {@link #UNKNOWN} when it leaves the driver's default. */
    public int defaultIsolation() {
        return defaultIsolation;
    }

    /**
     * The isolation level a new session of this node's pool starts with, as its server answered (the pool's setting,
     * or the role's, database's or server's default); {@link #UNKNOWN} until {@link #sessionIsolation(int)} is told.
     */
    public int sessionIsolation() {
        return sessionIsolation;
    }

    public void sessionIsolation(int level) {
        this.sessionIsolation = level;
    }

    /** The catalog the pool sets, or {@code null}. */
    public String defaultCatalog() {
        return defaultCatalog;
    }

    /** The schema the pool sets, or {@code null}. */
    public String defaultSchema() {
        return defaultSchema;
    }

    /**
     * True unless the node failed to serve within its back-off. Reads the clock only for a node that has failed once:
     * routing asks this of every replica on every read-only request.
     */
    public boolean isAvailable() {
        long until = skipUntilNanos;
        return until == NEVER_FAILED || System.nanoTime() - until >= 0;
    }

    /**
     * Marks that the node could not serve: routing skips it until {@code backoffNanos} after {@code nowNanos}, and the
     * monitor probes it at once rather than at its next turn.
     */
    public void markFailed(long nowNanos, long backoffNanos) {
        failures.increment();
        long until = nowNanos + backoffNanos;
        skipUntilNanos = until == NEVER_FAILED ? until + 1 : until;
        java.util.function.Consumer<String> hook = failureHook;
        if (hook != null) {
            hook.accept(name);
        }
    }

    /** Who hears of request-path failures (the monitor's re-probe). */
    public void onFailure(java.util.function.Consumer<String> hook) {
        this.failureHook = hook;
    }

    /** What the monitor last saw of this node; read lock-free on the request path. */
    public NodeStatus status() {
        return status;
    }

    /**
     * Set by the monitor's publication, before the new topology snapshot is published. A node whose connections each
     * hold its database file (SQLite) drops its idle ones on going DOWN: they would go on reading a deleted file after a
     * new one is in place.
     */
    public void status(NodeStatus status) {
        NodeStatus before = this.status;
        this.status = java.util.Objects.requireNonNull(status);
        if (holdsFile && status.state() == NodeState.DOWN && before.state() != NodeState.DOWN) {
            evictConnections();
        }
        if (status.role() != before.role() || status.readPosition() < 0 && before.readPosition() >= 0
                || status.readPosition() < before.readPosition()) {
            forgetConfirmedPositions(); // promoted, demoted, off the primary's timeline, or re-cloned
        }
    }

    /** The lag the monitor last measured, in seconds; NaN when unknown. */
    public double lagSeconds() {
        return status.lagSeconds();
    }

    /**
     * The furthest position this node is known to have replayed: the monitor's last sample, or a read-your-writes wait
     * or refresh that saw it get further since. -1 when unknown, and while the monitor does not know where it stands
     * (a replica off the primary's timeline): a confirmation is worth only as much as the history it was made on.
     */
    public long knownReadPosition() {
        long sampled = status.readPosition();
        return sampled < 0 ? -1 : Math.max(sampled, confirmed.get().position);
    }

    /** The GTIDs this node is known to have replayed (MySQL, MariaDB), from waits and refreshes; null when none. */
    public dev.replicaware.dialect.GtidSet knownGtids() {
        return status.readPosition() < 0 ? null : confirmed.get().gtids;
    }

    /** The confirmations' generation: pass it back to {@link #confirmReadPosition}; taken before asking the server. */
    public long confirmationEpoch() {
        return confirmed.get().epoch;
    }

    /**
     * A wait or refresh on this node, begun at {@code epoch}, saw it replay {@code position} and {@code gtids} (either
     * may be -1/null). Dropped when the confirmations were forgotten meanwhile: it may belong to the old history.
     */
    public void confirmReadPosition(long epoch, long position, dev.replicaware.dialect.GtidSet gtids) {
        while (true) {
            Confirmed c = confirmed.get();
            if (c.epoch != epoch) {
                return;
            }
            long p = Math.max(c.position, position);
            dev.replicaware.dialect.GtidSet g = c.gtids == null ? gtids : c.gtids.union(gtids);
            if (p == c.position && g == c.gtids || confirmed.compareAndSet(c, new Confirmed(p, g, epoch))) {
                return;
            }
        }
    }

    /** Forgets what waits and refreshes confirmed: the node's role or history changed. */
    public void forgetConfirmedPositions() {
        while (true) {
            Confirmed c = confirmed.get();
            if (confirmed.compareAndSet(c, new Confirmed(-1, null, c.epoch + 1))) {
                return;
            }
        }
    }

    /**
     * A read had to see a commit this node was not known to have replayed: asks for a refresh of its position, off the
     * request path, within a budget: after {@value #WANTS_PER_REFRESH} such reads and at least 1 ms since the last
     * refresh, or {@value #QUIET_REFRESH_MILLIS} ms after it whatever the count. Under load refreshes stay a small share
     * of the reads (about one in {@value #WANTS_PER_REFRESH}), so that finding reads a replica never costs more than
     * serving them on the primary; costs the request path a volatile read and a clock read.
     */
    public void wantPosition() {
        if (positionWanted) {
            return;
        }
        int wants = ++wantsSinceRefresh; // racy: a lost increment only delays a refresh
        long since = System.nanoTime() - lastRefreshNanos;
        if (since < QUIET_REFRESH_MILLIS * 1_000_000L && (wants < WANTS_PER_REFRESH || since < 1_000_000L)) {
            return;
        }
        positionWanted = true;
        Runnable hook = positionHook;
        if (hook != null) {
            hook.run();
        }
    }

    /** The refresher asks the node now: the budget of {@link #wantPosition} starts again. */
    public void refreshing(long nowNanos) {
        wantsSinceRefresh = 0;
        lastRefreshNanos = nowNanos;
    }

    static final int WANTS_PER_REFRESH = 32;
    static final long QUIET_REFRESH_MILLIS = 20;

    /** Takes the request for a refresh: true when one was asked for since the last take. */
    public boolean takePositionWanted() {
        if (!positionWanted) {
            return false;
        }
        positionWanted = false;
        return true;
    }

    /** Who hears {@link #wantPosition} (the position refresher's wake-up). */
    public void onPositionWanted(Runnable hook) {
        this.positionHook = hook;
    }

    private record Confirmed(long position, dev.replicaware.dialect.GtidSet gtids, long epoch) {
        static final Confirmed NONE = new Confirmed(-1, null, 0);
    }

    /** After a connection error: idle connections are closed, connections in use are closed when returned. */
    public void evictConnections() {
        HikariPoolMXBean bean = pool.getHikariPoolMXBean();
        if (bean != null) {
            bean.softEvictConnections();
        }
    }

    /**
     * Cuts the application off this node (a primary another node replaced): closes its pool, which aborts the
     * connections in use there, so no write in flight can commit on it once it resumes; and puts a new, empty pool in
     * its place, which connects only when the node is routed to again (it came back as the primary after a failed
     * promotion, or rejoined as a replica). Without the new pool every later borrow would fail with "has been closed".
     */
    public void cutOff() {
        HikariDataSource old;
        synchronized (this) {
            if (closed) {
                return;
            }
            old = pool;
            HikariDataSource fresh = new HikariDataSource(); // started by its first borrow
            poolConfig.copyStateTo(fresh);
            if (old.getMetricsTrackerFactory() != null) {
                fresh.setMetricsTrackerFactory(old.getMetricsTrackerFactory());
            }
            pool = fresh;
        }
        old.close();
    }

    /** Closes {@code physical} now instead of returning it to the pool. */
    public void evict(Connection physical) {
        pool.evictConnection(physical);
    }

    public void countRead() {
        reads.increment();
    }

    public void countWrite() {
        writes.increment();
    }

    public void countFallback() {
        fallbacks.increment();
    }

    /** Read-only connections routed here, fallbacks included. */
    public long reads() {
        return reads.sum();
    }

    /** Read-write connections routed here. */
    public long writes() {
        return writes.sum();
    }

    /** Read-only connections routed here because the node chosen first, or every replica, could not serve. */
    public long fallbacks() {
        return fallbacks.sum();
    }

    /** A read-only request found every connection of this node's pool in use and went to another node. */
    public void countBusy() {
        busy.increment();
    }

    /** Read-only requests that found this node's pool exhausted (load, not failure) and were sent elsewhere. */
    public long busy() {
        return busy.sum();
    }

    /** Times the node failed to give a connection or broke one. */
    public long failures() {
        return failures.sum();
    }

    /** Closes the pool for good. */
    public void close() {
        synchronized (this) {
            closed = true;
        }
        pool.close();
    }

    @Override
    public String toString() {
        return "Node[" + cluster + "/" + name + ", " + role + ", " + maskedUrl() + "]";
    }

    static int isolationLevel(String configured) {
        if (configured == null || configured.isBlank()) {
            return UNKNOWN;
        }
        String key = configured.trim().toUpperCase(Locale.ROOT);
        key = key.startsWith("TRANSACTION_") ? key.substring("TRANSACTION_".length()) : key;
        return switch (key) {
            case "NONE" -> Connection.TRANSACTION_NONE;
            case "READ_UNCOMMITTED" -> Connection.TRANSACTION_READ_UNCOMMITTED;
            case "READ_COMMITTED" -> Connection.TRANSACTION_READ_COMMITTED;
            case "REPEATABLE_READ" -> Connection.TRANSACTION_REPEATABLE_READ;
            case "SERIALIZABLE" -> Connection.TRANSACTION_SERIALIZABLE;
            default -> {
                try {
                    yield Integer.parseInt(key);
                } catch (NumberFormatException e) {
                    yield UNKNOWN;
                }
            }
        };
    }
}
