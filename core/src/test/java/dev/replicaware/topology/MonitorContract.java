package dev.replicaware.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.replicaware.config.HealthConfig;
import dev.replicaware.dialect.Role;
import dev.replicaware.testkit.ClusterNode;
import dev.replicaware.testkit.ReplicatedCluster;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import dev.replicaware.support.SteadyWriter;
import org.junit.jupiter.api.Test;

/** What the monitor must see on a real cluster, whatever the engine. Subclasses start the cluster. */
abstract class MonitorContract {
    static final HealthConfig HEALTH = HealthConfig.DEFAULTS;

    final List<TopologyEvent> events = new CopyOnWriteArrayList<>();
    TopologyMonitor monitor;

    abstract ReplicatedCluster cluster();

    /**
     * How stale a replica given {@code delay} truly is. PostgreSQL holds each commit back by exactly the delay.
     */
    double[] trueLagRange(Duration delay) {
        double d = delay.toMillis() / 1000.0;
        return new double[] {d, d};
    }

    TopologyMonitor startMonitor(Duration maxLag) {
        ReplicatedCluster c = cluster();
        List<TopologyMonitor.Target> targets = new ArrayList<>();
        for (ClusterNode n : c.nodes()) {
            targets.add(new TopologyMonitor.Target(n.name(), n.jdbcUrl(), c.app().username(), c.app().password(),
                    n.startedAsPrimary() ? Role.PRIMARY : Role.REPLICA));
        }
        monitor = new TopologyMonitor("test", targets, HEALTH, maxLag, Clock.systemUTC(), null);
        monitor.addListener(events::add);
        monitor.start();
        return monitor;
    }

    @AfterEach
    void stopMonitor() {
        if (monitor != null) {
            monitor.close();
        }
    }

    @Test
    void firstRoundSeesEveryNodeWithItsRole() {
        Map<String, NodeStatus> s = startMonitor(null).statuses();
        ReplicatedCluster c = cluster();
        assertThat(s.get(c.primary().name()).role()).isEqualTo(Role.PRIMARY);
        assertThat(s.get(c.primary().name()).state()).isEqualTo(NodeState.UP);
        for (ClusterNode r : c.replicas()) {
            assertThat(s.get(r.name()).role()).isEqualTo(Role.REPLICA);
            assertThat(s.get(r.name()).state()).isEqualTo(NodeState.UP);
            assertThat(s.get(r.name()).lastError()).isNull();
        }
    }

    @Test
    void delayedReplicaReportsItsDelayUnderLoadAndRecoversWhenItIsRemoved() throws Exception {
        ReplicatedCluster c = cluster();
        ClusterNode delayed = c.replicas().get(0);
        startMonitor(Duration.ofSeconds(1));
        try (SteadyWriter w = new SteadyWriter(c, "monitor_load")) {
            c.applyDelay(delayed, Duration.ofSeconds(2));
            try {
                awaitStatus(delayed.name(), st -> st.lagSeconds() >= 1.5, Duration.ofSeconds(10));
                awaitStatus(delayed.name(), st -> st.state() == NodeState.LAGGING, Duration.ofSeconds(5));
                sampleLag(delayed.name(), Duration.ofSeconds(1)); // past the ramp from 0 to 2 s
                List<Double> lags = sampleLag(delayed.name(), Duration.ofSeconds(2));
                System.out.println("lag reported with a 2 s apply delay: " + lags);
                double[] truth = trueLagRange(Duration.ofSeconds(2));
                assertThat(lags).allSatisfy(l -> assertThat(l).isBetween(truth[0] - 0.5, truth[1] + 0.5));
                assertThat(monitor.statuses().get(delayed.name()).lagPositions()).isPositive();
                // the other replica is not held back
                assertThat(monitor.statuses().get(c.replicas().get(1).name()).lagSeconds()).isLessThan(0.5);
            } finally {
                c.applyDelay(delayed, Duration.ZERO);
            }
            awaitStatus(delayed.name(), st -> st.lagSeconds() < 0.5 && st.state() == NodeState.UP, Duration.ofSeconds(10));
            List<Double> after = sampleLag(delayed.name(), Duration.ofSeconds(1));
            System.out.println("lag reported after the delay was removed: " + after);
            assertThat(after).allSatisfy(l -> assertThat(l).isLessThan(0.5));
            w.check();
        }
        assertThat(events).extracting(TopologyEvent::type)
                .contains(TopologyEvent.Type.LAG_OVER_THRESHOLD, TopologyEvent.Type.LAG_UNDER_THRESHOLD);
    }

