package dev.replicaware.failover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.replicaware.NoPrimaryAvailableException;
import dev.replicaware.ReplicaAwareDataSource;
import dev.replicaware.config.ClusterConfig;
import dev.replicaware.config.FailoverConfig;
import dev.replicaware.config.NodeConfig;
import dev.replicaware.testkit.ClusterNode;
import dev.replicaware.testkit.ReplicatedCluster;
import dev.replicaware.testkit.TcpProxy;
import dev.replicaware.topology.NodeState;
import dev.replicaware.topology.TopologyEvent;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

/**
 * Failover and switchover on a real cluster of any engine, one cluster per test (each test breaks it). Where writes
 * landed is asked of the servers: their role, and the rows each one holds.
 */
abstract class FailoverContract {
    static final Duration WRITE_WAIT = Duration.ofSeconds(15);

    final List<AutoCloseable> resources = new ArrayList<>();
    final List<TopologyEvent> events = new CopyOnWriteArrayList<>();

    /** A primary and two replicas; with {@code synchronous}, every acknowledged commit is on a replica. */
    abstract ReplicatedCluster startCluster(boolean synchronous);

    /** True when {@code node} says it takes writes (PostgreSQL: not in recovery; MariaDB: read_only off). */
    abstract boolean isPrimary(ReplicatedCluster c, ClusterNode node) throws SQLException;

    /** True when {@code node} refuses the application's writes (the fence's read-only setting). */
    abstract boolean isReadOnlyFenced(ReplicatedCluster c, ClusterNode node) throws SQLException;

    /** Stops the replica's receiver, so it falls behind while the primary goes on writing. */
    abstract void stopReceiving(ReplicatedCluster c, ClusterNode replica) throws SQLException;

    /** True where the database can demote a primary without a restart (MariaDB, MySQL); PostgreSQL fences it instead. */
    abstract boolean oldPrimaryRejoinsAfterSwitchover();

    /** The primary's write position now, in the dialect's unit (WAL bytes; transactions counted from GTIDs). */
    abstract long primaryPosition(ReplicatedCluster c) throws SQLException;

    /** SQL answering the port of the server that ran it. */
    abstract String whichPortSql();

    ReplicatedCluster cluster(boolean synchronous) {
        ReplicatedCluster c = startCluster(synchronous);
        resources.add(c);
        return c;
    }

    @AfterEach
    void closeAll() throws Exception {
        for (int i = resources.size() - 1; i >= 0; i--) {
            resources.get(i).close();
        }
    }

    ReplicaAwareDataSource dataSource(ReplicatedCluster c, FailoverConfig.Mode mode, Long maxLag, Duration writeWait,
                                      Map<String, String> urlOverrides) {
        ClusterConfig.Builder b = ClusterConfig.builder("fo")
                .primary(NodeConfig.of(c.primary().name(), urlOverrides.getOrDefault(c.primary().name(), c.primary().jdbcUrl())))
                .username(c.app().username()).password(c.app().password())
                .pool(Map.of("maximumPoolSize", "10", "minimumIdle", "1")) // HikariCP's default 30 s connectionTimeout
                .failover(new FailoverConfig(mode, maxLag, writeWait, c.failoverAdmin().username(), c.failoverAdmin().password()));
        for (ClusterNode r : c.replicas()) {
            b.replica(NodeConfig.of(r.name(), urlOverrides.getOrDefault(r.name(), r.jdbcUrl())));
        }
        ReplicaAwareDataSource ds = new ReplicaAwareDataSource(b.build());
        ds.addTopologyListener(events::add);
        resources.add(ds);
        return ds;
    }

    ReplicaAwareDataSource automatic(ReplicatedCluster c) {
        return dataSource(c, FailoverConfig.Mode.AUTOMATIC, null, WRITE_WAIT, Map.of());
    }

    static void createTable(ReplicaAwareDataSource ds) throws SQLException {
        try (Connection conn = ds.getConnection(); Statement s = conn.createStatement()) {
            s.execute("CREATE TABLE fo_writes (id BIGINT PRIMARY KEY, pad VARCHAR(200))");
        }
    }

    // -----------------------------------------------------------------------------------------------------------------

