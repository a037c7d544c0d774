package dev.replicaware.benchmarks;

import dev.replicaware.ReplicaAwareDataSource;
import dev.replicaware.config.ClusterConfig;
import dev.replicaware.config.FailoverConfig;
import dev.replicaware.config.NodeConfig;
import dev.replicaware.testkit.ClusterNode;
import dev.replicaware.testkit.MariaDbCluster;
import dev.replicaware.testkit.PostgresCluster;
import dev.replicaware.testkit.ReplicatedCluster;
import dev.replicaware.testkit.explore.WritableSampler;
import dev.replicaware.topology.Node;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BooleanSupplier;

/**
 * The fault run: a 3-node cluster (a primary and two replicas, replication that acknowledges no commit before a replica
 * has it) under 16 threads of load through two DataSources (two application instances), both in automatic failover
 * mode. The primary is killed (SIGKILL) or paused (SIGSTOP, then SIGCONT once writes resumed elsewhere), alternately,
 * {@code faults} times; after each fault the former primary is re-cloned by the testkit as a fresh replica of the new
 * primary, so that the next fault again has two replicas to choose from. It checks:
 * <ul>
 *   <li>writes resume after each fault, on both instances (the write-unavailability window: from the fault to the first
 *       successful write that began after it, the later of the two instances);</li>
 *   <li>0 acknowledged writes lost: after each fault and at the end, every id whose commit returned is on the primary;</li>
 *   <li>never two writable primaries, sampled from the servers every 100 ms (PostgreSQL: not in recovery and
 *       {@code default_transaction_read_only} off; MariaDB: {@code @@read_only} off), and, after each SIGCONT, how
 *       long the resumed former primary took to refuse writes, asked with a fresh session after another
 *       ({@code readOnlyAfterSigcontMs});</li>
 *   <li>no connection leaked: once the load stops, each pool of each instance has 0 active connections.</li>
 * </ul>
 * Writes {@code benchmarks/results/fault-run-<engine>.json} and prints a summary.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar dev.replicaware.benchmarks.FaultRun</pre>
 *
 * System properties: {@code engines} ({@code postgres,mariadb}), {@code postgresFaults} (20), {@code mariadbFaults} (10),
 * {@code threads} (16), {@code resumeTimeoutSeconds} (60: a fault after which writes have not resumed by then ends the
 * run, the cluster being stuck), {@code afterResumeMillis} (3000: how long a paused primary is watched after SIGCONT
 * before it is re-cloned), {@code restartInstancesAfterReclone} (false; true replaces both DataSources after each
 * re-clone, as an application restart would: a check of the harness itself, not the run the project's goal asks for),
 * {@code startWith} ({@code SIGKILL}; {@code SIGSTOP} makes the odd faults pauses).
 */
public final class FaultRun {
    static final String TABLE = "fault_rows";
    private static final int SAMPLE_MILLIS = 100;

    private final ReplicatedCluster cluster;
    private final String writableSql;
    private final List<ReplicaAwareDataSource> instances = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final boolean restartInstances = Boolean.getBoolean("restartInstancesAfterReclone");
    private final Set<Long> acked = ConcurrentHashMap.newKeySet();
    private final AtomicLong nextId = new AtomicLong();
    private final AtomicLong faultAt = new AtomicLong();
    private final AtomicLongArray firstWriteAfterFault = new AtomicLongArray(2);
    private final AtomicLongArray writesSince = new AtomicLongArray(2);
    private final LongAdder failedWrites = new LongAdder();
    private final LongAdder failedReads = new LongAdder();
    private final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
    private final List<Map<String, Object>> twoWritable = new ArrayList<>();
    private final Map<Integer, Map<String, Object>> rowsByFault = new HashMap<>();
    private volatile boolean running = true;
    private volatile int currentFault;

    private FaultRun(ReplicatedCluster cluster, String writableSql) {
        this.cluster = cluster;
        this.writableSql = writableSql;
    }