    @Test
    void idlePrimaryDoesNotMakeReplicasLookLate() throws Exception {
        ReplicatedCluster c = cluster();
        startMonitor(null);
        try (SteadyWriter w = new SteadyWriter(c, "monitor_load")) {
            awaitStatus(c.replicas().get(0).name(), st -> st.lastProbe() != null, Duration.ofSeconds(5));
        }
        c.waitForReplication(Duration.ofSeconds(10));
        // 4 s: a lag taken as time since the last replayed commit passes 0.5 s within the first second of idleness;
        // the window holds several probe intervals past that
        Duration window = Duration.ofSeconds(4);
        assertThat(window).isGreaterThan(HEALTH.interval().multipliedBy(4));
        long end = System.nanoTime() + window.toNanos();
        double worst = 0;
        while (System.nanoTime() < end) {
            for (ClusterNode r : c.replicas()) {
                NodeStatus st = monitor.statuses().get(r.name());
                assertThat(st.lagSeconds()).as("lag of %s while the primary is idle", r.name()).isNotNaN().isLessThanOrEqualTo(0.5);
                worst = Math.max(worst, st.lagSeconds());
            }
            Thread.sleep(100);
        }
        System.out.println("worst replica lag over " + window.toSeconds() + " s of an idle primary: " + worst + " s");
    }

    @Test
    void pausedReplicaGoesDownInTimeAndComesBackWhenResumed() throws Exception {
        ReplicatedCluster c = cluster();
        ClusterNode replica = c.replicas().get(1);
        startMonitor(null);
        // interval × failures + timeout, plus one interval: the silence watchdog ticks once an interval
        Duration bound = HEALTH.interval().multipliedBy(HEALTH.failuresBeforeDown()).plus(HEALTH.timeout()).plus(HEALTH.interval());
        long t0 = System.nanoTime();
        c.pause(replica);
        try {
            awaitStatus(replica.name(), st -> st.state() == NodeState.DOWN, bound.plusSeconds(2));
            Duration took = Duration.ofNanos(System.nanoTime() - t0);
            System.out.println("paused replica DOWN after " + took.toMillis() + " ms (bound " + bound.toMillis() + " ms)");
            assertThat(took).isLessThanOrEqualTo(bound);
            assertThat(monitor.statuses().get(replica.name()).lastError()).isNotBlank();
        } finally {
            c.resume(replica);
        }
        awaitStatus(replica.name(), st -> st.state() == NodeState.UP, Duration.ofSeconds(10));
        // listeners hear of the change just after the status shows it: wait for the event, not only the status
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (events.stream().noneMatch(e -> e.node().equals(replica.name()) && e.type() == TopologyEvent.Type.NODE_UP)
                && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(events).extracting(e -> e.node() + ":" + e.type())
                .containsSubsequence(replica.name() + ":NODE_DOWN", replica.name() + ":NODE_UP");
    }

    @Test
    void killedReplicaGoesDownAndComesBackAfterRestart() {
        ReplicatedCluster c = cluster();
        ClusterNode replica = c.replicas().get(1);
        startMonitor(null);
        long t0 = System.nanoTime();
        c.kill(replica);
        awaitStatus(replica.name(), st -> st.state() == NodeState.DOWN, Duration.ofSeconds(5));
        System.out.println("killed replica DOWN after " + (System.nanoTime() - t0) / 1_000_000 + " ms");
        assertThat(monitor.statuses().get(c.primary().name()).state()).isEqualTo(NodeState.UP);
        c.start(replica);
        awaitStatus(replica.name(), st -> st.state() == NodeState.UP, Duration.ofSeconds(10));
    }

    @Test
    void aSecretInTheUrlNeverReachesTheStatus() {
        ReplicatedCluster c = cluster();
        String secret = "s3cr3t-Never-Shown";
        TopologyMonitor.Target bad = new TopologyMonitor.Target("bad", c.primary().jdbcUrl(), c.app().username(), secret, Role.REPLICA);
        try (TopologyMonitor m = new TopologyMonitor("test", List.of(bad), HEALTH, null, Clock.systemUTC(), null)) {
            m.start();
            NodeStatus st = m.statuses().get("bad");
            assertThat(st.state()).isEqualTo(NodeState.DOWN);
            assertThat(st.lastError()).isNotBlank().doesNotContain(secret);
            assertThat(st.toString()).doesNotContain(secret);
        }
    }

    NodeStatus awaitStatus(String node, Predicate<NodeStatus> condition, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        NodeStatus last = monitor.statuses().get(node);
        while (!condition.test(last)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Node " + node + " did not reach the expected status within " + timeout + "; last: " + last);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
            last = monitor.statuses().get(node);
        }
        return last;
    }

    List<Double> sampleLag(String node, Duration duration) throws InterruptedException {
        List<Double> lags = new ArrayList<>();
        long end = System.nanoTime() + duration.toNanos();
        while (System.nanoTime() < end) {
            lags.add(Math.round(monitor.statuses().get(node).lagSeconds() * 1000) / 1000.0);
            Thread.sleep(HEALTH.interval().toMillis());
        }
        return lags;
    }
}
