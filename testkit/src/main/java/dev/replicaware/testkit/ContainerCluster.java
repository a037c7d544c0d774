package dev.replicaware.testkit;

import com.github.dockerjava.api.DockerClient;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.utility.DockerImageName;

/**
 * What the container clusters share: one Docker network, one container per node on a fixed host port, readiness by
 * logging in over JDBC, and faults through the Docker API. Data lives in the container, so it survives
 * {@link #kill}/{@link #stop} and {@link #start} and goes with {@link #close()}.
 */
abstract class ContainerCluster implements ReplicatedCluster {
    static final Duration START_TIMEOUT = Duration.ofMinutes(3);
    static final String DATABASE = "app";

    final Network network;
    final List<ClusterNode> nodes;
    final List<GenericContainer<?>> containers = new ArrayList<>();
    private final String image;
    private final Credentials admin;
    private final Credentials failoverAdmin = new Credentials(DocumentedGrants.ADMIN_USER, "failover-secret");
    private final Credentials app;
    private final Credentials replication;
    private volatile boolean closed;

    ContainerCluster(String image, int internalPort, String urlPrefix, int replicas, Credentials admin, Credentials app,
            Credentials replication) {
        this.image = image;
        this.admin = admin;
        this.app = app;
        this.replication = replication;
        // a fixed host port, so a node keeps its address (and its JDBC URL) when its container starts again
        List<Integer> ports = PostgresCluster.freePorts(replicas + 1);
        String host = DockerClientFactory.instance().dockerHostIpAddress();
        List<ClusterNode> list = new ArrayList<>();
        for (int i = 0; i <= replicas; i++) {
            String name = i == 0 ? "primary" : "replica" + i;
            list.add(new ClusterNode(name, host, ports.get(i), urlPrefix + host + ":" + ports.get(i) + "/" + DATABASE, i == 0));
        }
        this.nodes = List.copyOf(list);
        this.network = Network.newNetwork();
        for (ClusterNode n : nodes) {
            GenericContainer<?> c = new GenericContainer<>(DockerImageName.parse(image))
                    .withNetwork(network)
                    .withNetworkAliases(n.name())
                    .withExposedPorts(internalPort)
                    .waitingFor(Wait.forListeningPort())
                    .withStartupTimeout(START_TIMEOUT);
            c.setPortBindings(List.of(n.port() + ":" + internalPort));
            containers.add(c);
        }
    }

    /** A connection with short timeouts; without {@code database} it names no database, for set-up. */
    abstract Connection connect(ClusterNode node, Credentials who, int timeoutSeconds, boolean database) throws SQLException;

    @Override
    public List<ClusterNode> nodes() {
        return nodes;
    }

    @Override
    public String database() {
        return DATABASE;
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
        return connect(node, admin, 5, true);
    }

    @Override
    public Connection connectApp(ClusterNode node) throws SQLException {
        return connect(node, app, 5, true);
    }

    GenericContainer<?> container(ClusterNode node) {
        int i = nodes.indexOf(node);
        if (i < 0) {
            throw new IllegalArgumentException("Node " + node + " is not part of this cluster " + nodes);
        }
        return containers.get(i);
    }

    /** Creates and starts the containers of {@code group} at once, and waits until each takes an admin login. */
    void startContainers(List<ClusterNode> group) {
        List<CompletableFuture<Void>> ready = new ArrayList<>();
        for (ClusterNode n : group) {
            ready.add(CompletableFuture.runAsync(() -> {
                try {
                    container(n).start();
                } catch (RuntimeException e) {
                    throw new TestkitException(engine() + " container of " + n + " (" + image + ") did not start: "
                            + e.getMessage() + "; last lines of its log:\n" + logTail(n), e);
                }
                n.runningRemotely(true);
                awaitLogin(n);
            }));
        }
        try {
            CompletableFuture.allOf(ready.toArray(CompletableFuture[]::new)).join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof TestkitException te ? te : new TestkitException(e.getCause().getMessage(), e.getCause());
        }
    }

    /** Polls until the server takes an admin login: a listening port alone does not mean recovery has finished. */
    void awaitLogin(ClusterNode node) {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        SQLException last = null;
        while (System.nanoTime() < deadline) {
            try (Connection c = connect(node, admin, 2, false)) {
                if (c.isValid(2)) {
                    return;
                }
            } catch (SQLException e) {
                last = e;
            }
            AbstractCluster.sleepBriefly();
        }
        throw new TestkitException(engine() + " node " + node + " did not accept an admin login within " + START_TIMEOUT
                + (last == null ? "" : " (last error: " + last.getMessage() + ")") + "; last lines of its log:\n" + logTail(node));
    }