    public static void main(String[] args) throws Exception {
        String engines = System.getProperty("engines", "postgres,mariadb");
        int threads = Integer.getInteger("threads", 16);
        boolean broken = false;
        for (String engine : engines.split(",")) {
            Map<String, Object> result = switch (engine.trim()) {
                case "postgres" -> postgres(Integer.getInteger("postgresFaults", 20), threads);
                case "mariadb" -> mariadb(Integer.getInteger("mariadbFaults", 10), threads);
                default -> throw new IllegalArgumentException("engines: postgres and/or mariadb, comma-separated; not '" + engine + "'");
            };
            Report.writeJson("fault-run-" + engine.trim(), result);
            @SuppressWarnings("unchecked")
            Map<String, Object> summary = (Map<String, Object>) result.get("summary");
            System.out.println(engine.trim() + " summary: " + summary);
            broken |= !Boolean.TRUE.equals(summary.get("allInvariantsHeld"));
        }
        System.exit(broken ? 1 : 0);
    }

    private static Map<String, Object> postgres(int faults, int threads) throws Exception {
        System.out.println("== PostgreSQL: primary + 2 replicas, synchronous_standby_names 'ANY 1 (*)' on every node");
        // a hung primary: the replicas notice within seconds, so Replicaware may promote (see PostgresFailoverTest)
        try (PostgresCluster c = PostgresCluster.builder().replicas(2).setting("wal_receiver_timeout", "2s").start()) {
            // on every node (a replica keeps it for when it is promoted, and re-clones copy it), so that no primary
            // acknowledges a commit no replica has; set now, as single-user set-up would wait for a standby for ever
            for (ClusterNode n : c.nodes()) {
                try (Connection conn = c.connectAdmin(n); Statement s = conn.createStatement()) {
                    s.execute("ALTER SYSTEM SET synchronous_standby_names = 'ANY 1 (*)'");
                    s.execute("SELECT pg_reload_conf()");
                }
            }
            return new FaultRun(c, "SELECT NOT pg_is_in_recovery() AND NOT current_setting('default_transaction_read_only')::boolean")
                    .run("PostgreSQL 18 (testkit), synchronous_standby_names = 'ANY 1 (*)', wal_receiver_timeout = 2s", faults, threads);
        }
    }

    private static Map<String, Object> mariadb(int faults, int threads) throws Exception {
        System.out.println("== MariaDB: primary + 2 replicas, semi-synchronous");
        try (MariaDbCluster c = MariaDbCluster.builder().replicas(2).semiSynchronous(true)
                .setting("slave_net_timeout", "3").start()) {
            return new FaultRun(c, "SELECT @@read_only = 0")
                    .run("MariaDB 11.4 (testkit), semi-synchronous (testkit timeout 2 s, checked ON before each fault), slave_net_timeout = 3", faults, threads);
        }
    }

    private Map<String, Object> run(String engine, int faults, int threads) throws Exception {
        long started = System.nanoTime();
        boolean startWithKill = !"SIGSTOP".equals(System.getProperty("startWith", "SIGKILL"));
        for (int i = 0; i < 2; i++) {
            instances.add(new ReplicaAwareDataSource(config()));
        }
        try (Connection c = instances.get(0).getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE " + TABLE + " (id BIGINT PRIMARY KEY, instance INT)");
        }
        cluster.waitForReplication(Duration.ofSeconds(30));
        List<Thread> workers = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            int instance = i % 2;
            Thread t = new Thread(() -> work(instance), "fault-run-worker-" + i);
            t.setDaemon(true);
            workers.add(t);
        }
        workers.forEach(Thread::start);
        Map<Long, Integer> incidentFaults = new ConcurrentHashMap<>();
        WritableSampler sampler = WritableSampler.start(cluster, Duration.ofMillis(SAMPLE_MILLIS), incident -> {
            incidentFaults.put(incident.fromNanos(), currentFault);
            System.out.println("   !! two writable primaries during fault " + currentFault + ": " + incident.nodes());
        });