    @RepeatedTest(2)
    void killedPrimaryIsReplacedAndNoAcknowledgedWriteIsLost() throws Exception {
        ReplicatedCluster c = cluster(true);
        ReplicaAwareDataSource ds = automatic(c);
        io.micrometer.core.instrument.simple.SimpleMeterRegistry registry = new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
        new dev.replicaware.metrics.ReplicawareMetrics(ds).bindTo(registry);
        createTable(ds);
        try (Workload w = new Workload(ds, 8, 8)) {
            w.awaitAcked(200);
            c.kill(c.primary());
            w.markFault(); // after the process is gone: a write that begins later cannot reach it
            w.awaitFirstWriteAfterFault(WRITE_WAIT.plusSeconds(10));
            long windowMs = w.unavailableMillis();
            System.out.println("[" + c.engine() + "] SIGKILL: write-unavailability window " + windowMs + " ms; "
                    + ds.failoverStats());
            w.awaitAcked(w.acked.size() + 200);
            w.stopAndCheck();
            String newPrimary = onlyPrimary(c);
            assertThat(newPrimary).isNotEqualTo("primary");
            assertAllAckedOn(c, c.node(newPrimary), w.acked);
            ClusterNode other = c.replicas().stream().filter(r -> !r.name().equals(newPrimary)).findFirst().orElseThrow();
            assertFollows(c, other, c.node(newPrimary));
            assertThat(ds.topology().node("primary").orElseThrow().state()).isEqualTo(NodeState.FENCED);
            await("the failover's completion is reported", Duration.ofSeconds(10), () -> ds.failoverStats().completed() == 1,
                    ds::failoverStats);
            assertThat(events).extracting(TopologyEvent::type)
                    .containsSubsequence(TopologyEvent.Type.FAILOVER_STARTED, TopologyEvent.Type.FAILOVER_COMPLETED);
            assertThat(windowMs).isLessThan(WRITE_WAIT.toMillis());
            assertThat(registry.get("replicaware.failovers").tags("outcome", "completed").counter().count()).isEqualTo(1);
            assertThat(registry.get("replicaware.failover.duration").tags("kind", "failover").timer().count()).isEqualTo(1);
            assertThat(registry.get("replicaware.failover.duration").tags("kind", "switchover").timer().count()).isZero();
            assertThat(registry.get("replicaware.role.changes").tags("node", newPrimary).counter().count()).isPositive();
            assertThat(registry.get("replicaware.node.up").tags("node", newPrimary, "role", "primary").gauge().value()).isEqualTo(1);
        }
    }

    @Test
    void pausedPrimaryIsReplacedAndFencedAndTakesNoWriteAfterItResumes() throws Exception {
        ReplicatedCluster c = cluster(true);
        ReplicaAwareDataSource ds = automatic(c);
        createTable(ds);
        ClusterNode old = c.primary();
        try (Workload w = new Workload(ds, 8, 8)) {
            w.awaitAcked(200);
            AtomicLong lastIdBeforeFence = new AtomicLong(Long.MAX_VALUE);
            ds.addTopologyListener(e -> {
                if (e.type() == TopologyEvent.Type.NODE_FENCED) {
                    lastIdBeforeFence.set(w.nextId.get()); // a higher id was routed after the fence
                }
            });
            c.pause(old);
            w.markFault();
            try {
                w.awaitFirstWriteAfterFault(Duration.ofSeconds(40));
                System.out.println("[" + c.engine() + "] SIGSTOP: write-unavailability window " + w.unavailableMillis() + " ms");
                String newPrimary = ds.routingTopology().primary().name();
                assertThat(newPrimary).isNotEqualTo(old.name());
                // the monitor may publish the promoted node a moment before the sequence fences the old one
                await(old.name() + " is fenced", Duration.ofSeconds(10),
                        () -> ds.topology().node(old.name()).orElseThrow().state() == NodeState.FENCED, ds::topology);
            } finally {
                c.resume(old);
            }
            // the old primary answers again; the workload goes on and must not reach it
            await("the resumed former primary is set read-only", Duration.ofSeconds(15), () -> isReadOnlyFenced(c, old), () -> "not yet");
            w.awaitAcked(w.acked.size() + 300);
            w.stopAndCheck();
            String newPrimary = ds.routingTopology().primary().name();
            assertThat(isPrimary(c, c.node(newPrimary))).isTrue();
            assertAllAckedOn(c, c.node(newPrimary), w.acked);
            Set<Long> onOld = ids(c, old);
            // writes routed before the fence may have been in flight there when it hung (cut, never acknowledged);
            // none routed after the fence may land there
            assertThat(lastIdBeforeFence.get()).isLessThan(Long.MAX_VALUE);
            assertThat(onOld).as("rows on the fenced former primary written after it was fenced")
                    .allSatisfy(id -> assertThat(id).isLessThanOrEqualTo(lastIdBeforeFence.get()));
            assertThat(w.nextId.get()).isGreaterThan(lastIdBeforeFence.get() + 300);
            assertThat(ds.topology().node(old.name()).orElseThrow().state()).isEqualTo(NodeState.FENCED);
            System.out.println("[" + c.engine() + "] SIGSTOP: " + ds.failoverStats());
        }
    }

