package dev.replicaware.testkit;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/** What every engine's cluster shares: the nodes' processes, start-up checks, fault injection and clean-up. */
abstract class AbstractCluster implements ReplicatedCluster {
    final Path baseDir;
    final List<ClusterNode> nodes;
    final Duration startTimeout;
    private final Thread cleanupHook;
    private volatile boolean closed;

    final String database;
    final Credentials admin;
    final Credentials failoverAdmin;
    final Credentials app;
    final Credentials replication;

    AbstractCluster(Path baseDir, List<ClusterNode> nodes, Duration startTimeout, String database, Credentials admin,
                    Credentials failoverAdmin, Credentials app, Credentials replication) {
        this.baseDir = baseDir;
        this.nodes = List.copyOf(nodes);
        this.startTimeout = startTimeout;
        this.database = database;
        this.admin = admin;
        this.failoverAdmin = failoverAdmin;
        this.app = app;
        this.replication = replication;
        this.cleanupHook = new Thread(this::closeQuietly, "replicaware-testkit-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanupHook);
    }

    /** Starts the server process of {@code node} on its data directory. */
    abstract ServerProcess launch(ClusterNode node);

    /** The signal for a clean, fast shutdown. */
    abstract String stopSignal();

    /** The signal {@link #close()} sends: fast, and leaving nothing behind. */
    String closeSignal() {
        return stopSignal();
    }

    /** A connection with short timeouts, used to check a node is up. */
    abstract Connection connect(ClusterNode node, Credentials who, int timeoutSeconds) throws SQLException;

    abstract Path logFile(ClusterNode node);

    /** The node's data directory. */
    abstract Path dataDir(ClusterNode node);

    /** Nodes rebuilt by {@link #rejoinAsReplica}: whatever they started as, they start as replicas from now on. */
    final java.util.Set<ClusterNode> rejoined = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /** {@link #rejoinAsReplica}: {@code node}'s data is a fresh copy of a replica's and it is not started yet. */
    abstract void prepareRejoin(ClusterNode node, ClusterNode primary);

    /** {@link #rejoinAsReplica}: {@code node} runs on its fresh copy; make it replicate from {@code primary}. */
    abstract void followAfterRejoin(ClusterNode node, ClusterNode primary);

    /** SQL whose one boolean says the node is not a primary (in recovery, read-only). */
    abstract String isReplicaSql();

    @Override
    public ClusterNode currentPrimary() {
        List<ClusterNode> primaries = new ArrayList<>();
        for (ClusterNode n : nodes) {
            if (!n.isRunning() || n.isPaused()) {
                continue;
            }
            try (Connection c = connect(n, admin, 2); java.sql.Statement s = c.createStatement();
                 java.sql.ResultSet rs = s.executeQuery(isReplicaSql())) {
                rs.next();
                if (!rs.getBoolean(1)) {
                    primaries.add(n);
                }
            } catch (SQLException e) {
                // not reachable now: not a primary we can use
            }
        }
        if (primaries.size() != 1) {
            throw new TestkitException("Expected exactly one running " + engine() + " primary, found " + primaries);
        }
        return primaries.get(0);
    }

    @Override
    public List<ClusterNode> nodes() {
        return nodes;
    }

    @Override
    public String database() {
        return database;
    }

    @Override
    public Credentials admin() {
        return admin;
    }

    @Override
    public Credentials failoverAdmin() {
        return failoverAdmin;
    }

    @Override
    public Credentials app() {
        return app;
    }

    @Override
    public Credentials replication() {
        return replication;
    }

    @Override
    public Connection connectAdmin(ClusterNode node) throws SQLException {
        return connect(node, admin(), 5);
    }

    @Override
    public Connection connectApp(ClusterNode node) throws SQLException {
        return connect(node, app(), 5);
    }

    /** Runs one query as admin on {@code node} and returns the first column of the first row as text. */
    public String query(ClusterNode node, String sql) {
        try (Connection c = connectAdmin(node); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        } catch (SQLException e) {
            throw new TestkitException("Query on " + node + " failed: " + e.getMessage(), e);
        }
    }

    /** Launches every node at once, then waits for each to accept connections. */
    void startAll() {
        for (ClusterNode n : nodes) {
            n.process(launch(n));
        }
        List<CompletableFuture<Void>> ready = new ArrayList<>();
        for (ClusterNode n : nodes) {
            ready.add(CompletableFuture.runAsync(() -> awaitReady(n)));
        }
        try {
            CompletableFuture.allOf(ready.toArray(CompletableFuture[]::new)).join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof TestkitException te ? te : new TestkitException(e.getCause().getMessage(), e.getCause());
        }
    }

    /** Polls until the node takes a connection; fails with the tail of its log when it dies or the start timeout passes. */
    void awaitReady(ClusterNode node) {
        long deadline = System.nanoTime() + startTimeout.toNanos();
        SQLException last = null;
        while (System.nanoTime() < deadline) {
            ServerProcess p = node.process();
            if (p == null || !p.isAlive()) {
                throw new TestkitException(engine() + " node " + node + " exited during start-up; last lines of its log "
                        + logFile(node) + ":\n" + ServerProcess.logTail(logFile(node), 30));
            }
            try (Connection c = connect(node, admin(), 1)) {
                if (c.isValid(1)) {
                    return;
                }
            } catch (SQLException e) {
                last = e;
            }
            sleepBriefly();
        }
        throw new TestkitException(engine() + " node " + node + " did not accept connections within " + startTimeout
                + (last == null ? "" : " (last error: " + last.getMessage() + ")") + "; last lines of its log "
                + logFile(node) + ":\n" + ServerProcess.logTail(logFile(node), 30));
    }

    static void sleepBriefly() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TestkitException("Interrupted while waiting for the cluster");
        }
    }

    @Override
    public void kill(ClusterNode node) {
        ServerProcess p = running(node, "kill");
        p.kill();
        node.paused(false);
    }

    @Override
    public void stop(ClusterNode node) {
        ServerProcess p = running(node, "stop");
        p.stop(stopSignal(), Duration.ofSeconds(30));
        node.paused(false);
    }

    @Override
    public void start(ClusterNode node) {
        checkOpen();
        ServerProcess old = node.process();
        if (old != null && old.isAlive()) {
            throw new IllegalStateException("Node " + node + " is already running (pid " + old.pid() + ")");
        }
        node.process(launch(node));
        awaitReady(node);
    }

    @Override
    public void rejoinAsReplica(ClusterNode node) {
        checkOpen();
        if (!nodes.contains(node)) {
            throw new IllegalArgumentException("Node " + node + " is not part of this cluster " + nodes);
        }
        if (node.isRunning()) {
            kill(node); // its data is about to be replaced; a paused process dies of SIGKILL too
        }
        ClusterNode primary = currentPrimary();
        ClusterNode source = null;
        for (ClusterNode n : nodes) {
            if (n != node && n != primary && n.isRunning() && !n.isPaused() && isReplica(n)) {
                source = n;
                break;
            }
        }
        if (source == null) {
            throw new TestkitException("Cannot re-clone " + node + ": no running replica of " + primary + " to copy; nodes " + nodes);
        }
        stop(source); // a cold copy of a cleanly stopped replica is a consistent replica
        try {
            Binaries.deleteTree(dataDir(node));
            ServerProcess.run("copying the data directory of " + source + " for " + node,
                    List.of("cp", "-a", "--reflink=auto", dataDir(source).toString(), dataDir(node).toString()),
                    java.util.Map.of(), baseDir, null, Duration.ofSeconds(120));
        } finally {
            start(source);
        }
        rejoined.add(node);
        prepareRejoin(node, primary);
        start(node);
        followAfterRejoin(node, primary);
        waitForReplication(startTimeout);
    }

    private boolean isReplica(ClusterNode node) {
        try (Connection c = connect(node, admin, 2); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(isReplicaSql())) {
            return rs.next() && rs.getBoolean(1);
        } catch (SQLException e) {
            return false;
        }
    }

    @Override
    public void pause(ClusterNode node) {
        running(node, "pause").pause();
        node.paused(true);
    }

    @Override
    public void resume(ClusterNode node) {
        running(node, "resume").resume();
        node.paused(false);
    }

    private ServerProcess running(ClusterNode node, String action) {
        checkOpen();
        if (!nodes.contains(node)) {
            throw new IllegalArgumentException("Node " + node + " is not part of this cluster " + nodes);
        }
        ServerProcess p = node.process();
        if (p == null || !p.isAlive()) {
            throw new IllegalStateException("Cannot " + action + " node " + node + ": it is not running");
        }
        return p;
    }

    void checkOpen() {
        if (closed) {
            throw new IllegalStateException("The " + engine() + " cluster is closed");
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closeQuietly();
        try {
            Runtime.getRuntime().removeShutdownHook(cleanupHook);
        } catch (IllegalStateException e) {
            // the JVM is already shutting down
        }
    }

    private synchronized void closeQuietly() {
        if (closed) {
            return;
        }
        closed = true;
        List<CompletableFuture<Void>> stops = new ArrayList<>();
        for (ClusterNode n : nodes) {
            ServerProcess p = n.process();
            if (p != null && p.isAlive()) {
                stops.add(CompletableFuture.runAsync(() -> p.stop(closeSignal(), Duration.ofSeconds(5))));
            }
        }
        CompletableFuture.allOf(stops.toArray(CompletableFuture[]::new)).join();
        Binaries.deleteTree(baseDir);
    }

    /** Ports free on the loopback interface now, for the nodes to listen on. */
    static List<Integer> freePorts(int count) {
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            List<Integer> ports = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                sockets.add(s);
                ports.add(s.getLocalPort());
            }
            return ports;
        } catch (IOException e) {
            throw new TestkitException("Could not find " + count + " free ports on the loopback interface", e);
        } finally {
            for (ServerSocket s : sockets) {
                try {
                    s.close();
                } catch (IOException ignored) {
                    // the port is free again either way
                }
            }
        }
    }

    /** Builder check: names end up unquoted in SQL and server options. */
    static String requireIdentifier(String what, String value) {
        if (value == null || !value.matches("[A-Za-z_][A-Za-z0-9_]*")) {
            throw new IllegalArgumentException(what + " must be a plain SQL identifier ([A-Za-z_][A-Za-z0-9_]*), but was '" + value + "'");
        }
        return value;
    }

    /** Builder check: passwords end up in single-quoted SQL literals. */
    static String requirePassword(String password) {
        if (password == null || password.isEmpty() || password.contains("'") || password.contains("\\")) {
            throw new IllegalArgumentException("password must be non-empty and contain no quote or backslash");
        }
        return password;
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + nodes;
    }
}
