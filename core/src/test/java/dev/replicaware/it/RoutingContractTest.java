package dev.replicaware.it;

import dev.replicaware.ReplicaAwareConnection;
import dev.replicaware.ReplicaAwareDataSource;
import dev.replicaware.config.ClusterConfig;
import dev.replicaware.config.NodeConfig;
import dev.replicaware.testkit.ClusterNode;
import dev.replicaware.testkit.ReplicatedCluster;
import dev.replicaware.topology.Node;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Routing against a real replicated cluster of any engine. Every claim about where a statement ran is proven by asking
 * the server which node it is ({@link #whichNodeSql()}). A subclass names the engine: how to start a cluster of a
 * primary and two replicas, and the SQL that answers the serving node's port.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class RoutingContractTest {
    private ReplicatedCluster cluster;
    private ReplicaAwareDataSource dataSource;

    /** Starts a cluster of a primary and two replicas. */
    protected abstract ReplicatedCluster startCluster();

    /** SQL whose one row, one column answers the port of the server that ran it. */
    protected abstract String whichNodeSql();

    @BeforeAll
    void startClusterAndDataSource() throws SQLException {
        cluster = startCluster();
        // tests here write, then read: reads wait for their replica, so that where a read runs does not depend on
        // whether a replica is already known to have the write (the default would send it to the primary until then)
        dataSource = dataSource(cluster, b -> b.readYourWritesWait(dev.replicaware.config.RoutingConfig.ReadYourWritesWait.ALWAYS));
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE routing_probe (id INT PRIMARY KEY, note VARCHAR(40))");
        }
        cluster.waitForReplication(Duration.ofSeconds(30));
    }

    @AfterAll
    void stop() {
        if (dataSource != null) {
            dataSource.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    /** A DataSource over {@code c}'s nodes, named as the testkit names them, with small pools. */
    static ReplicaAwareDataSource dataSource(ReplicatedCluster c, Consumer<ClusterConfig.Builder> customizer) {
        ClusterConfig.Builder b = ClusterConfig.builder("it")
                .primary(NodeConfig.of(c.primary().name(), c.primary().jdbcUrl()))
                .username(c.app().username()).password(c.app().password())
                .pool(Map.of("maximumPoolSize", "4", "minimumIdle", "1"));
        for (ClusterNode r : c.replicas()) {
            b.replica(NodeConfig.of(r.name(), r.jdbcUrl()));
        }
        customizer.accept(b);
        return new ReplicaAwareDataSource(b.build());
    }

    /** The node of {@code c} that answers {@link #whichNodeSql()} on {@code connection}. */
    String servedBy(ReplicatedCluster c, Connection connection) throws SQLException {
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(whichNodeSql())) {
            rs.next();
            int port = rs.getInt(1);
            return c.nodes().stream().filter(n -> n.port() == port).findFirst().map(ClusterNode::name)
                    .orElseThrow(() -> new AssertionError("No node of " + c + " listens on port " + port));
        }
    }

    String servedBy(Connection connection) throws SQLException {
        return servedBy(cluster, connection);
    }

    /** One read-only transaction; answers the node that ran it. */
    String readOnlyTransaction(ReplicaAwareDataSource ds, ReplicatedCluster c) throws SQLException {
        try (Connection conn = ds.getConnection()) {
            conn.setReadOnly(true);
            conn.setAutoCommit(false);
            String node = servedBy(c, conn);
            conn.commit();
            return node;
        }
    }

    static void awaitNoActiveConnections(ReplicaAwareDataSource ds) {
        await("every pool of " + ds + " has 0 active connections", Duration.ofSeconds(10), () -> ds.routingTopology().nodes().stream()
                .allMatch(n -> n.activeConnections() == 0), () -> ds.routingTopology().nodes().stream()
                .map(n -> n.name() + "=" + n.activeConnections()).toList());
    }

    static void await(String what, Duration timeout, BooleanSupplier condition, Supplier<Object> lastObserved) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("Waited " + timeout + " for " + what + "; last observed " + lastObserved.get());
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail("Interrupted while waiting for " + what);
            }
        }
    }

    @Test
    void anInterruptedBorrowLeavesItsReplicaServingAndSaysTheCallingThreadWasInterrupted() throws Exception {
        ClusterNode replica = cluster.replicas().get(0);
        ClusterConfig config = ClusterConfig.builder("it")
                .primary(NodeConfig.of(cluster.primary().name(), cluster.primary().jdbcUrl()))
                .username(cluster.app().username()).password(cluster.app().password())
                .pool(Map.of("maximumPoolSize", "1", "minimumIdle", "1", "connectionTimeout", "20000"))
                .replica(NodeConfig.of(replica.name(), replica.jdbcUrl()))
                .build();
        try (ReplicaAwareDataSource ds = new ReplicaAwareDataSource(config)) {
            Node node = ds.routingTopology().node(replica.name()).orElseThrow();
            List<String> served = new ArrayList<>();
            await("a read on " + replica.name(), Duration.ofSeconds(10), () -> {
                try {
                    served.add(readOnlyTransaction(ds, cluster));
                } catch (SQLException e) {
                    served.add(e.toString());
                }
                return served.get(served.size() - 1).equals(replica.name());
            }, () -> served);
            java.util.concurrent.atomic.AtomicReference<Object> outcome = new java.util.concurrent.atomic.AtomicReference<>();
            java.util.concurrent.atomic.AtomicBoolean flagSet = new java.util.concurrent.atomic.AtomicBoolean();
            try (Connection holder = ds.getConnection()) { // holds the replica's one connection: the next read waits
                holder.setReadOnly(true);
                holder.setAutoCommit(false);
                assertThat(servedBy(holder)).isEqualTo(replica.name());
                Thread reader = new Thread(() -> {
                    try (Connection c = ds.getConnection()) {
                        c.setReadOnly(true);
                        c.setAutoCommit(false);
                        outcome.set("served by " + servedBy(c));
                    } catch (Throwable e) {
                        outcome.set(e);
                    }
                    flagSet.set(Thread.currentThread().isInterrupted());
                }, "interrupted-reader");
                reader.start();
                await("the reader waiting for the replica's one connection", Duration.ofSeconds(10),
                        () -> node.pool().getHikariPoolMXBean().getThreadsAwaitingConnection() == 1,
                        () -> node.pool().getHikariPoolMXBean().getThreadsAwaitingConnection() + " waiting");
                reader.interrupt();
                reader.join(TimeUnit.SECONDS.toMillis(20));
                assertThat(reader.isAlive()).as("the interrupted reader returned").isFalse();
                holder.commit();
            }
            assertThat(outcome.get()).as("what the interrupted read got").isInstanceOf(SQLException.class);
            assertThat(((SQLException) outcome.get()).getMessage()).contains("Cluster 'it'", "calling thread was interrupted",
                    "'" + replica.name() + "'", "not marked failed");
            assertThat(flagSet).as("the reader's interrupt flag after the failure").isTrue();
            assertThat(node.isAvailable()).as("the replica is not backing off").isTrue();
            assertThat(readOnlyTransaction(ds, cluster)).as("the read right after").isEqualTo(replica.name());
        }
    }

    @Test
    void anUpdatableResultSetIsRefusedOnAReadOnlyConnectionAndUpdatesThePrimaryOnAReadWriteOne() throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.executeUpdate("INSERT INTO routing_probe VALUES (60, 'before')");
        }
        cluster.waitForReplication(Duration.ofSeconds(30));
        String select = "SELECT id, note FROM routing_probe WHERE id = 60";
        try (Connection c = dataSource.getConnection()) {
            c.setReadOnly(true);
            c.setAutoCommit(false);
            for (org.assertj.core.api.ThrowableAssert.ThrowingCallable updatable : List.<org.assertj.core.api.ThrowableAssert.ThrowingCallable>of(
                    () -> c.createStatement(ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_UPDATABLE),
                    () -> c.prepareStatement(select, ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_UPDATABLE))) {
                SQLException refused = org.assertj.core.api.Assertions.catchThrowableOfType(SQLException.class, updatable);
                assertThat((Throwable) refused).as("an updatable result set on a read-only connection").isNotNull();
                assertThat(refused.getMessage()).contains("Cluster 'it'", "CONCUR_UPDATABLE", "read-only connection",
                        "setReadOnly(false)");
                assertThat(refused.getSQLState()).isEqualTo("25006");
            }
            c.commit();
            c.setReadOnly(false);
            try (Statement s = c.createStatement(ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_UPDATABLE);
                 ResultSet rs = s.executeQuery(select)) {
                assertThat(rs.next()).isTrue();
                rs.updateString("note", "updated");
                rs.updateRow();
            }
            c.commit();
        }
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT note FROM routing_probe WHERE id = 60")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("updated");
            assertThat(servedBy(c)).as("where the updated row was read").isEqualTo("primary");
        }
    }

    @Test
    void writesAndReadWriteTransactionsRunOnThePrimary() throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.executeUpdate("INSERT INTO routing_probe VALUES (1, 'autocommit')");
            assertThat(servedBy(c)).isEqualTo("primary");
        }
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.executeUpdate("INSERT INTO routing_probe VALUES (2, 'transaction')");
            }
            assertThat(servedBy(c)).isEqualTo("primary");
            c.commit();
        }
    }

    @Test
    void readOnlyTransactionsRunOnReplicas() throws SQLException {
        List<String> served = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            served.add(readOnlyTransaction(dataSource, cluster));
        }
        assertThat(served).containsOnly("replica1", "replica2").contains("replica1", "replica2");
    }

    @Test
    void springCallOrderRunsOnAReplicaThenWritesOnThePrimary() throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setReadOnly(true);
            c.setAutoCommit(false);
            String reader = servedBy(c);
            c.commit();
            c.setReadOnly(false);
            c.setAutoCommit(true);
            assertThat(reader).startsWith("replica");

            try (Statement s = c.createStatement()) {
                s.executeUpdate("INSERT INTO routing_probe VALUES (3, 'after read-only')");
            }
            assertThat(servedBy(c)).isEqualTo("primary");
            assertThat(c.unwrap(ReplicaAwareConnection.class).servingNode()).contains("primary");
        }
    }

    @Test
    void roundRobinSpreadsReadOnlyTransactionsEvenly() throws SQLException {
        Map<String, Integer> served = new HashMap<>();
        for (int i = 0; i < 3000; i++) {
            served.merge(readOnlyTransaction(dataSource, cluster), 1, Integer::sum);
        }
        assertThat(served).containsOnlyKeys("replica1", "replica2");
        assertThat(served.get("replica1")).isBetween(1350, 1650);
        assertThat(served.get("replica2")).isBetween(1350, 1650);
    }

    @Test
    void weightedSpreadsTwoToOne() throws SQLException {
        ClusterConfig base = dataSource.config();
        ClusterConfig config = new ClusterConfig(base.name(), base.primary(),
                List.of(base.replicas().get(0).withWeight(2), base.replicas().get(1).withWeight(1)),
                base.username(), base.password(), base.pool(),
                new dev.replicaware.config.RoutingConfig(dev.replicaware.config.RoutingConfig.Strategy.WEIGHTED, true,
                        base.routing().readConsistency(), base.routing().failureBackoff(), base.routing().maxLag()), base.health(), base.failover());
        try (ReplicaAwareDataSource weighted = new ReplicaAwareDataSource(config)) {
            Map<String, Integer> served = new HashMap<>();
            for (int i = 0; i < 3000; i++) {
                served.merge(readOnlyTransaction(weighted, cluster), 1, Integer::sum);
            }
            assertThat(served.get("replica1")).isBetween(1800, 2200);
            assertThat(served.get("replica2")).isBetween(900, 1100);
        }
    }

    @Test
    void clientInfoAndHoldabilityOneBorrowerSetsAreGoneForTheNext() throws SQLException {
        try (ReplicaAwareDataSource ds = dataSource(cluster, b -> b.pool(Map.of("maximumPoolSize", "1", "minimumIdle", "0")))) {
            String applicationName;
            int holdability;
            try (Connection c = ds.getConnection()) { // the pool's one connection, as the pool gives it
                applicationName = c.getClientInfo("ApplicationName");
                holdability = c.getHoldability();
            }
            try (Connection c = ds.getConnection()) {
                servedBy(c);
                c.setClientInfo("ApplicationName", "first-borrower");
                c.setHoldability(holdability == ResultSet.HOLD_CURSORS_OVER_COMMIT
                        ? ResultSet.CLOSE_CURSORS_AT_COMMIT : ResultSet.HOLD_CURSORS_OVER_COMMIT);
            }
            try (Connection next = ds.getConnection()) {
                assertThat(next.getClientInfo("ApplicationName")).as("ApplicationName").isEqualTo(applicationName);
                assertThat(next.getHoldability()).as("holdability").isEqualTo(holdability);
            }
            awaitNoActiveConnections(ds);
        }
    }

    @Test
    void thirtyTwoThreadsOfMixedConnectionsLeakNothing() throws Exception {
        int threads = 32;
        int perThread = 2_000; // 64,000 logical connections over every path; 10,000 cost a minute of mvn verify per engine
        AtomicLong touched = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> work = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                work.add(pool.submit(() -> {
                    for (int i = 0; i < perThread; i++) {
                        mixedWork(thread, i, touched);
                    }
                    return null;
                }));
            }
            for (Future<?> f : work) {
                f.get(170, TimeUnit.SECONDS); // a deadlock detector, not a performance bound
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(touched.get()).isPositive();
        awaitNoActiveConnections(dataSource);
    }

    /** One logical connection of one of five kinds, so threads interleave every path. */
    private void mixedWork(int thread, int i, AtomicLong touched) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            switch ((thread + i) % 5) {
                case 0 -> c.setReadOnly(true); // never touches the database
                case 1 -> {
                    c.setReadOnly(true);
                    trivialQuery(c, touched);
                }
                case 2 -> {
                    c.setReadOnly(true);
                    c.setAutoCommit(false);
                    trivialQuery(c, touched);
                    c.commit();
                    c.setReadOnly(false);
                    trivialQuery(c, touched);
                }
                case 3 -> trivialQuery(c, touched);
                default -> {
                    c.setAutoCommit(false);
                    trivialQuery(c, touched);
                    c.rollback();
                }
            }
        }
    }

    private static void trivialQuery(Connection c, AtomicLong touched) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT 1")) {
            rs.next();
        }
        touched.incrementAndGet();
    }

    @Test
    void killedReplicaMidRunLeavesReadsOnTheOthersAndLeaksNothing() throws SQLException {
        try (ReplicatedCluster own = startCluster(); ReplicaAwareDataSource ds = dataSource(own, b -> { })) {
            ClusterNode victim = own.replicas().get(0);
            Map<String, Integer> afterKill = new HashMap<>();
            List<SQLException> failures = new ArrayList<>();
            for (int i = 0; i < 600; i++) {
                if (i == 200) {
                    own.kill(victim);
                }
                try {
                    String node = readOnlyTransaction(ds, own);
                    if (i >= 200) {
                        afterKill.merge(node, 1, Integer::sum);
                    }
                } catch (SQLException e) {
                    failures.add(e);
                }
            }
            // The one transaction that took a pooled connection the kill had already cut fails, with a connection error;
            // that marks the replica, evicts its pool, and every later transaction goes elsewhere.
            assertThat(failures).hasSizeLessThanOrEqualTo(1)
                    .allSatisfy(e -> assertThat(e.getSQLState()).startsWith("08"));
            assertThat(afterKill).doesNotContainKey(victim.name());
            assertThat(afterKill.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(400 - failures.size());
            // the monitor, not only the request path, has seen it go
            await(victim.name() + " DOWN in the topology", Duration.ofSeconds(10),
                    () -> ds.topology().node(victim.name()).orElseThrow().state() == dev.replicaware.topology.NodeState.DOWN,
                    () -> ds.topology().toString());
            awaitNoActiveConnections(ds);
        }
    }
}