    @Test
    void twoDataSourcesOnOneClusterPromoteExactlyOnce() throws Exception {
        ReplicatedCluster c = cluster(true);
        ReplicaAwareDataSource a = automatic(c);
        ReplicaAwareDataSource b = automatic(c);
        createTable(a);
        c.waitForReplication(Duration.ofSeconds(10));
        c.kill(c.primary());
        for (ReplicaAwareDataSource ds : List.of(a, b)) {
            await("a write through " + ds, WRITE_WAIT.plusSeconds(10), () -> {
                try (Connection conn = ds.getConnection(); Statement s = conn.createStatement()) {
                    s.executeUpdate("INSERT INTO fo_writes VALUES (" + System.nanoTime() + ", 'two')");
                    return true;
                } catch (SQLException e) {
                    return false;
                }
            }, () -> ds.failoverStats());
        }
        await("the promotion is reported", Duration.ofSeconds(10),
                () -> a.failoverStats().completed() + b.failoverStats().completed() > 0, () -> a.failoverStats() + " / " + b.failoverStats());
        String primary = onlyPrimary(c);
        assertThat(a.routingTopology().primary().name()).isEqualTo(primary);
        assertThat(b.routingTopology().primary().name()).isEqualTo(primary);
        System.out.println("[" + c.engine() + "] two DataSources: " + a.failoverStats() + " / " + b.failoverStats());
        assertThat(a.failoverStats().completed() + b.failoverStats().completed()).isEqualTo(1);
    }

    @Test
    void onlyTheApplicationLosesThePrimaryNoPromotionAndWritesFailSayingWhy() throws Exception {
        ReplicatedCluster c = cluster(false);
        TcpProxy proxy = TcpProxy.start(c.primary().host(), c.primary().port());
        resources.add(proxy);
        Duration writeWait = Duration.ofSeconds(3);
        ReplicaAwareDataSource ds = dataSource(c, FailoverConfig.Mode.AUTOMATIC, null, writeWait,
                Map.of(c.primary().name(), proxy.jdbcUrl(c.primary().jdbcUrl())));
        createTable(ds);
        proxy.blackhole();
        await("a refusal because the replicas still receive", Duration.ofSeconds(20), () -> events.stream()
                .anyMatch(e -> e.type() == TopologyEvent.Type.FAILOVER_REFUSED && e.detail().contains("still receive")), () -> events);
        long t0 = System.nanoTime();
        SQLException failure = null;
        try (Connection conn = ds.getConnection(); Statement s = conn.createStatement()) {
            s.executeUpdate("INSERT INTO fo_writes VALUES (1, 'lost')");
        } catch (SQLException e) {
            failure = e;
        }
        long waited = (System.nanoTime() - t0) / 1_000_000;
        System.out.println("[" + c.engine() + "] app-only loss: write failed after " + waited + " ms: " + failure);
        assertThat((Throwable) failure).isInstanceOf(NoPrimaryAvailableException.class);
        assertThat(failure.getSQLState()).startsWith("08");
        assertThat(failure.getMessage()).contains("'fo'", "still receive", "replica1");
        assertThat(waited).isGreaterThanOrEqualTo(writeWait.toMillis() - 100);
        assertThat(isPrimary(c, c.primary())).isTrue();
        for (ClusterNode r : c.replicas()) {
            assertThat(isPrimary(c, r)).as("%s promoted", r).isFalse();
        }
        assertThat(ds.failoverStats().completed()).isZero();
    }

