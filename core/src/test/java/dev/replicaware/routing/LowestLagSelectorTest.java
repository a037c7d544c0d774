package dev.replicaware.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.replicaware.config.HealthConfig;
import dev.replicaware.dialect.Role;
import dev.replicaware.support.StubCluster;
import dev.replicaware.topology.Node;
import dev.replicaware.topology.NodeState;
import dev.replicaware.topology.NodeStatus;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LowestLagSelectorTest {
    private StubCluster cluster;

    @AfterEach
    void close() {
        if (cluster != null) {
            cluster.dataSource.close();
        }
    }

    private List<Node> replicasWithLags(double... lags) {
        // a monitor that probes once, at start, so the statuses set here stay put
        cluster = StubCluster.start(lags.length, b -> b.strategy("lowest-lag")
                .health(new HealthConfig(Duration.ofHours(1), Duration.ofSeconds(1), 3, 2)));
        List<Node> replicas = cluster.dataSource.routingTopology().replicas();
        for (int i = 0; i < lags.length; i++) {
            Node n = replicas.get(i);
            n.status(new NodeStatus(n.name(), Role.REPLICA, NodeState.UP, lags[i], 0, "bytes", true, null, Duration.ZERO, null));
        }
        return replicas;
    }

    @Test
    void picksTheReplicaLeastBehind() {
        List<Node> replicas = replicasWithLags(0.8, 0.1, 0.5);
        LowestLagSelector selector = new LowestLagSelector();
        for (int i = 0; i < 10; i++) {
            assertThat(selector.select(replicas, 0)).isEqualTo(1);
        }
        assertThat(selector.select(replicas, 1L << 1)).isEqualTo(2); // the best is excluded: the next best
        assertThat(selector.select(replicas, 0b111)).isEqualTo(-1);
    }

    @Test
    void caughtUpReplicasShareTheLoad() {
        List<Node> replicas = replicasWithLags(0, 0, 0.3);
        LowestLagSelector selector = new LowestLagSelector();
        Map<Integer, Integer> picks = new HashMap<>();
        for (int i = 0; i < 100; i++) {
            picks.merge(selector.select(replicas, 0), 1, Integer::sum);
        }
        assertThat(picks).containsOnlyKeys(0, 1);
        assertThat(picks.get(0)).isEqualTo(50);
    }

    @Test
    void roundRobinSharesEvenlyAmongTheReplicasLeftWhenOneIsExcluded() {
        List<Node> replicas = replicasWithLags(0, 0, 0);
        RoundRobinSelector selector = new RoundRobinSelector();
        Map<Integer, Integer> picks = new HashMap<>();
        for (int i = 0; i < 100; i++) {
            picks.merge(selector.select(replicas, 1L << 2), 1, Integer::sum);
        }
        assertThat(picks).containsExactlyInAnyOrderEntriesOf(Map.of(0, 50, 1, 50));
    }

    @Test
    void roundRobinSharesEvenlyAcrossThreads() throws InterruptedException {
        List<Node> replicas = replicasWithLags(0, 0);
        RoundRobinSelector selector = new RoundRobinSelector();
        int[] picks = new int[2];
        Thread[] threads = new Thread[16];
        for (int t = 0; t < threads.length; t++) {
            threads[t] = new Thread(() -> {
                for (int i = 0; i < 100; i++) {
                    int index = selector.select(replicas, 0);
                    synchronized (picks) {
                        picks[index]++;
                    }
                }
            });
            threads[t].start();
        }
        for (Thread t : threads) {
            t.join();
        }
        assertThat(picks).containsExactly(800, 800);
    }

    @Test
    void roundRobinSpreadsThreadsThatReadOnceEach() throws InterruptedException {
        List<Node> replicas = replicasWithLags(0, 0);
        RoundRobinSelector selector = new RoundRobinSelector();
        int[] picks = new int[2];
        for (int t = 0; t < 32; t++) {
            Thread thread = new Thread(() -> picks[selector.select(replicas, 0)]++);
            thread.start();
            thread.join();
        }
        assertThat(picks[0]).isBetween(8, 24);
        assertThat(picks[1]).isBetween(8, 24);
    }

    @Test
    void anUnknownLagComesLast() {
        List<Node> replicas = replicasWithLags(Double.NaN, 2.0);
        assertThat(new LowestLagSelector().select(replicas, 0)).isEqualTo(1);
        assertThat(new LowestLagSelector().select(replicas, 1L << 1)).isEqualTo(0);
    }
}
