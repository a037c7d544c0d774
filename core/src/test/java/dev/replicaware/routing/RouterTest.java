package dev.replicaware.routing;

import dev.replicaware.NoReplicaAvailableException;
import dev.replicaware.support.StubCluster;
import dev.replicaware.topology.Node;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;

import static dev.replicaware.support.StubCluster.servedBy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** Routing decisions and strategies on the stub driver: any JDBC driver routes by the configured roles. */
class RouterTest {
    private StubCluster cluster;

    @AfterEach
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private Map<String, Integer> readMany(int count) throws SQLException {
        Map<String, Integer> served = new HashMap<>();
        for (int i = 0; i < count; i++) {
            try (Connection c = cluster.dataSource.getConnection()) {
                c.setReadOnly(true);
                served.merge(servedBy(c), 1, Integer::sum);
            }
        }
        return served;
    }

    private Node node(String name) {
        return cluster.dataSource.routingTopology().node(name).orElseThrow();
    }

    @Test
    void roundRobinAlternatesReplicas() throws SQLException {
        cluster = StubCluster.start(2);
        assertThat(readMany(300)).containsEntry(cluster.replicas[0].name(), 150).containsEntry(cluster.replicas[1].name(), 150);
        assertThat(node("replica1").reads()).isEqualTo(150);
        assertThat(node("primary").reads()).isZero();
    }

    @Test
    void weightedFollowsTheWeights() throws SQLException {
        cluster = StubCluster.weighted(2, 1);
        assertThat(readMany(300)).containsEntry(cluster.replicas[0].name(), 200).containsEntry(cluster.replicas[1].name(), 100);
    }

    @Test
    void randomAndLeastActiveUseEveryReplica() throws SQLException {
        cluster = StubCluster.start(2, b -> b.strategy("random"));
        Map<String, Integer> random = readMany(400);
        assertThat(random.get(cluster.replicas[0].name()).doubleValue()).isCloseTo(200, within(60.0));
        cluster.close();
        cluster = StubCluster.start(2, b -> b.strategy("least-active"));
        Map<String, Integer> leastActive = readMany(400);
        assertThat(leastActive).containsOnlyKeys(cluster.replicas[0].name(), cluster.replicas[1].name());
    }

    @Test
    void leastActivePrefersTheIdleReplica() throws SQLException {
        cluster = StubCluster.start(2, b -> b.strategy("least-active"));
        try (Connection busy = cluster.dataSource.getConnection()) {
            busy.setReadOnly(true);
            String first = servedBy(busy);
            for (int i = 0; i < 20; i++) {
                assertThat(readMany(1)).doesNotContainKey(first);
            }
        }
    }

    @Test
    void threadAffinityKeepsEachThreadOnOneReplicaSpreadsThreadsAndMovesOnlyWhileItsReplicaCannotServe() throws Exception {
        cluster = StubCluster.start(2, b -> b.strategy("thread-affinity"));
        Map<String, Map<String, Integer>> byThread = new java.util.concurrent.ConcurrentHashMap<>();
        java.util.List<Thread> threads = new java.util.ArrayList<>();
        java.util.concurrent.atomic.AtomicReference<Throwable> failure = new java.util.concurrent.atomic.AtomicReference<>();
        for (int t = 0; t < 4; t++) { // consecutive ids: two threads on each replica
            Thread thread = new Thread(() -> {
                try {
                    byThread.put(Thread.currentThread().getName(), readMany(20));
                } catch (Throwable e) {
                    failure.set(e);
                }
            }, "affinity-" + t);
            threads.add(thread);
        }
        for (Thread thread : threads) {
            thread.start();
            thread.join(); // one after another: each thread's reads are its own
        }
        assertThat(failure.get()).isNull();
        assertThat(byThread.values()).as("each thread's 20 reads, by serving replica").allSatisfy(served ->
                assertThat(served).hasSize(1).containsValue(20));
        assertThat(byThread.values().stream().flatMap(m -> m.keySet().stream()).distinct())
                .as("replicas serving some thread").containsExactlyInAnyOrder(cluster.replicas[0].name(), cluster.replicas[1].name());

        String own = readMany(1).keySet().iterator().next(); // the stub server's name
        int ownIndex = own.equals(cluster.replicas[0].name()) ? 0 : 1;
        Node ownNode = node("replica" + (ownIndex + 1));
        long backoff = java.time.Duration.ofMinutes(1).toNanos();
        ownNode.markFailed(System.nanoTime(), backoff); // as a failed borrow does: skipped while it backs off
        assertThat(readMany(10)).as("reads while this thread's replica backs off")
                .containsOnlyKeys(cluster.replicas[1 - ownIndex].name());
        ownNode.markFailed(System.nanoTime() - backoff, backoff); // a back-off that is over
        assertThat(readMany(10)).as("reads once it serves again").containsOnlyKeys(own);
    }

    @Test
    void aReplicaThatRefusesIsSkippedForTheNextAndCounted() throws SQLException {
        cluster = StubCluster.start(2);
        cluster.replicas[0].refuseConnections(true);
        Map<String, Integer> served = readMany(20);
        assertThat(served).containsOnlyKeys(cluster.replicas[1].name()).containsEntry(cluster.replicas[1].name(), 20);
        // One attempt waited for the refusing pool; during the back-off the others skipped it.
        assertThat(node("replica1").failures()).isEqualTo(1);
        assertThat(node("replica2").fallbacks()).isEqualTo(1);
        assertThat(cluster.dataSource.routingTopology().nodes()).allSatisfy(n -> assertThat(n.activeConnections()).isZero());
    }

    @Test
    void whenEveryReplicaRefusesReadsFallBackToThePrimary() throws SQLException {
        cluster = StubCluster.start(2);
        cluster.replicas[0].refuseConnections(true);
        cluster.replicas[1].refuseConnections(true);
        assertThat(readMany(10)).containsOnlyKeys(cluster.primary.name());
        assertThat(node("primary").fallbacks()).isEqualTo(10);
        assertThat(node("replica1").failures() + node("replica2").failures()).isEqualTo(2);
    }

    @Test
    void withoutFallbackNoReplicaMeansAnErrorNamingClusterAndReplicas() throws SQLException {
        cluster = StubCluster.start(2, b -> b.fallbackToPrimary(false));
        cluster.replicas[0].refuseConnections(true);
        cluster.replicas[1].refuseConnections(true);
        assertThatThrownBy(() -> readMany(1)).isInstanceOf(NoReplicaAvailableException.class)
                .hasMessageContaining("Cluster 'stub'").hasMessageContaining("considered replica1: could not give a connection, replica2: could not give a connection")
                .hasMessageContaining("fallbackToPrimary is off").hasMessageNotContaining("secret");
        // Both now back off; without fallback they are still tried rather than refused untried.
        cluster.replicas[1].refuseConnections(false);
        assertThat(readMany(1)).containsOnlyKeys(cluster.replicas[1].name());
    }

    @Test
    void aConnectionErrorOnAReplicaMarksItAndEvictsItsPool() throws SQLException {
        cluster = StubCluster.start(2);
        readMany(4);
        cluster.replicas[0].breakConnections();
        cluster.replicas[0].refuseConnections(true);
        int failed = 0;
        for (int i = 0; i < 10; i++) {
            try {
                readMany(1);
            } catch (SQLException e) {
                assertThat(e.getSQLState()).isEqualTo("08006");
                failed++;
            }
        }
        // the one read that met the broken connection moved to replica2 before answering: nothing failed
        assertThat(failed).isZero();
        assertThat(node("replica1").failures()).isEqualTo(1);
    }
}