    @Test
    void candidateBeyondMaxLagOnFailoverIsRefusedWithTheReason() throws Exception {
        ReplicatedCluster c = cluster(false);
        ReplicaAwareDataSource ds = dataSource(c, FailoverConfig.Mode.AUTOMATIC, 20L, Duration.ofSeconds(2), Map.of());
        createTable(ds);
        c.waitForReplication(Duration.ofSeconds(10));
        for (ClusterNode r : c.replicas()) {
            stopReceiving(c, r);
        }
        for (int i = 0; i < 50; i++) {
            try (Connection conn = ds.getConnection(); Statement s = conn.createStatement()) {
                s.executeUpdate("INSERT INTO fo_writes VALUES (" + i + ", '" + "x".repeat(200) + "')");
            }
        }
        long position = primaryPosition(c);
        await("the monitor samples the primary's last position", Duration.ofSeconds(5),
                () -> ds.monitor().lastPrimaryPosition() >= position, () -> ds.monitor().lastPrimaryPosition() + " < " + position);
        c.kill(c.primary());
        await("a refusal naming maxLagOnFailover", Duration.ofSeconds(15), () -> events.stream()
                .anyMatch(e -> e.type() == TopologyEvent.Type.FAILOVER_REFUSED && e.detail().contains("maxLagOnFailover")), () -> events);
        SQLException failure = null;
        try (Connection conn = ds.getConnection(); Statement s = conn.createStatement()) {
            s.executeUpdate("INSERT INTO fo_writes VALUES (1000, 'refused')");
        } catch (SQLException e) {
            failure = e;
        }
        System.out.println("[" + c.engine() + "] lag refusal: " + failure);
        assertThat((Throwable) failure).isInstanceOf(NoPrimaryAvailableException.class);
        assertThat(failure.getMessage()).contains("promotion refused", "maxLagOnFailover");
        for (ClusterNode r : c.replicas()) {
            assertThat(isPrimary(c, r)).as("%s promoted", r).isFalse();
        }
    }

    @Test
    void disabledModeKeepsReadingAndFailsWritesFast() throws Exception {
        ReplicatedCluster c = cluster(false);
        ReplicaAwareDataSource ds = dataSource(c, FailoverConfig.Mode.DISABLED, null, WRITE_WAIT, Map.of());
        createTable(ds);
        c.kill(c.primary());
        await("the primary is DOWN", Duration.ofSeconds(10),
                () -> ds.topology().node("primary").orElseThrow().state() == NodeState.DOWN, ds::topology);
        long t0 = System.nanoTime();
        SQLException failure = null;
        try (Connection conn = ds.getConnection(); Statement s = conn.createStatement()) {
            s.executeUpdate("INSERT INTO fo_writes VALUES (1, 'disabled')");
        } catch (SQLException e) {
            failure = e;
        }
        long took = (System.nanoTime() - t0) / 1_000_000;
        assertThat((Throwable) failure).isInstanceOf(NoPrimaryAvailableException.class);
        assertThat(failure.getMessage()).contains("disabled");
        assertThat(took).isLessThan(1000);
        Set<Integer> replicaPorts = new HashSet<>();
        c.replicas().forEach(r -> replicaPorts.add(r.port()));
        // reads that must see the table's creation need a replica known on the primary's history within maxLag; right
        // after the primary went DOWN there may be none yet (CI under load saw the read fail; here it took up to 7 s,
        // longer than a probe interval, which issue 23's note leaves to be understood)
        await("a replica known on the primary's history", Duration.ofSeconds(10), () -> c.replicas().stream()
                .map(r -> ds.topology().node(r.name()).orElseThrow())
                .anyMatch(st -> st.servesReadsWithin(Duration.ofSeconds(5)) && st.readPosition() >= 0), ds::topology);
        for (int i = 0; i < 4; i++) {
            try (Connection conn = ds.getConnection()) {
                conn.setReadOnly(true);
                try (Statement s = conn.createStatement(); ResultSet rs = s.executeQuery(whichPortSql())) {
                    rs.next();
                    assertThat(replicaPorts).contains(rs.getInt(1));
                }
            }
        }
        for (ClusterNode r : c.replicas()) {
            assertThat(isPrimary(c, r)).isFalse();
        }
    }