        List<Map<String, Object>> rows = new ArrayList<>();
        String stopReason = null;
        try {
            if (!awaitWritesFlowing(Duration.ofSeconds(60))) {
                stopReason = "writes did not flow on both instances before the first fault";
            }
            for (int k = 1; k <= faults && stopReason == null; k++) {
                Map<String, Object> row = fault(k, (k % 2 == 1) == startWithKill ? "SIGKILL" : "SIGSTOP");
                rows.add(row);
                System.out.println("   " + row);
                stopReason = (String) row.get("runEnded");
            }
        } finally {
            running = false;
            long joinDeadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            for (Thread t : workers) {
                t.join(Math.max(1, (joinDeadline - System.nanoTime()) / 1_000_000));
            }
            sampler.close();
        }
        for (WritableSampler.Incident incident : sampler.incidents()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("fault", incidentFaults.get(incident.fromNanos()));
            m.put("nodes", incident.nodes());
            m.put("lastedMsAtLeast", incident.lastedMillis());
            twoWritable.add(m);
        }
        // a worker still in a call 20 s after the load stopped: a request that hangs (its connection is counted below)
        List<String> stuck = new ArrayList<>();
        for (Thread t : workers) {
            if (t.isAlive()) {
                StackTraceElement[] frames = t.getStackTrace();
                StringBuilder where = new StringBuilder(t.getName());
                for (int i = 0; i < frames.length; i++) {
                    if (frames[i].getClassName().startsWith("dev.replicaware.routing")
                            || frames[i].getClassName().startsWith("dev.replicaware.benchmarks")) {
                        where.append(" in ").append(frames[i].getClassName()).append('.').append(frames[i].getMethodName())
                                .append(" under ").append(frames[0].getClassName()).append('.').append(frames[0].getMethodName());
                        break;
                    }
                }
                stuck.add(where.toString());
            }
        }
        Map<String, Object> leaks = leakedConnections();
        Set<Long> missing;
        String lossCheck;
        try {
            missing = missingAcked(new HashSet<>(acked));
            lossCheck = "every acknowledged id looked up on the final primary";
        } catch (RuntimeException e) {
            // no single primary (the run ended stuck): the ids must at least be on the best surviving node
            missing = null;
            String best = null;
            for (ClusterNode n : cluster.nodes()) {
                if (n.isRunning() && !n.isPaused()) {
                    Set<Long> m = new HashSet<>(acked);
                    try {
                        m.removeAll(ids(n));
                    } catch (SQLException ignored) {
                        continue;
                    }
                    if (missing == null || m.size() < missing.size()) {
                        missing = m;
                        best = n.name();
                    }
                }
            }
            missing = missing == null ? Set.of() : missing;
            lossCheck = "no single primary at the end (" + e.getMessage() + "); looked up on the running node that has the most of them: " + best;
        }
        for (ReplicaAwareDataSource ds : instances) {
            ds.close();
        }

        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("faultsPlanned", faults);
        summary.put("faultsRun", rows.size());
        summary.put("runEnded", stopReason == null ? "after every planned fault" : stopReason);
        for (String kind : List.of("SIGKILL", "SIGSTOP")) {
            List<Long> windows = rows.stream().filter(r -> kind.equals(r.get("kind")) && (Long) r.get("writeUnavailableMs") >= 0)
                    .map(r -> (Long) r.get("writeUnavailableMs")).sorted().toList();
            long notResumed = rows.stream().filter(r -> kind.equals(r.get("kind")) && (Long) r.get("writeUnavailableMs") < 0).count();
            Map<String, Object> w = new LinkedHashMap<>();
            w.put("faults", rows.stream().filter(r -> kind.equals(r.get("kind"))).count());
            w.put("writesResumed", windows.size());
            w.put("writesDidNotResume", notResumed);
            w.put("writeUnavailableMsMedian", windows.isEmpty() ? null : windows.get(windows.size() / 2));
            w.put("writeUnavailableMsMax", windows.isEmpty() ? null : windows.get(windows.size() - 1));
            summary.put(kind, w);
        }
        List<Long> readOnly = rows.stream().filter(r -> r.get("readOnlyAfterSigcontMs") != null)
                .map(r -> (Long) r.get("readOnlyAfterSigcontMs")).sorted().toList();
        Map<String, Object> fence = new LinkedHashMap<>();
        fence.put("pauses", readOnly.size());
        fence.put("stillWritableAfter10s", readOnly.stream().filter(ms -> ms < 0).count());
        List<Long> answered = readOnly.stream().filter(ms -> ms >= 0).toList();
        fence.put("readOnlyAfterSigcontMsMedian", answered.isEmpty() ? null : answered.get(answered.size() / 2));
        fence.put("readOnlyAfterSigcontMsMax", answered.isEmpty() ? null : answered.get(answered.size() - 1));
        summary.put("resumedFormerPrimaryReadOnly", fence);
        summary.put("acknowledgedWrites", acked.size());
        summary.put("acknowledgedWritesLost", missing.size());
        summary.put("lossCheck", lossCheck);
        summary.put("acknowledgedWritesLostSample", new TreeSet<>(missing).stream().limit(10).toList());
        summary.put("twoWritablePrimariesIncidents", twoWritable.size());
        summary.put("connectionsStillActive", leaks);
        summary.put("workersStuckAtEnd", stuck);
        summary.put("failedWrites", failedWrites.sum());
        summary.put("failedReads", failedReads.sum());
        summary.put("errors", topErrors(12));
        summary.put("durationSeconds", (System.nanoTime() - started) / 1_000_000_000L);
        boolean held = stopReason == null && stuck.isEmpty() && missing.isEmpty() && lossCheck.startsWith("every") && twoWritable.isEmpty() && leaks.isEmpty()
                && rows.stream().allMatch(r -> (Long) r.get("writeUnavailableMs") >= 0);
        summary.put("allInvariantsHeld", held);

