package dev.replicaware.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.replicaware.NoReplicaAvailableException;
import dev.replicaware.ReadConsistency;
import dev.replicaware.ReplicaAwareConnection;
import dev.replicaware.ReplicaAwareDataSource;
import dev.replicaware.config.HealthConfig;
import dev.replicaware.testkit.ClusterNode;
import dev.replicaware.testkit.ReplicatedCluster;
import dev.replicaware.topology.NodeState;
import dev.replicaware.topology.NodeStatus;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import dev.replicaware.support.SteadyWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Routing that follows the monitor on a real cluster: lag bounds per cluster and per request, and replicas that hang
 * or die under a concurrent read workload. Where a read ran is proven by asking the server.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class LagAwareRoutingContract {
    private ReplicatedCluster cluster;

    abstract ReplicatedCluster startCluster();

    /** SQL answering the port of the server that ran it. */
    abstract String whichNodeSql();

    /**
     * The driver's socket timeout of {@code seconds}, as a pool setting ({@code dataSource.socketTimeout}, in the
     * driver's unit). A SIGSTOPped server keeps its sockets open and answers nothing: without one, a read in flight
     * there waits until the server resumes, as docs/routing.md says.
     */
    abstract java.util.Map<String, String> socketTimeout(int seconds);

    @BeforeAll
    void start() throws SQLException {
        cluster = startCluster();
        try (Connection c = cluster.connectApp(cluster.primary()); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE lag_load (id BIGINT PRIMARY KEY, at BIGINT)");
        }
        cluster.waitForReplication(Duration.ofSeconds(30));
    }

    @AfterAll
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void aReplicaBeyondMaxLagServesNoReadUntilItCatchesUp() throws Exception {
        ClusterNode delayed = cluster.replicas().get(0);
        try (ReplicaAwareDataSource ds = RoutingContractTest.dataSource(cluster, b -> b.maxLag(Duration.ofSeconds(1)));
             SteadyWriter w = new SteadyWriter(cluster, "lag_load")) {
            cluster.applyDelay(delayed, Duration.ofSeconds(2));
            try {
                awaitStatus(ds, delayed.name(), s -> s.state() == NodeState.LAGGING, Duration.ofSeconds(15));
                Map<String, Integer> served = reads(ds, ReadConsistency.ANY, 100);
                assertThat(served).doesNotContainKey(delayed.name()).containsKey(cluster.replicas().get(1).name());
            } finally {
                cluster.applyDelay(delayed, Duration.ZERO);
            }
            awaitStatus(ds, delayed.name(), s -> s.state() == NodeState.UP, Duration.ofSeconds(15));
            assertThat(reads(ds, ReadConsistency.ANY, 100)).containsKey(delayed.name());
            w.check();
        }
    }

    @Test
    void boundedStalenessSkipsADelayedReplicaThatAnyStillUses() throws Exception {
        ClusterNode delayed = cluster.replicas().get(0);
        try (ReplicaAwareDataSource ds = RoutingContractTest.dataSource(cluster,
                b -> b.maxLag(Duration.ofSeconds(30)).fallbackToPrimary(false));
             SteadyWriter w = new SteadyWriter(cluster, "lag_load")) {
            cluster.applyDelay(delayed, Duration.ofSeconds(2));
            try {
                awaitStatus(ds, delayed.name(), s -> s.lagSeconds() >= 1.5, Duration.ofSeconds(15));
                assertThat(reads(ds, ReadConsistency.ANY, 60)).containsKey(delayed.name());
                assertThat(reads(ds, ReadConsistency.boundedStaleness(Duration.ofSeconds(1)), 60))
                        .containsOnlyKeys(cluster.replicas().get(1).name());
                // nothing fresh enough and no fallback: the error says which replicas were refused and why
                ClusterNode other = cluster.replicas().get(1);
                cluster.applyDelay(other, Duration.ofSeconds(2));
                awaitStatus(ds, other.name(), s -> s.lagSeconds() >= 1.5, Duration.ofSeconds(15));
                assertThatThrownBy(() -> reads(ds, ReadConsistency.boundedStaleness(Duration.ofSeconds(1)), 1))
                        .isInstanceOf(NoReplicaAvailableException.class)
                        .hasMessageContaining("Cluster 'it'")
                        .hasMessageContaining(delayed.name() + ": lag ")
                        .hasMessageContaining(other.name() + ": lag ")
                        .hasMessageContaining("exceeds the bound of 1.000 s");
            } finally {
                cluster.replicas().forEach(r -> cluster.applyDelay(r, Duration.ZERO));
            }
            w.check();
        }
    }

    @Test
    void aPausedReplicaGoesDownWithoutFailingAReadAndServesAgainWhenResumed() throws Exception {
        assertReplicaOutageFailsNoRead(false);
    }

    @Test
    void aKilledReplicaGoesDownWithoutFailingAReadAndServesAgainWhenRestarted() throws Exception {
        assertReplicaOutageFailsNoRead(true);
    }

    private void assertReplicaOutageFailsNoRead(boolean kill) throws Exception {
        ClusterNode victim = cluster.replicas().get(1);
        HealthConfig health = HealthConfig.DEFAULTS;
        // reads caught on the paused replica end with the socket timeout and are retried on the other one
        try (ReplicaAwareDataSource ds = RoutingContractTest.dataSource(cluster, b -> b.pool(socketTimeout(3)));
             Readers readers = new Readers(ds, 4)) {
            readers.awaitReads(200);
            long t0 = System.nanoTime();
            if (kill) {
                cluster.kill(victim);
            } else {
                cluster.pause(victim);
            }
            try {
                awaitStatus(ds, victim.name(), s -> s.state() == NodeState.DOWN, Duration.ofSeconds(10));
                Duration took = Duration.ofNanos(System.nanoTime() - t0);
                Duration bound = health.interval().multipliedBy(health.failuresBeforeDown()).plus(health.timeout());
                System.out.printf("%s replica DOWN after %d ms (interval x failures + timeout = %d ms)%n",
                        kill ? "killed" : "paused", took.toMillis(), bound.toMillis());
                assertThat(took).isLessThanOrEqualTo(bound.plus(health.interval()));
                long before = readers.served(victim.name());
                readers.awaitReads(readers.total() + 200);
                // a read that reached the replica before it was DOWN may still end there (one per reader at most,
                // counted when it ends); none begins there after
                assertThat(readers.served(victim.name()) - before).as("reads served by a DOWN replica")
                        .isLessThanOrEqualTo(readers.threads.size());
            } finally {
                if (kill) {
                    cluster.start(victim);
                } else {
                    cluster.resume(victim);
                }
            }
            awaitStatus(ds, victim.name(), s -> s.state() == NodeState.UP, Duration.ofSeconds(15));
            long back = readers.served(victim.name());
            readers.awaitCondition(() -> readers.served(victim.name()) > back, Duration.ofSeconds(15));
            readers.stop();
            // reads in flight on the replica when it died moved to another node before answering
            assertThat(readers.failures).as("failed read-only transactions").isEmpty();
            RoutingContractTest.awaitNoActiveConnections(ds);
        }
    }

    /** {@code count} read-only transactions; which node served how many. */
    Map<String, Integer> reads(ReplicaAwareDataSource ds, ReadConsistency consistency, int count) throws SQLException {
        Map<String, Integer> served = new HashMap<>();
        for (int i = 0; i < count; i++) {
            try (Connection c = ds.getConnection()) {
                c.unwrap(ReplicaAwareConnection.class).setReadConsistency(consistency);
                c.setReadOnly(true);
                c.setAutoCommit(false);
                served.merge(node(c), 1, Integer::sum);
                c.commit();
            }
        }
        return served;
    }

    String node(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(whichNodeSql())) {
            rs.next();
            int port = rs.getInt(1);
            return cluster.nodes().stream().filter(n -> n.port() == port).findFirst().map(ClusterNode::name)
                    .orElseThrow(() -> new AssertionError("no node on port " + port));
        }
    }

    static NodeStatus awaitStatus(ReplicaAwareDataSource ds, String node, Predicate<NodeStatus> condition, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        NodeStatus last = ds.topology().node(node).orElseThrow();
        while (!condition.test(last)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(node + " did not reach the expected status within " + timeout + "; last: " + last);
            }
            Thread.onSpinWait();
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
            last = ds.topology().node(node).orElseThrow();
        }
        return last;
    }

    /** Threads running read-only transactions back to back, recording who served each and every failure. */
    final class Readers implements AutoCloseable {
        final List<Throwable> failures = new CopyOnWriteArrayList<>();
        private final Map<String, java.util.concurrent.atomic.LongAdder> served = new ConcurrentHashMap<>();
        private final AtomicBoolean running = new AtomicBoolean(true);
        final List<Thread> threads = new ArrayList<>();

        Readers(ReplicaAwareDataSource ds, int count) {
            for (int i = 0; i < count; i++) {
                Thread t = new Thread(() -> {
                    while (running.get()) {
                        try (Connection c = ds.getConnection()) {
                            c.setReadOnly(true);
                            c.setAutoCommit(false);
                            String n = node(c);
                            c.commit();
                            served.computeIfAbsent(n, k -> new java.util.concurrent.atomic.LongAdder()).increment();
                        } catch (SQLException | RuntimeException e) {
                            failures.add(e);
                        }
                    }
                }, "reader-" + i);
                t.start();
                threads.add(t);
            }
        }

        long served(String node) {
            java.util.concurrent.atomic.LongAdder a = served.get(node);
            return a == null ? 0 : a.sum();
        }

        long total() {
            return served.values().stream().mapToLong(java.util.concurrent.atomic.LongAdder::sum).sum();
        }

        void awaitReads(long total) {
            awaitCondition(() -> total() >= total, Duration.ofSeconds(30));
        }

        void awaitCondition(java.util.function.BooleanSupplier condition, Duration timeout) {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!condition.getAsBoolean()) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("readers did not get there within " + timeout + "; served " + served
                            + ", failures " + failures);
                }
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError(e);
                }
            }
        }

        void stop() throws InterruptedException {
            running.set(false);
            for (Thread t : threads) {
                t.join(30_000);
            }
        }

        @Override
        public void close() throws InterruptedException {
            stop();
        }
    }
}
