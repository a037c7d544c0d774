package dev.replicaware.testkit.explore;

import dev.replicaware.testkit.ClusterNode;
import dev.replicaware.testkit.ReplicatedCluster;
import dev.replicaware.testkit.TcpProxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.BooleanSupplier;

/** One schedule on one fresh cluster: set-up, load, nemesis, heal, checks, tear-down. */
final class ScheduleRun {
    static final String TABLE = "explorer_writes";

    private final FaultExplorer settings;
    private final long seed;
    private final List<String> timeline = Collections.synchronizedList(new ArrayList<>());
    private final ConcurrentLinkedQueue<Op> ops = new ConcurrentLinkedQueue<>();
    private final List<Violation> violations = new ArrayList<>();
    private final AtomicLong nextId = new AtomicLong();
    private final Map<String, TcpProxy> replicationProxies = new LinkedHashMap<>();
    private final List<Map<String, TcpProxy>> appProxies = new ArrayList<>();
    private final Map<TcpProxy, Integer> partitions = new HashMap<>();
    private final Set<ClusterNode> delayed = new HashSet<>();
    /** System.nanoTime() when the schedule last started each node again. */
    private final Map<String, Long> restartedAt = new java.util.concurrent.ConcurrentHashMap<>();
    private final List<Thread> workers = new ArrayList<>();
    private final ExecutorService hooks = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "replicaware-explorer-hook");
        t.setDaemon(true);
        return t;
    });
    private AtomicReferenceArray<Application> apps;
    private AtomicIntegerArray generations;
    private AtomicLongArray lastAcked;
    private ReplicatedCluster cluster;
    private EngineSql sql;
    private WritableSampler sampler;
    private ClusterNode lastPrimary;
    private volatile boolean running = true;
    private volatile long origin = System.nanoTime();

    ScheduleRun(FaultExplorer settings, long seed) {
        this.settings = settings;
        this.seed = seed;
    }

    ScheduleResult run() {
        long started = System.nanoTime();
        FaultSchedule schedule = null;
        long window = -1;
        try {
            cluster = settings.clusters.get();
            schedule = settings.schedule(seed, cluster.replicas().size());
            sql = new EngineSql(cluster);
            lastPrimary = cluster.primary();
            setUp();
            if (awaitFor(Duration.ofSeconds(30), this::everyInstanceWrote)) {
                origin = System.nanoTime();
                log("faults begin");
                nemesis(schedule);
                long healedAt = healAll();
                awaitFor(settings.writeResumeBound, () -> resumedSince(healedAt));
                long resumed = System.nanoTime();
                pause(2_000); // a little more load on the healed cluster: a fixed amount of work, not a condition
                stopLoad();
                window = HistoryChecker.longestWriteGapMillis(ops, settings.instances, origin, resumed);
                check(healedAt);
            } else {
                violations.add(new Violation(Violation.Kind.HARNESS, -1, "no write succeeded on every instance within 30 s before any fault"));
                stopLoad();
            }
        } catch (RuntimeException | SQLException e) {
            violations.add(new Violation(Violation.Kind.HARNESS, millis(System.nanoTime()), "the schedule could not run: " + e));
        } finally {
            tearDown();
        }
        if (schedule == null) {
            schedule = new FaultSchedule(seed, settings.span.toMillis(), List.of());
        }
        return new ScheduleResult(schedule, timeline, violations, window, HistoryChecker.acknowledged(ops).size(),
                (System.nanoTime() - started) / 1_000_000);
    }

    // ---- set-up and load --------------------------------------------------------------------------------------

    private void setUp() throws SQLException {
        sql.createTable(cluster.primary());
        for (ClusterNode n : cluster.nodes()) {
            replicationProxies.put(n.name(), TcpProxy.start(n.host(), n.port()));
        }
        // replicas stream through the proxy in front of the primary, so that replication can be partitioned alone
        TcpProxy toPrimary = replicationProxies.get(cluster.primary().name());
        for (ClusterNode r : cluster.replicas()) {
            sql.replicateThrough(r, toPrimary.host(), toPrimary.port());
        }
        awaitFor(Duration.ofSeconds(30), () -> cluster.replicas().stream().allMatch(r -> following(r, cluster.primary()) == null));
        sampler = WritableSampler.start(cluster, Duration.ofMillis(100), i -> log("!! two writable nodes: " + i.nodes()));
        apps = new AtomicReferenceArray<>(settings.instances);
        generations = new AtomicIntegerArray(settings.instances);
        lastAcked = new AtomicLongArray(settings.instances);
        for (int i = 0; i < settings.instances; i++) {
            Map<String, TcpProxy> proxies = new LinkedHashMap<>();
            for (ClusterNode n : cluster.nodes()) {
                proxies.put(n.name(), TcpProxy.start(n.host(), n.port()));
            }
            appProxies.add(proxies);
            apps.set(i, startApplication(i));
        }
        for (int i = 0; i < settings.instances; i++) {
            startWorkers(i, Op.Type.WRITE, settings.writers);
            startWorkers(i, Op.Type.LONG_WRITE, settings.longWriters);
            startWorkers(i, Op.Type.READ, settings.readers);
        }
    }

    private Application startApplication(int i) {
        List<Application.Endpoint> endpoints = new ArrayList<>();
        for (ClusterNode n : cluster.nodes()) {
            TcpProxy app = appProxies.get(i).get(n.name());
            TcpProxy repl = replicationProxies.get(n.name());
            endpoints.add(new Application.Endpoint(n.name(), n.startedAsPrimary(), app.jdbcUrl(n.jdbcUrl()), repl.host(), repl.port()));
        }
        try {
            return settings.applications.start(new Application.Setup(i, cluster, endpoints, line -> log("instance " + i + ": " + line)));
        } catch (Exception e) {
            throw new IllegalStateException("The application factory failed for instance " + i + ": " + e.getMessage(), e);
        }
    }

    private void startWorkers(int instance, Op.Type type, int count) {
        for (int k = 0; k < count; k++) {
            Thread t = new Thread(() -> work(instance, type), "replicaware-explorer-" + instance + "-" + type + "-" + k);
            t.setDaemon(true);
            workers.add(t);
            t.start();
        }
    }

    private void work(int i, Op.Type type) {
        while (running) {
            // the application and its generation as one pair (a restart counts the generation odd while it swaps
            // them): an operation run on the new DataSource under the old generation's number, or the reverse, would be
            // checked against writes the other DataSource made (a STALE_READ of the harness's own making)
            int generation;
            Application app;
            do {
                generation = generations.get(i);
                app = apps.get(i);
            } while ((generation & 1) != 0 || generation != generations.get(i));
            long id = type == Op.Type.READ ? lastAcked.get(i) : nextId.incrementAndGet();
            if (id == 0) {
                pause(20); // nothing acknowledged on this DataSource yet: nothing to read back
                continue;
            }
            long invoked = System.nanoTime();
            try {
                boolean found = type == Op.Type.READ ? read(app, id) : write(app, i, id, type == Op.Type.LONG_WRITE);
                ops.add(new Op(i, generation, type, id, invoked, System.nanoTime(), true, found, null));
                if (type != Op.Type.READ && generations.get(i) == generation) {
                    lastAcked.accumulateAndGet(i, id, Math::max);
                }
            } catch (SQLException | RuntimeException e) {
                ops.add(new Op(i, generation, type, id, invoked, System.nanoTime(), false, false, shape(e)));
                pause(20); // a dead node's errors must not spin a core
            }
        }
    }

    private boolean write(Application app, int instance, long id, boolean longTransaction) throws SQLException {
        try (Connection c = app.dataSource().getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + TABLE + " (id, instance) VALUES (?, ?)")) {
                ps.setLong(1, id);
                ps.setInt(2, instance);
                ps.executeUpdate();
            }
            if (longTransaction) {
                try (Statement s = c.createStatement()) {
                    s.execute(sql.sleepSql(1 + ThreadLocalRandom.current().nextInt(3)));
                }
            }
            c.commit();
        }
        return true;
    }

    private static boolean read(Application app, long id) throws SQLException {
        try (Connection c = app.dataSource().getConnection()) {
            c.setReadOnly(true);
            c.setAutoCommit(false);
            boolean found;
            try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM " + TABLE + " WHERE id = ?")) {
                ps.setLong(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    found = rs.getLong(1) > 0;
                }
            }
            c.commit();
            return found;
        }
    }

    private boolean everyInstanceWrote() {
        for (int i = 0; i < settings.instances; i++) {
            if (lastAcked.get(i) == 0) {
                return false;
            }
        }
        return true;
    }

    private boolean resumedSince(long healedAt) {
        for (int i = 0; i < settings.instances; i++) {
            if (HistoryChecker.firstWriteAfter(ops, i, healedAt) < 0) {
                return false;
            }
        }
        return true;
    }

    private void stopLoad() {
        running = false;
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        for (Thread t : workers) {
            try {
                t.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (t.isAlive()) {
                StackTraceElement[] stack = t.getStackTrace();
                violations.add(new Violation(Violation.Kind.WORKER_STUCK, millis(System.nanoTime()), t.getName()
                        + " still runs 30 s after the load stopped, at " + (stack.length > 0 ? stack[0] : "?")));
            }
        }
    }

    // ---- nemesis ----------------------------------------------------------------------------------------------

    /** An action at a time from the start of the span; heals share the node their fault resolved. */
    private record Step(long atMillis, int order, Runnable action) {
    }

    private void nemesis(FaultSchedule schedule) {
        List<Step> steps = new ArrayList<>();
        int order = 0;
        for (Fault f : schedule.faults()) {
            ClusterNode[] node = new ClusterNode[1];
            steps.add(new Step(f.atMillis(), order++, () -> inject(f, node)));
            if (f.durationMillis() > 0 && f.kind() != FaultKind.KILL) {
                steps.add(new Step(f.atMillis() + f.durationMillis(), order++, () -> heal(f, node[0])));
            }
        }
        steps.sort(Comparator.comparingLong(Step::atMillis).thenComparingInt(Step::order));
        for (Step s : steps) {
            long wait = origin + TimeUnit.MILLISECONDS.toNanos(s.atMillis()) - System.nanoTime();
            if (wait > 0) {
                pause(wait / 1_000_000); // the schedule's own clock, not a wait for a condition
            }
            try {
                s.action().run();
            } catch (RuntimeException e) {
                log("   failed: " + e.getMessage());
            }
        }
        long end = origin + TimeUnit.MILLISECONDS.toNanos(schedule.spanMillis()) - System.nanoTime();
        if (end > 0) {
            pause(end / 1_000_000);
        }
    }

    private void inject(Fault f, ClusterNode[] node) {
        if (f.kind() == FaultKind.RELOAD || f.kind() == FaultKind.RESTART_INSTANCE) {
            log(f.describe());
            onInstance(f, null);
            return;
        }
        ClusterNode n = resolve(f.target());
        node[0] = n;
        log(f.describe() + " -> " + (n == null ? "no such node now: skipped" : n.name()));
        if (n == null) {
            return;
        }
        switch (f.kind()) {
            case KILL, CRASH_RESTART -> cluster.kill(n);
            case PAUSE -> cluster.pause(n);
            case PARTITION_APP -> forInstances(f, i -> partition(appProxies.get(i).get(n.name())));
            case PARTITION_REPLICATION -> partition(replicationProxies.get(n.name()));
            case APPLY_DELAY -> {
                cluster.applyDelay(n, Duration.ofMillis(f.amountMillis()));
                delayed.add(n);
            }
            case SWITCHOVER -> onInstance(f, n);
            default -> throw new IllegalStateException("no injection for " + f.kind());
        }
    }

    private void heal(Fault f, ClusterNode n) {
        if (n == null) {
            return;
        }
        log("heal " + f.kind() + " of " + n.name());
        switch (f.kind()) {
            case PAUSE -> {
                if (n.isPaused()) {
                    cluster.resume(n);
                }
            }
            case CRASH_RESTART -> {
                if (!n.isRunning()) {
                    cluster.start(n);
                    restartedAt.put(n.name(), System.nanoTime());
                    log("   " + n.name() + " accepts connections again");
                }
            }
            case PARTITION_APP -> forInstances(f, i -> unpartition(appProxies.get(i).get(n.name())));
            case PARTITION_REPLICATION -> unpartition(replicationProxies.get(n.name()));
            case APPLY_DELAY -> {
                cluster.applyDelay(n, Duration.ZERO);
                delayed.remove(n);
            }
            default -> throw new IllegalStateException("no heal for " + f.kind());
        }
    }

    private void forInstances(Fault f, java.util.function.IntConsumer action) {
        for (int i = 0; i < settings.instances; i++) {
            if (f.instance() == Fault.ALL_INSTANCES || f.instance() == i) {
                action.accept(i);
            }
        }
    }

    /** Overlapping partitions of one proxy: it passes again when the last of them heals. */
    private void partition(TcpProxy p) {
        partitions.merge(p, 1, Integer::sum);
        p.blackhole();
    }

    private void unpartition(TcpProxy p) {
        if (partitions.merge(p, -1, Integer::sum) <= 0) {
            partitions.remove(p);
            p.pass();
        }
    }

    /** Switchover, reload and restart run beside the nemesis: they may block for seconds while faults go on. */
    private void onInstance(Fault f, ClusterNode target) {
        int i = f.instance();
        hooks.submit(() -> {
            try {
                switch (f.kind()) {
                    case SWITCHOVER -> apps.get(i).switchover(target.name());
                    case RELOAD -> apps.get(i).reload();
                    case RESTART_INSTANCE -> {
                        Application old = apps.get(i);
                        Application fresh = startApplication(i);
                        generations.incrementAndGet(i); // odd: the pair is changing (see work)
                        apps.set(i, fresh);
                        generations.incrementAndGet(i);
                        lastAcked.set(i, 0);
                        old.close();
                    }
                    default -> throw new IllegalStateException("not an instance fault: " + f.kind());
                }
                log("   " + f.kind() + " of instance " + i + " done");
            } catch (Exception e) {
                log("   " + f.kind() + " of instance " + i + " failed: " + e);
            }
        });
    }

    /**
     * The node a fault aims at, from what the servers said at the sampler's last round (fresh connections would make
     * the fault late): the writable one, or the n-th other running node.
     */
    private ClusterNode resolve(int target) {
        List<ClusterNode> writable = sampler.lastWritable().stream().map(cluster::node).toList();
        if (writable.size() == 1) {
            lastPrimary = writable.get(0);
        }
        if (target == Fault.PRIMARY) {
            return lastPrimary;
        }
        List<ClusterNode> others = cluster.nodes().stream().filter(n -> n != lastPrimary && n.isRunning() && !n.isPaused())
                .sorted(Comparator.comparing(ClusterNode::name)).toList();
        return others.isEmpty() ? null : others.get(target % others.size());
    }

    /** Ends every fault still in effect; answers when that was done. */
    private long healAll() {
        log("heal every fault");
        for (TcpProxy p : partitions.keySet()) {
            p.pass();
        }
        partitions.clear();
        for (ClusterNode n : cluster.nodes()) {
            try {
                if (n.isPaused()) {
                    cluster.resume(n);
                } else if (!n.isRunning()) {
                    cluster.start(n);
                    restartedAt.put(n.name(), System.nanoTime());
                    log("   " + n.name() + " started again");
                }
            } catch (RuntimeException e) {
                log("   " + n.name() + " could not be brought back: " + e.getMessage());
            }
        }
        for (ClusterNode n : delayed) {
            try {
                cluster.applyDelay(n, Duration.ZERO);
            } catch (RuntimeException e) {
                log("   apply delay of " + n.name() + " not removed: " + e.getMessage());
            }
        }
        delayed.clear();
        long healed = System.nanoTime();
        log("healed");
        return healed;
    }

    // ---- checks -----------------------------------------------------------------------------------------------

    private void check(long healedAt) {
        violations.addAll(HistoryChecker.writesResumed(ops, settings.instances, healedAt, settings.writeResumeBound.toNanos(), origin));
        awaitFor(Duration.ofSeconds(60), () -> hooksDone());
        checkLeaks();
        ClusterNode primary = converge();
        Set<Long> lost = new HashSet<>(HistoryChecker.acknowledged(ops));
        ClusterNode where = primary != null ? primary : nodeWithMostRows(lost);
        if (where != null) {
            try {
                Set<Long> present = sql.ids(where);
                violations.addAll(HistoryChecker.lostWrites(ops, present, settings.acknowledgedLossAllowed,
                        where.name() + (primary != null ? " (the primary)" : " (no single primary: the node with most of them)")));
                lost.removeAll(present);
            } catch (SQLException e) {
                violations.add(new Violation(Violation.Kind.HARNESS, -1, "could not read the rows of " + where.name() + ": " + e.getMessage()));
            }
        }
        violations.addAll(HistoryChecker.staleReads(ops, lost, origin));
        logErrors();
        long tolerance = settings.twoWritableTolerance.toMillis();
        for (WritableSampler.Incident i : sampler.incidents()) {
            if (i.lastedMillis() >= tolerance && !restartedAndFencedInTime(i)) {
                violations.add(new Violation(Violation.Kind.TWO_WRITABLE_PRIMARIES, millis(i.fromNanos()),
                        i.nodes() + " took writes together, seen for " + i.lastedMillis() + " ms (one sample per 100 ms)"));
            }
        }
    }

    /**
     * True when all but one of the incident's nodes had just been started again by the schedule and the incident
     * ended within {@link FaultExplorer.Builder#twoWritableTolerance}: a killed primary restarts writable, and only the
     * application's fence can make it read-only once it answers.
     */
    private boolean restartedAndFencedInTime(WritableSampler.Incident i) {
        long grace = settings.restartGrace.toNanos();
        if (grace == 0) {
            return false;
        }
        // the restart is recorded once start() returned, which may be a sample after the server first answered
        long fresh = i.nodes().stream().filter(n -> {
            Long at = restartedAt.get(n);
            return at != null && i.toNanos() - at < grace && at - i.fromNanos() < grace;
        }).count();
        return fresh >= i.nodes().size() - 1;
    }

    /** How many operations of each type the history holds, and the commonest errors the clients saw, for the timeline. */
    private void logErrors() {
        Map<String, Integer> done = new java.util.TreeMap<>();
        for (Op op : ops) {
            done.merge(op.type() + (op.ok() ? op.type() == Op.Type.READ ? op.found() ? " found" : " not found" : " ok" : " failed"), 1, Integer::sum);
        }
        log("history: " + done);
        Map<String, Integer> counts = new HashMap<>();
        for (Op op : ops) {
            if (!op.ok()) {
                counts.merge(op.type() + ": " + op.error(), 1, Integer::sum);
            }
        }
        counts.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(5)
                .forEach(e -> log("client errors x" + e.getValue() + " " + e.getKey()));
    }

    private boolean hooksDone() {
        hooks.shutdown();
        return hooks.isTerminated();
    }

    private void checkLeaks() {
        for (int i = 0; i < settings.instances; i++) {
            Application app = apps.get(i);
            if (app.activeConnections() < 0) {
                continue;
            }
            awaitFor(Duration.ofSeconds(15), () -> app.activeConnections() == 0);
            int active = app.activeConnections();
            if (active != 0) {
                violations.add(new Violation(Violation.Kind.CONNECTION_LEAKED, millis(System.nanoTime()), "instance " + i + " has "
                        + active + " connections in use 15 s after its load stopped"));
            }
        }
    }

    /**
     * Waits for one writable node that every other node follows or an instance reports as needing a rewind or a
     * re-clone; records what was last seen when that does not come. Answers the primary, or null when none single.
     */
    private ClusterNode converge() {
        String[] last = new String[1];
        ClusterNode[] primary = new ClusterNode[1];
        boolean ok = awaitFor(settings.convergeTimeout, () -> {
            List<ClusterNode> writable = new ArrayList<>();
            Map<String, String> problems = new LinkedHashMap<>();
            for (ClusterNode n : cluster.nodes()) {
                try {
                    if (sql.writable(n)) {
                        writable.add(n);
                    }
                } catch (SQLException e) {
                    problems.put(n.name(), "does not answer: " + e.getMessage());
                }
            }
            if (writable.size() != 1) {
                primary[0] = null;
                last[0] = "writable nodes " + writable.stream().map(ClusterNode::name).toList() + "; " + problems;
                return false;
            }
            primary[0] = writable.get(0);
            problems.clear();
            for (ClusterNode n : cluster.nodes()) {
                if (n == primary[0] || reportedNeedingRejoin(n)) {
                    continue;
                }
                String not = following(n, primary[0]);
                if (not != null) {
                    problems.put(n.name(), not);
                }
            }
            last[0] = "primary " + primary[0].name() + "; " + problems;
            return problems.isEmpty();
        });
        log("end state: " + last[0] + (ok ? "" : " (after " + settings.convergeTimeout.toSeconds() + " s)"));
        if (!ok) {
            violations.add(new Violation(primary[0] == null ? Violation.Kind.NO_SINGLE_PRIMARY : Violation.Kind.REPLICA_NOT_FOLLOWING,
                    millis(System.nanoTime()), last[0] + ", " + settings.convergeTimeout.toSeconds() + " s after the load stopped"));
        }
        return primary[0];
    }

    private boolean reportedNeedingRejoin(ClusterNode n) {
        for (int i = 0; i < settings.instances; i++) {
            if (apps.get(i).reportsNeedingRejoin(n.name())) {
                return true;
            }
        }
        return false;
    }

    private String following(ClusterNode n, ClusterNode primary) {
        try {
            return sql.notFollowing(n, Set.of(primary.port(), replicationProxies.get(primary.name()).port()));
        } catch (SQLException e) {
            return "does not answer: " + e.getMessage();
        }
    }

    private ClusterNode nodeWithMostRows(Set<Long> acked) {
        ClusterNode best = null;
        long most = -1;
        for (ClusterNode n : cluster.nodes()) {
            try {
                Set<Long> ids = sql.ids(n);
                ids.retainAll(acked);
                if (ids.size() > most) {
                    most = ids.size();
                    best = n;
                }
            } catch (SQLException e) {
                // not answering: not where the rows can be counted
            }
        }
        return best;
    }

    // ---- tear-down and helpers --------------------------------------------------------------------------------

    private void tearDown() {
        running = false;
        hooks.shutdownNow();
        if (apps != null) {
            for (int i = 0; i < apps.length(); i++) {
                closeQuietly(apps.get(i));
            }
        }
        closeQuietly(sampler);
        appProxies.forEach(m -> m.values().forEach(ScheduleRun::closeQuietly));
        replicationProxies.values().forEach(ScheduleRun::closeQuietly);
        closeQuietly(cluster);
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c != null) {
            try {
                c.close();
            } catch (Exception ignored) {
                // tearing down after a schedule: what failed to close is gone with the cluster
            }
        }
    }

    private void log(String line) {
        timeline.add(String.format(Locale.ROOT, "%+9.3fs %s", (System.nanoTime() - origin) / 1e9, line.replaceAll("\\s*\n\\s*", " ")));
    }

    private long millis(long nanos) {
        return HistoryChecker.millis(nanos, origin);
    }

    private static boolean awaitFor(Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            pause(50);
        }
        return true;
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** An error with its numbers blanked, so that the same failure with other ids or ports reads the same. */
    static String shape(Throwable e) {
        String m = e.getClass().getSimpleName() + ": " + e.getMessage();
        m = m.replaceAll("[0-9]+", "#");
        return m.length() > 200 ? m.substring(0, 200) + "..." : m;
    }
}