    @Test
    void switchoverUnderWriteLoadLosesNoWrite() throws Exception {
        ReplicatedCluster c = cluster(true);
        ReplicaAwareDataSource ds = automatic(c);
        io.micrometer.core.instrument.simple.SimpleMeterRegistry registry = new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
        new dev.replicaware.metrics.ReplicawareMetrics(ds).bindTo(registry);
        createTable(ds);
        ClusterNode target = c.replicas().get(0);
        try (Workload w = new Workload(ds, 4, 4)) {
            w.awaitAcked(200);
            Duration pause = ds.switchover(target.name());
            System.out.println("[" + c.engine() + "] switchover to " + target.name() + ": writes held " + pause.toMillis() + " ms; "
                    + ds.failoverStats());
            w.awaitAcked(w.acked.size() + 200);
            w.stopAndCheck();
            assertThat(isPrimary(c, target)).isTrue();
            if (oldPrimaryRejoinsAfterSwitchover()) {
                assertFollows(c, c.primary(), target);
            } else {
                assertThat(ds.topology().node(c.primary().name()).orElseThrow().state()).isEqualTo(NodeState.FENCED);
                assertThat(isReadOnlyFenced(c, c.primary())).isTrue();
            }
            assertThat(ds.routingTopology().primary().name()).isEqualTo(target.name());
            assertAllAckedOn(c, target, w.acked);
            assertFollows(c, c.replicas().get(1), target);
            // a planned switchover is told apart from a failover (the dashboard and the ReplicawareFailover alert)
            await("the switchover's duration recorded", Duration.ofSeconds(10),
                    () -> registry.get("replicaware.failover.duration").tags("kind", "switchover").timer().count() == 1,
                    () -> registry.find("replicaware.failover.duration").timers().stream().map(t -> t.getId().getTags() + "=" + t.count()).toList());
            assertThat(registry.get("replicaware.failover.duration").tags("kind", "failover").timer().count()).isZero();
        }
    }

    // -----------------------------------------------------------------------------------------------------------------

    /** The one running, unpaused node that says it is primary. */
    String onlyPrimary(ReplicatedCluster c) throws SQLException {
        List<String> primaries = new ArrayList<>();
        for (ClusterNode n : c.nodes()) {
            if (n.isRunning() && !n.isPaused() && isPrimary(c, n)) {
                primaries.add(n.name());
            }
        }
        assertThat(primaries).as("nodes that say they are primary").hasSize(1);
        return primaries.get(0);
    }

    Set<Long> ids(ReplicatedCluster c, ClusterNode node) throws SQLException {
        Set<Long> ids = new HashSet<>();
        try (Connection conn = c.connectAdmin(node); Statement s = conn.createStatement();
             ResultSet rs = s.executeQuery("SELECT id FROM fo_writes")) {
            while (rs.next()) {
                ids.add(rs.getLong(1));
            }
        }
        return ids;
    }

    void assertAllAckedOn(ReplicatedCluster c, ClusterNode node, Set<Long> acked) throws SQLException {
        Set<Long> present = ids(c, node);
        Set<Long> missing = new HashSet<>(acked);
        missing.removeAll(present);
        System.out.println("[" + c.engine() + "] acknowledged writes: " + acked.size() + ", on " + node.name() + ": "
                + present.size() + ", missing: " + missing.size());
        assertThat(missing).as("acknowledged writes missing on the new primary " + node.name()).isEmpty();
    }