    String logTail(ClusterNode node) {
        try {
            String[] lines = container(node).getLogs().split("\n");
            return String.join("\n", List.of(lines).subList(Math.max(0, lines.length - 30), lines.length));
        } catch (RuntimeException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** Runs one query as admin on {@code node} and returns the first column of the first row as text. */
    String query(ClusterNode node, String sql) {
        try (Connection c = connect(node, admin, 5, false); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        } catch (SQLException e) {
            throw new TestkitException("Query on " + engine() + " node " + node + " failed: " + e.getMessage(), e);
        }
    }

    /** Runs statements in order as admin on {@code node}; {@code what} names the step in the error. */
    void execute(ClusterNode node, String what, String... statements) {
        try (Connection c = connect(node, admin, 5, false); Statement s = c.createStatement()) {
            for (String sql : statements) {
                s.execute(sql);
            }
        } catch (SQLException e) {
            throw new TestkitException(what + " on " + engine() + " node " + node + " failed: " + e.getMessage(), e);
        }
    }

    private DockerClient docker() {
        return DockerClientFactory.instance().client();
    }

    private String runningId(ClusterNode node, String action) {
        checkOpen();
        String id = container(node).getContainerId();
        if (id == null || !node.isRunning()) {
            throw new IllegalStateException("Cannot " + action + " node " + node + ": its container is not running");
        }
        return id;
    }

    @Override
    public void kill(ClusterNode node) {
        String id = runningId(node, "kill");
        if (node.isPaused()) {
            // Docker delivers SIGKILL to a frozen cgroup only once it is thawed
            docker().unpauseContainerCmd(id).exec();
        }
        docker().killContainerCmd(id).exec();
        node.runningRemotely(false);
        node.paused(false);
    }

    /** {@code docker stop}: the image's stop signal (a fast shutdown for both images), then SIGKILL after 30 s. */
    @Override
    public void stop(ClusterNode node) {
        String id = runningId(node, "stop");
        if (node.isPaused()) {
            docker().unpauseContainerCmd(id).exec();
        }
        docker().stopContainerCmd(id).withTimeout(30).exec();
        node.runningRemotely(false);
        node.paused(false);
    }

    @Override
    public void start(ClusterNode node) {
        checkOpen();
        String id = container(node).getContainerId();
        if (id == null) {
            throw new IllegalStateException("Node " + node + " has no container to start");
        }
        if (node.isRunning()) {
            throw new IllegalStateException("Node " + node + " is already running");
        }
        docker().startContainerCmd(id).exec();
        node.runningRemotely(true);
        awaitLogin(node);
    }

    /** {@code docker pause}: the cgroup freezer stops every process; the sockets stay open and answer nothing. */
    @Override
    public void pause(ClusterNode node) {
        docker().pauseContainerCmd(runningId(node, "pause")).exec();
        node.paused(true);
    }

    @Override
    public void resume(ClusterNode node) {
        docker().unpauseContainerCmd(runningId(node, "resume")).exec();
        node.paused(false);
    }

    void checkOpen() {
        if (closed) {
            throw new IllegalStateException("The " + engine() + " container cluster is closed");
        }
    }

    /** Removes every container with its data, then the network. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        List<CompletableFuture<Void>> stops = new ArrayList<>();
        for (int i = 0; i < containers.size(); i++) {
            ClusterNode n = nodes.get(i);
            GenericContainer<?> c = containers.get(i);
            stops.add(CompletableFuture.runAsync(() -> {
                try {
                    if (n.isPaused() && c.getContainerId() != null) {
                        docker().unpauseContainerCmd(c.getContainerId()).exec();
                    }
                } catch (RuntimeException e) {
                    // removing it below kills it anyway
                }
                try {
                    c.stop();
                } catch (RuntimeException e) {
                    // Testcontainers' reaper removes what is left when the JVM exits
                }
                n.runningRemotely(false);
                n.paused(false);
            }));
        }
        CompletableFuture.allOf(stops.toArray(CompletableFuture[]::new)).join();
        network.close();
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + nodes;
    }
}