        Map<String, Object> json = new LinkedHashMap<>();
        json.put("settings", Map.of("engine", engine, "nodes", "primary + 2 replicas", "instances", 2, "threads", threads,
                "load", "each thread on one instance: 50 % one-row INSERT transactions, 50 % read-only transactions",
                "failover", "automatic, every other setting default", "faults", "SIGKILL and SIGSTOP/SIGCONT of the primary, alternately;"
                        + " the former primary is then re-cloned as a replica (testkit rejoinAsReplica)"));
        json.put("summary", summary);
        json.put("faults", rows);
        json.put("twoWritablePrimaries", twoWritable);
        return json;
    }

    private ClusterConfig config() {
        ClusterConfig.Builder b = ClusterConfig.builder("fault-run")
                .primary(NodeConfig.of(cluster.primary().name(), cluster.primary().jdbcUrl()))
                .username(cluster.app().username()).password(cluster.app().password())
                .failover(new FailoverConfig(FailoverConfig.Mode.AUTOMATIC, null, FailoverConfig.DEFAULT_WRITE_WAIT,
                        cluster.failoverAdmin().username(), cluster.failoverAdmin().password()));
        for (ClusterNode r : cluster.replicas()) {
            b.replica(NodeConfig.of(r.name(), r.jdbcUrl()));
        }
        return b.build();
    }

    /** One fault on the current primary, then the former primary re-cloned; a row of figures. */
    private Map<String, Object> fault(int k, String kind) throws Exception {
        currentFault = k;
        ClusterNode old = cluster.currentPrimary();
        if (cluster instanceof MariaDbCluster m) {
            // after a re-clone the primary may have fallen back to asynchronous replication for a while: a fault then
            // could lose acknowledged writes by the configuration's own rules, not Replicaware's
            boolean semiSync = await(() -> "ON".equals(m.statusVariable(old, "Rpl_semi_sync_master_status")),
                    Duration.ofSeconds(30).toNanos());
            row(k).put("semiSyncOnBeforeFault", semiSync);
        }
        long failedWritesBefore = failedWrites.sum();
        long failedReadsBefore = failedReads.sum();
        Map<String, Long> errorsBefore = snapshotErrors();
        Map<String, Object> row = row(k);
        row.put("fault", k);
        row.put("kind", kind);
        row.put("primary", old.name());
        faultAt.set(0); // no write counts as after this fault until it is in effect
        firstWriteAfterFault.set(0, 0);
        firstWriteAfterFault.set(1, 0);
        // the fault counts from when it is in effect (kill and pause return once every process died or stopped):
        // a write that began while the signal was on its way may still have succeeded on the old primary
        if (kind.equals("SIGKILL")) {
            cluster.kill(old);
        } else {
            cluster.pause(old);
        }
        faultAt.set(System.nanoTime());
        long at = faultAt.get();
        long timeout = Duration.ofSeconds(Integer.getInteger("resumeTimeoutSeconds", 60)).toNanos();
        boolean resumed = await(() -> firstWriteAfterFault.get(0) != 0 && firstWriteAfterFault.get(1) != 0, timeout);
        long[] perInstance = {window(0, at), window(1, at)};
        row.put("writeUnavailableMs", resumed ? Math.max(perInstance[0], perInstance[1]) : -1L);
        row.put("writeUnavailableMsPerInstance", List.of(perInstance[0], perInstance[1]));
        String newPrimary = primaryOf(instances.get(0));
        row.put("newPrimaryInstanceA", newPrimary);
        row.put("newPrimaryInstanceB", primaryOf(instances.get(1)));
        row.put("failoverStats", instances.stream().map(ds -> String.valueOf(ds.failoverStats())).toList());
        if (kind.equals("SIGSTOP")) {
            cluster.resume(old);
            long resumedAt = System.nanoTime();
            row.put("readOnlyAfterSigcontMs", readOnlyAfter(old, resumedAt));
            await(() -> false, Duration.ofMillis(Integer.getInteger("afterResumeMillis", 3000)).toNanos() - (System.nanoTime() - resumedAt));
            row.put("ackedRowsOnResumedFormerPrimaryMissingOnNewOne", resumed && newPrimary != null ? divergentAcked(old, newPrimary) : null);
            row.put("watchedAfterSigcontMs", (System.nanoTime() - resumedAt) / 1_000_000);
        }
        if (!resumed) {
            row.put("runEnded", "fault " + k + " (" + kind + " of " + old.name() + "): writes did not resume on both instances within "
                    + timeout / 1_000_000_000L + " s; per instance (ms, -1 = not resumed) " + List.of(perInstance[0], perInstance[1]));
        }
        row.put("failedWrites", failedWrites.sum() - failedWritesBefore);
        row.put("failedReads", failedReads.sum() - failedReadsBefore);
        row.put("errors", errorsSince(errorsBefore));
        if (!resumed) {
            return row;
        }
        long rejoinStart = System.nanoTime();
        try {
            if (!await(() -> onePrimaryOnTheServers(old), Duration.ofSeconds(30).toNanos())) {
                row.put("runEnded", "fault " + k + ": the servers do not show exactly one primary besides " + old.name() + " within 30 s");
                return row;
            }
            cluster.rejoinAsReplica(old);
        } catch (RuntimeException e) {
            row.put("runEnded", "fault " + k + ": re-cloning " + old.name() + " failed: " + e.getMessage());
            return row;
        }
        row.put("recloneMs", (System.nanoTime() - rejoinStart) / 1_000_000);
        Set<Long> missing = missingAcked(new HashSet<>(acked));
        row.put("acknowledgedWritesLostSoFar", missing.size());
        if (!missing.isEmpty()) {
            row.put("acknowledgedWritesLostSample", new TreeSet<>(missing).stream().limit(10).toList());
        }
        if (!awaitWritesFlowing(Duration.ofSeconds(60))) {
            row.put("runEnded", "fault " + k + ": after re-cloning " + old.name() + ", writes did not flow again on both instances within 60 s");
        }
        row.put("nodeStatesInstanceA", instances.get(0).topology().toString());
        if (restartInstances) {
            row.put("connectionsStillActiveInRestartedInstances", restartInstances());
            if (!awaitWritesFlowing(Duration.ofSeconds(60))) {
                row.put("runEnded", "fault " + k + ": after restarting the instances, writes did not flow again within 60 s");
            }
        }
        return row;
    }

    /**
     * Polls {@code former}, just resumed at {@code resumedAt}, with a fresh short-timeout session after another until
     * it says it refuses writes: ms from SIGCONT; -1 when it still took writes (or never answered) 10 s after.
     */
    private long readOnlyAfter(ClusterNode former, long resumedAt) {
        long deadline = resumedAt + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            try (Connection c = connectBriefly(former); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(writableSql)) {
                if (rs.next() && !rs.getBoolean(1)) {
                    return (System.nanoTime() - resumedAt) / 1_000_000;
                }
            } catch (SQLException e) {
                // not answering yet, or a session ended by the fence: ask again
            }
        }
        return -1;
    }

    private Map<String, Object> row(int k) {
        return rowsByFault.computeIfAbsent(k, x -> new LinkedHashMap<>());
    }

    /** Exactly one running, unpaused node other than {@code former} says it is primary. */
    private boolean onePrimaryOnTheServers(ClusterNode former) {
        if (former.isRunning()) {
            cluster.kill(former); // a resumed former primary: re-cloned next anyway, and it would count as a primary
        }
        try {
            cluster.currentPrimary();
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /**
     * Harness check only ({@code -DrestartInstancesAfterReclone=true}): both DataSources replaced by new ones, as if
     * the application restarted; the old ones' pools must drain to 0 active connections once the load left them.
     */
    private Map<String, Object> restartInstances() {
        List<ReplicaAwareDataSource> old = new ArrayList<>(instances);
        for (int i = 0; i < old.size(); i++) {
            instances.set(i, new ReplicaAwareDataSource(config()));
        }
        await(() -> old.stream().allMatch(ds -> ds.routingTopology().nodes().stream().allMatch(n -> n.activeConnections() == 0)),
                Duration.ofSeconds(15).toNanos());
        Map<String, Object> leaks = new LinkedHashMap<>();
        for (int i = 0; i < old.size(); i++) {
            for (Node n : old.get(i).routingTopology().nodes()) {
                if (n.activeConnections() != 0) {
                    leaks.put("instance " + (char) ('A' + i) + " / " + n.name(), n.activeConnections());
                }
            }
            old.get(i).close();
        }
        return leaks;
    }

    private long window(int instance, long at) {
        long first = firstWriteAfterFault.get(instance);
        return first == 0 ? -1 : (first - at) / 1_000_000;
    }

    private static String primaryOf(ReplicaAwareDataSource ds) {
        Node p = ds.routingTopology().primary();
        return p == null ? null : p.name();
    }

    /** Both instances acknowledge writes again (20 each from now). */
    private boolean awaitWritesFlowing(Duration timeout) {
        writesSince.set(0, 0);
        writesSince.set(1, 0);
        return await(() -> writesSince.get(0) >= 20 && writesSince.get(1) >= 20, timeout.toNanos());
    }

    private static boolean await(BooleanSupplier condition, long timeoutNanos) {
        long deadline = System.nanoTime() + timeoutNanos;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    // ---- load ----------------------------------------------------------------------------------------------------

    private void work(int instance) {
        while (running) {
            ReplicaAwareDataSource ds = instances.get(instance);
            boolean write = ThreadLocalRandom.current().nextBoolean();
            long began = System.nanoTime();
            try {
                if (write) {
                    long id = nextId.incrementAndGet();
                    try (Connection c = ds.getConnection()) {
                        c.setAutoCommit(false);
                        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + TABLE + " (id, instance) VALUES (?, ?)")) {
                            ps.setLong(1, id);
                            ps.setInt(2, instance);
                            ps.executeUpdate();
                        }
                        c.commit();
                    }
                    acked.add(id);
                    writesSince.incrementAndGet(instance);
                    long fault = faultAt.get();
                    if (fault != 0 && began - fault > 0) {
                        firstWriteAfterFault.compareAndSet(instance, 0, System.nanoTime());
                    }
                } else {
                    try (Connection c = ds.getConnection()) {
                        c.setReadOnly(true);
                        c.setAutoCommit(false);
                        try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM " + TABLE + " WHERE id = ?")) {
                            ps.setLong(1, 1 + ThreadLocalRandom.current().nextLong(Math.max(1, nextId.get())));
                            try (ResultSet rs = ps.executeQuery()) {
                                rs.next();
                            }
                        }
                        c.commit();
                    }
                }
            } catch (SQLException | RuntimeException e) {
                (write ? failedWrites : failedReads).increment();
                errors.computeIfAbsent((write ? "write: " : "read: ") + shape(e), x -> new LongAdder()).increment();
                try {
                    Thread.sleep(5); // a dead node's errors must not spin a core
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** An error with its numbers blanked, so that the same failure with other ids, ports or times counts once. */
    private static String shape(Throwable e) {
        String m = e.getClass().getSimpleName() + ": " + e.getMessage();
        m = m.replaceAll("[0-9]+", "#");
        return m.length() > 220 ? m.substring(0, 220) + "..." : m;
    }

    private Map<String, Long> snapshotErrors() {
        Map<String, Long> m = new HashMap<>();
        errors.forEach((k, v) -> m.put(k, v.sum()));
        return m;
    }

    private Map<String, Long> errorsSince(Map<String, Long> before) {
        Map<String, Long> m = new LinkedHashMap<>();
        errors.entrySet().stream()
                .map(e -> Map.entry(e.getKey(), e.getValue().sum() - before.getOrDefault(e.getKey(), 0L)))
                .filter(e -> e.getValue() > 0).sorted((a, b) -> Long.compare(b.getValue(), a.getValue())).limit(5)
                .forEach(e -> m.put(e.getKey(), e.getValue()));
        return m;
    }

    private Map<String, Long> topErrors(int n) {
        return errorsSince(Map.of()).entrySet().stream().limit(n)
                .collect(LinkedHashMap::new, (m, e) -> m.put(e.getKey(), e.getValue()), Map::putAll);
    }

    // ---- checks --------------------------------------------------------------------------------------------------

    /** The acknowledged ids of {@code expected} that the current primary (asked from the servers) does not have. */
    private Set<Long> missingAcked(Set<Long> expected) throws SQLException {
        Set<Long> present = ids(cluster.currentPrimary());
        expected.removeAll(present);
        return expected;
    }

    /** Acknowledged ids on the resumed former primary that the new primary does not have: committed on the wrong node. */
    private long divergentAcked(ClusterNode former, String newPrimary) {
        try {
            Set<Long> onFormer = ids(former);
            onFormer.removeAll(ids(cluster.node(newPrimary)));
            onFormer.retainAll(acked);
            return onFormer.size();
        } catch (SQLException e) {
            return -1;
        }
    }

    private Set<Long> ids(ClusterNode node) throws SQLException {
        Set<Long> ids = new HashSet<>();
        try (Connection c = cluster.connectAdmin(node); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT id FROM " + TABLE)) {
            while (rs.next()) {
                ids.add(rs.getLong(1));
            }
        }
        return ids;
    }

    /** Once the load stopped: connections of each instance's pools still in use after 15 s (empty: none leaked). */
    private Map<String, Object> leakedConnections() {
        Map<String, Object> leaks = new LinkedHashMap<>();
        await(() -> instances.stream().allMatch(ds -> ds.routingTopology().nodes().stream().allMatch(n -> n.activeConnections() == 0)),
                Duration.ofSeconds(15).toNanos());
        for (int i = 0; i < instances.size(); i++) {
            for (Node n : instances.get(i).routingTopology().nodes()) {
                if (n.activeConnections() != 0) {
                    leaks.put("instance " + (char) ('A' + i) + " / " + n.name(), n.activeConnections());
                }
            }
        }
        return leaks;
    }

    private Connection connectBriefly(ClusterNode n) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", cluster.admin().username());
        p.setProperty("password", cluster.admin().password());
        boolean postgres = cluster.engine() == ReplicatedCluster.Engine.POSTGRESQL;
        p.setProperty("connectTimeout", postgres ? "2" : "2000");
        p.setProperty("socketTimeout", postgres ? "2" : "2000");
        return DriverManager.getConnection(n.jdbcUrl(), p);
    }
}
