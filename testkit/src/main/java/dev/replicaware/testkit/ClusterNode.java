package dev.replicaware.testkit;

import java.util.Objects;

/**
 * One database server of a testkit cluster: its name ({@code primary}, {@code replica1}, ...), address and JDBC URL.
 * The name says what the node was at start; after a promotion, ask the servers ({@link ReplicatedCluster#currentPrimary()}).
 */
public final class ClusterNode {
    private final String name;
    private final String host;
    private final int port;
    private final String jdbcUrl;
    private final boolean startedAsPrimary;
    private volatile ServerProcess process;
    /** For a server in a container, which has no local process: whether the container runs. */
    private volatile boolean runningRemotely;
    private volatile boolean paused;

    ClusterNode(String name, String host, int port, String jdbcUrl, boolean startedAsPrimary) {
        this.name = Objects.requireNonNull(name);
        this.host = host;
        this.port = port;
        this.jdbcUrl = jdbcUrl;
        this.startedAsPrimary = startedAsPrimary;
    }

    public String name() {
        return name;
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    /** The URL an application uses to reach this node, for the driver it would use (pgjdbc, mysql-connector-j). */
    public String jdbcUrl() {
        return jdbcUrl;
    }

    public boolean startedAsPrimary() {
        return startedAsPrimary;
    }

    /** True while the server process runs (also while it is paused). */
    public boolean isRunning() {
        ServerProcess p = process;
        return p != null ? p.isAlive() : runningRemotely;
    }

    public boolean isPaused() {
        return paused;
    }

    /** The operating-system pid of the server process, or -1 when it is not running or runs in a container. */
    public long pid() {
        ServerProcess p = process;
        return p != null && p.isAlive() ? p.pid() : -1;
    }

    ServerProcess process() {
        return process;
    }

    void process(ServerProcess process) {
        this.process = process;
    }

    void runningRemotely(boolean running) {
        this.runningRemotely = running;
    }

    void paused(boolean paused) {
        this.paused = paused;
    }

    @Override
    public String toString() {
        return name + "@" + host + ":" + port;
    }
}