    /** {@code replica} receives what is written on {@code primary} from now on. */
    void assertFollows(ReplicatedCluster c, ClusterNode replica, ClusterNode primary) throws SQLException {
        long marker = -System.nanoTime();
        try (Connection conn = c.connectAdmin(primary); Statement s = conn.createStatement()) {
            s.executeUpdate("INSERT INTO fo_writes VALUES (" + marker + ", 'marker')");
        }
        await(replica.name() + " receives a write made on " + primary.name(), Duration.ofSeconds(15),
                () -> ids(c, replica).contains(marker), () -> "not there; " + replicationState(c, replica));
        assertThat(isPrimary(c, replica)).isFalse();
    }

    /** What the replica says of its replication, for failure messages. */
    String replicationState(ReplicatedCluster c, ClusterNode replica) {
        return "";
    }

    interface Check {
        boolean test() throws Exception;
    }

    static void await(String what, Duration timeout, Check condition, Supplier<Object> lastObserved) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try {
                if (condition.test()) {
                    return;
                }
            } catch (Exception e) {
                // not yet
            }
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

    /**
     * Writers insert unique ids, each recorded once its commit returned; readers run read-only transactions.
     * Failures are counted (a write cut by the primary's death fails with the driver's error), never retried as the
     * same id.
     */
    static final class Workload implements AutoCloseable {
        final Set<Long> acked = ConcurrentHashMap.newKeySet();
        final AtomicLong nextId = new AtomicLong();
        final AtomicLong failures = new AtomicLong();
        final AtomicLong reads = new AtomicLong();
        final AtomicReference<Throwable> unexpected = new AtomicReference<>();
        final AtomicLong faultAt = new AtomicLong();
        final AtomicLong firstWriteAfterFault = new AtomicLong();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final List<Thread> threads = new ArrayList<>();

        Workload(ReplicaAwareDataSource ds, int writers, int readers) {
            for (int i = 0; i < writers; i++) {
                threads.add(start("writer-" + i, () -> {
                    long id = nextId.incrementAndGet();
                    long began = System.nanoTime();
                    try (Connection conn = ds.getConnection(); Statement s = conn.createStatement()) {
                        s.executeUpdate("INSERT INTO fo_writes VALUES (" + id + ", 'w')");
                    } catch (SQLException e) {
                        failures.incrementAndGet();
                        pause();
                        return;
                    }
                    acked.add(id);
                    long fault = faultAt.get();
                    if (fault != 0 && began - fault > 0) {
                        firstWriteAfterFault.compareAndSet(0, System.nanoTime());
                    }
                }));
            }
            for (int i = 0; i < readers; i++) {
                threads.add(start("reader-" + i, () -> {
                    try (Connection conn = ds.getConnection()) {
                        conn.setReadOnly(true);
                        try (Statement s = conn.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM fo_writes")) {
                            rs.next();
                            reads.incrementAndGet();
                        }
                    } catch (SQLException e) {
                        pause();
                    }
                }));
            }
        }

        private Thread start(String name, Runnable step) {
            Thread t = new Thread(() -> {
                try {
                    while (running.get()) {
                        step.run();
                    }
                } catch (Throwable e) {
                    unexpected.compareAndSet(null, e);
                }
            }, "fo-" + name);
            t.setDaemon(true);
            t.start();
            return t;
        }

        /** After a failure: yield briefly, so a dead node's errors do not spin a core. */
        private static void pause() {
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        void markFault() {
            faultAt.set(System.nanoTime());
        }

        void awaitAcked(int count) {
            await(count + " acknowledged writes", Duration.ofSeconds(30), () -> acked.size() >= count,
                    () -> acked.size() + " acked, " + failures.get() + " failures");
        }

        void awaitFirstWriteAfterFault(Duration timeout) {
            await("a successful write after the fault", timeout, () -> firstWriteAfterFault.get() != 0,
                    () -> failures.get() + " failures");
        }

        long unavailableMillis() {
            return (firstWriteAfterFault.get() - faultAt.get()) / 1_000_000;
        }

        void stopAndCheck() throws InterruptedException {
            close();
            assertThat(unexpected.get()).as("unexpected failure in the workload").isNull();
            assertThat(reads.get()).isPositive();
        }

        @Override
        public void close() throws InterruptedException {
            running.set(false);
            for (Thread t : threads) {
                t.join(20_000);
            }
        }
    }
}
