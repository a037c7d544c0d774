package dev.replicaware.benchmarks;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.replicaware.ReadConsistency;
import dev.replicaware.ReplicaAwareDataSource;
import dev.replicaware.config.ClusterConfig;
import dev.replicaware.config.NodeConfig;
import dev.replicaware.config.RoutingConfig;
import dev.replicaware.testkit.ReplicatedCluster;
import dev.replicaware.testkit.ClusterNode;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import javax.sql.DataSource;
import org.HdrHistogram.Histogram;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.style.Styler;

/**
 * What the two end-to-end mains ({@link EndToEndPostgres}, {@link EndToEndMariaDb}) share: the settings, one contender's
 * measured run on a freshly seeded table, pool building, and the chart. Each contender runs alone, one after another, on
 * the same cluster, with the same threads, rows, warmup and duration, and pools of the same size.
 */
final class EndToEnd {
    static final int THREADS = Integer.getInteger("threads", 8);
    static final int SECONDS = Integer.getInteger("seconds", 30);
    static final int WARMUP = Integer.getInteger("warmup", 5);
    static final long ROWS = Long.getLong("rows", 10_000);
    /** Every pool, of every contender, is fixed at this size: enough that no worker thread waits for a connection. */
    static final int POOL_SIZE = Integer.getInteger("poolSize", THREADS);
    /**
     * One-way delays (ms) of every packet between the application and every node, one set of rounds each, e.g.
     * {@code 0,0.2,1}; {@code none} (the default) connects directly, without proxies. With delays every node sits
     * behind a {@link dev.replicaware.testkit.TcpProxy} (0 = a proxy that delays nothing), and round trips are counted.
     */
    static final String LATENCIES = System.getProperty("latencies", "none");
    /** Rounds per delay; in each round every contender runs once, in the same order (ABC ABC ABC). */
    static final int ROUNDS = Integer.getInteger("rounds", 1);
    /** Transactions of each kind run one at a time to count round trips and statements (through proxies only). */
    static final int COUNT_READS = Integer.getInteger("countReads", 500);
    static final int COUNT_WRITES = Integer.getInteger("countWrites", 200);

    private EndToEnd() {
    }

    /** The data sources one contender hands to the workload, and what to close after its run. */
    record Contender(DataSource writes, DataSource reads, List<AutoCloseable> resources) {
        static Contender single(DataSource both, AutoCloseable... resources) {
            return new Contender(both, both, List.of(resources));
        }

        static Contender split(DataSource writes, DataSource reads, AutoCloseable... resources) {
            return new Contender(writes, reads, List.of(resources));
        }
    }

    /** Builds a contender's pools; called only when its turn comes, so no contender's pools run during another's. */
    interface Setup {
        Contender open() throws Exception;
    }

    /**
     * A server-side counter read on every node at the start and the end of the measured interval, e.g. MariaDB's
     * {@code Questions} (statements the server received from clients): its sum over the nodes per transaction says how
     * many round trips a contender's routing costs.
     */
    record NodeCounter(String name, java.util.function.ToLongFunction<ClusterNode> read) {
    }

    /** A contender to run: a short name for the chart, a sentence for the JSON and the docs, and how to build it. */
    record Entry(String name, String description, Setup setup) {
    }

    static Map<String, Object> settings(String engine, ReplicatedCluster cluster) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("engine", engine);
        s.put("nodes", cluster.nodes().stream().map(ClusterNode::name).toList());
        s.put("replication", "asynchronous");
        s.put("threads", THREADS);
        s.put("poolSizePerPool", POOL_SIZE);
        s.put("warmupSeconds", WARMUP);
        s.put("measuredSeconds", SECONDS);
        s.put("seededRows", ROWS);
        s.put("readPercent", MixedWorkload.READ_PERCENT);
        s.put("read", "setReadOnly(true), autocommit off, SELECT pad, <server port> FROM bench_rows WHERE id = <random seeded id>, "
                + "commit, autocommit on, setReadOnly(false)");
        s.put("write", "autocommit off, INSERT INTO bench_rows (id, pad) VALUES (<new id>, 'w'), commit, autocommit on");
        s.put("oneWayDelaysMs", LATENCIES);
        s.put("rounds", ROUNDS);
        s.put("order", "interleaved: each round runs every contender once, in the order listed");
        s.put("countedTransactions", Map.of("readOnly", COUNT_READS, "write", COUNT_WRITES));
        return s;
    }

    /** The delays of {@link #LATENCIES} in ms, or a single null for direct connections. */
    static List<Double> delays() {
        if (LATENCIES.isBlank() || LATENCIES.trim().equals("none")) {
            return java.util.Collections.singletonList(null);
        }
        List<Double> d = new ArrayList<>();
        for (String part : LATENCIES.split(",")) {
            try {
                d.add(Double.parseDouble(part.trim()));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("-Dlatencies must be 'none' or one-way delays in ms such as 0,0.2,1, but was '"
                        + LATENCIES + "'");
            }
        }
        return d;
    }

    /** Direct connections, or every node behind a proxy when {@link #LATENCIES} names delays. */
    static Network network(ReplicatedCluster cluster) {
        return delays().get(0) == null ? Network.direct(cluster) : Network.proxied(cluster);
    }

    /**
     * Runs every entry in turn, {@link #ROUNDS} rounds per delay of {@link #LATENCIES}, interleaved (each round runs
     * every contender once): a fresh table with {@link #ROWS} rows, replicated everywhere, then the contender's pools,
     * through proxies first {@link #COUNT_READS} read-only and {@link #COUNT_WRITES} write transactions one at a time to
     * count round trips and statements (first round of each delay), then {@link #WARMUP} seconds not counted,
     * {@link #SECONDS} measured. A contender that cannot start or run is recorded with its error, and the others go on.
     */
    static List<Map<String, Object>> runAll(ReplicatedCluster cluster, List<Entry> entries, String serverPortExpression,
                                            NodeCounter counter, Network net) throws Exception {
        Map<Integer, String> nodeByPort = new LinkedHashMap<>();
        cluster.nodes().forEach(n -> nodeByPort.put(n.port(), n.name()));
        List<Map<String, Object>> results = new ArrayList<>();
        List<Double> delays = delays();
        int runs = delays.size() * ROUNDS * entries.size();
        int i = 0;
        for (Double delay : delays) {
            if (delay != null) {
                net.delay(Duration.ofNanos(Math.round(delay * 1_000_000)));
            }
            for (int round = 1; round <= ROUNDS; round++) {
                for (Entry e : entries) {
                    i++;
                    System.out.printf("== %d/%d %s, %s, round %d/%d: %s%n", i, runs, e.name(),
                            delay == null ? "direct" : "one-way delay " + delay + " ms", round, ROUNDS, e.description());
                    Map<String, Object> r = runOne(cluster, e, serverPortExpression, nodeByPort, counter, net, round == 1);
                    r.put("oneWayDelayMs", delay);
                    r.put("round", round);
                    results.add(r);
                    System.out.println("   " + summary(r));
                }
            }
        }
        return results;
    }

    /**
     * Per delay and contender, over the rounds: the median of throughput and of each latency percentile, with min and
     * max; the round-trip counts of the first round. The chart and the docs quote these.
     */
    static List<Map<String, Object>> summarize(List<Map<String, Object>> results) {
        Map<String, List<Map<String, Object>>> groups = new LinkedHashMap<>();
        for (Map<String, Object> r : results) {
            groups.computeIfAbsent(r.get("oneWayDelayMs") + "/" + r.get("contender"), k -> new ArrayList<>()).add(r);
        }
        List<Map<String, Object>> out = new ArrayList<>();
        for (List<Map<String, Object>> g : groups.values()) {
            Map<String, Object> first = g.get(0);
            List<Map<String, Object>> ran = g.stream().filter(r -> !r.containsKey("error")).toList();
            Map<String, Object> m = new LinkedHashMap<>();
            Object delay = first.get("oneWayDelayMs");
            m.put("contender", first.get("contender"));
            m.put("oneWayDelayMs", delay);
            m.put("rounds", g.size());
            m.put("roundsFailed", g.size() - ran.size());
            if (ran.isEmpty()) {
                m.put("error", first.get("error"));
                out.add(m);
                continue;
            }
            m.put("throughputTxPerSecond", median(ran, r -> (double) r.get("throughputTxPerSecond")));
            m.put("throughputMinMax", minMax(ran, r -> (double) r.get("throughputTxPerSecond")));
            m.put("readsPerSecond", median(ran, r -> (double) r.get("readsPerSecond")));
            m.put("readsOnReplicasPercent", median(ran, r -> (double) r.get("readsOnReplicasPercent")));
            m.put("staleReads", ran.stream().mapToLong(r -> (long) r.get("staleReads")).sum());
            for (String kind : List.of("read", "write")) {
                Map<String, Object> k = new LinkedHashMap<>();
                for (String p : List.of("p50Ms", "p99Ms")) {
                    k.put(p, median(ran, r -> (double) ((Map<?, ?>) r.get(kind)).get(p)));
                    k.put(p.substring(0, 3) + "MinMax", minMax(ran, r -> (double) ((Map<?, ?>) r.get(kind)).get(p)));
                }
                m.put(kind, k);
            }
            if (first.containsKey("roundTrips")) {
                m.put("roundTrips", first.get("roundTrips"));
            }
            out.add(m);
        }
        return out;
    }

    private static double median(List<Map<String, Object>> rs, java.util.function.ToDoubleFunction<Map<String, Object>> f) {
        double[] v = rs.stream().mapToDouble(f).sorted().toArray();
        return Report.round(v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2, 3);
    }

    private static List<Double> minMax(List<Map<String, Object>> rs, java.util.function.ToDoubleFunction<Map<String, Object>> f) {
        java.util.DoubleSummaryStatistics st = rs.stream().mapToDouble(f).summaryStatistics();
        return List.of(Report.round(st.getMin(), 3), Report.round(st.getMax(), 3));
    }

    private static Map<String, Object> runOne(ReplicatedCluster cluster, Entry e, String serverPortExpression,
                                              Map<Integer, String> nodeByPort, NodeCounter counter, Network net,
                                              boolean countRoundTrips) throws Exception {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("contender", e.name());
        r.put("description", e.description());
        // other users of the machine weigh on each contender differently: say how busy it was when each one ran
        r.put("loadAverageAtStart", java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        try (Connection c = cluster.connectApp(cluster.primary())) {
            MixedWorkload.seed(c, ROWS);
        }
        cluster.waitForReplication(Duration.ofSeconds(60));
        Contender contender;
        try {
            contender = e.setup().open();
        } catch (Exception ex) {
            System.out.println("   could not start: " + ex);
            r.put("error", "could not start: " + causes(ex));
            return r;
        }
        try {
            if (countRoundTrips && net.isProxied()) {
                r.put("roundTrips", countRoundTrips(cluster, contender, net, counter, serverPortExpression));
                System.out.println("   counted one at a time: " + r.get("roundTrips"));
            }
            MixedWorkload w = new MixedWorkload(contender.writes(), contender.reads(), THREADS, ROWS, serverPortExpression);
            w.runFor(e.name() + " warmup", WARMUP);
            long failedBefore = w.readFailures.get() + w.writeFailures.get();
            long readFailedBefore = w.readFailures.get();
            w.startMeasuring();
            Map<String, Long> countersBefore = counters(cluster, counter);
            Map<String, Long> tripsBefore = net.roundTripsByNode();
            w.runFor(e.name(), SECONDS);
            Map<String, Long> tripsAfter = net.roundTripsByNode();
            Map<String, Long> countersAfter = counters(cluster, counter);
            w.stop();
            double seconds = w.measuredNanos() / 1e9;
            Histogram reads = w.readLatencies();
            Histogram writes = w.writeLatencies();
            long tx = reads.getTotalCount() + writes.getTotalCount();
            r.put("throughputTxPerSecond", Report.round(tx / seconds, 1));
            r.put("readsPerSecond", Report.round(reads.getTotalCount() / seconds, 1));
            r.put("writesPerSecond", Report.round(writes.getTotalCount() / seconds, 1));
            r.put("read", latencies(reads));
            r.put("write", latencies(writes));
            long failedReads = w.readFailures.get() - readFailedBefore;
            long failed = w.readFailures.get() + w.writeFailures.get() - failedBefore;
            r.put("failedReads", failedReads);
            r.put("failedWrites", failed - failedReads);
            r.put("failedDuringWarmup", failedBefore);
            Map<String, Long> byNode = new LinkedHashMap<>();
            nodeByPort.values().forEach(n -> byNode.put(n, 0L));
            w.readsByPort.forEach((port, n) -> byNode.merge(nodeByPort.getOrDefault(port, "port " + port), n.sum(), Long::sum));
            r.put("readsByNode", byNode);
            long all = byNode.values().stream().mapToLong(Long::longValue).sum();
            long onPrimary = byNode.getOrDefault(cluster.primary().name(), 0L);
            r.put("readsOnReplicasPercent", all == 0 ? 0.0 : Report.round(100.0 * (all - onPrimary) / all, 1));
            // from the data: reads that did not see the latest write acknowledged before they began (any thread)
            r.put("staleReads", w.staleReads.sum());
            r.put("readsCheckedForTheLatestWrite", w.checkedReads.sum());
            if (counter != null) {
                Map<String, Long> delta = new LinkedHashMap<>();
                countersAfter.forEach((n, v) -> delta.put(n, v - countersBefore.get(n)));
                r.put(counter.name() + "ByNode", delta);
                r.put(counter.name() + "PerTransaction",
                        Report.round(delta.values().stream().mapToLong(Long::longValue).sum() / (double) Math.max(1, tx), 2));
            }
            if (net.isProxied()) {
                long trips = tripsAfter.entrySet().stream().mapToLong(t -> t.getValue() - tripsBefore.get(t.getKey())).sum();
                // the mixed workload's own, monitoring probes included
                r.put("roundTripsPerTransactionWhileMeasuring", Report.round(trips / (double) Math.max(1, tx), 2));
            }
            if (w.lastFailure != null) {
                r.put("lastFailure", w.lastFailure);
            }
        } catch (Exception ex) {
            System.out.println("   failed: " + ex);
            r.put("error", "failed while running: " + causes(ex));
        } finally {
            for (AutoCloseable a : contender.resources()) {
                try {
                    a.close();
                } catch (Exception ex) {
                    System.out.println("   closing " + a + ": " + ex);
                }
            }
        }
        return r;
    }

    /** A transaction of the workload, run on the caller's thread. */
    private interface Transaction {
        void run() throws java.sql.SQLException;
    }

    /**
     * Runs {@link #COUNT_READS} read-only, then {@link #COUNT_WRITES} write transactions one at a time on this thread,
     * and returns per transaction the round trips each node's proxy saw and, with a counter, the statements each server
     * counted. A few transactions of each kind run first so that every pool has opened its connections.
     */
    private static Map<String, Object> countRoundTrips(ReplicatedCluster cluster, Contender contender, Network net,
                                                       NodeCounter counter, String serverPortExpression) throws Exception {
        try (MixedWorkload w = new MixedWorkload(contender.writes(), contender.reads(), 0, ROWS, serverPortExpression)) {
            w.nextId.set(ROWS + 1_000_000_000L); // ids the measured workload never takes
            for (int i = 0; i < 20; i++) {
                w.read();
                w.write();
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("backgroundRoundTripsPerSecond", Report.round(net.settle(Duration.ofSeconds(1), Duration.ofSeconds(20)), 1));
            m.put("readOnly", countPer(cluster, net, counter, COUNT_READS, w::read));
            m.put("write", countPer(cluster, net, counter, COUNT_WRITES, w::write));
            return m;
        }
    }

    private static Map<String, Object> countPer(ReplicatedCluster cluster, Network net, NodeCounter counter, int n,
                                                Transaction tx) throws Exception {
        // what reading the counters itself adds to them, taken off below
        Map<String, Long> idle = counters(cluster, counter);
        Map<String, Long> idleAgain = counters(cluster, counter);
        Map<String, Long> trips = net.roundTripsByNode();
        Map<String, Long> statements = counters(cluster, counter);
        for (int i = 0; i < n; i++) {
            tx.run();
        }
        Map<String, Long> tripsAfter = net.roundTripsByNode();
        Map<String, Long> statementsAfter = counters(cluster, counter);
        Map<String, Object> m = new LinkedHashMap<>();
        Map<String, Double> tripsByNode = new LinkedHashMap<>();
        tripsAfter.forEach((node, v) -> tripsByNode.put(node, Report.round((v - trips.get(node)) / (double) n, 3)));
        m.put("roundTrips", Report.round(tripsByNode.values().stream().mapToDouble(Double::doubleValue).sum(), 2));
        m.put("roundTripsByNode", tripsByNode);
        if (counter != null) {
            Map<String, Double> byNode = new LinkedHashMap<>();
            statementsAfter.forEach((node, v) -> byNode.put(node,
                    Report.round((v - statements.get(node) - (idleAgain.get(node) - idle.get(node))) / (double) n, 3)));
            m.put(counter.name(), Report.round(byNode.values().stream().mapToDouble(Double::doubleValue).sum(), 2));
            m.put(counter.name() + "ByNode", byNode);
        }
        return m;
    }

    private static Map<String, Long> counters(ReplicatedCluster cluster, NodeCounter counter) {
        Map<String, Long> m = new LinkedHashMap<>();
        if (counter != null) {
            cluster.nodes().forEach(n -> m.put(n.name(), counter.read().applyAsLong(n)));
        }
        return m;
    }

    private static Map<String, Object> latencies(Histogram h) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("count", h.getTotalCount());
        m.put("p50Ms", Report.round(h.getValueAtPercentile(50) / 1000.0, 3));
        m.put("p99Ms", Report.round(h.getValueAtPercentile(99) / 1000.0, 3));
        m.put("p999Ms", Report.round(h.getValueAtPercentile(99.9) / 1000.0, 3));
        m.put("maxMs", Report.round(h.getMaxValue() / 1000.0, 3));
        return m;
    }

    /** The exception and its causes on one line: the exact reason a contender could not run goes into the JSON. */
    static String causes(Throwable t) {
        StringBuilder b = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (b.length() > 0) {
                b.append(" <- caused by: ");
            }
            b.append(c);
            if (c.getCause() == c) {
                break;
            }
        }
        return b.toString();
    }

    static String summary(Map<String, Object> r) {
        if (r.containsKey("error")) {
            return r.get("contender") + ": " + r.get("error");
        }
        return String.format("%s%s: %s tx/s, read p50 %s ms p99 %s ms, write p50 %s ms p99 %s ms, failed %s, reads by node %s"
                        + " (%s %% on replicas), stale reads %s of %s checked",
                r.get("contender"), r.get("oneWayDelayMs") == null ? "" : " @" + r.get("oneWayDelayMs") + " ms",
                r.get("throughputTxPerSecond"), ((Map<?, ?>) r.get("read")).get("p50Ms"),
                ((Map<?, ?>) r.get("read")).get("p99Ms"), ((Map<?, ?>) r.get("write")).get("p50Ms"),
                ((Map<?, ?>) r.get("write")).get("p99Ms"), (long) r.get("failedReads") + (long) r.get("failedWrites"),
                r.get("readsByNode"), r.get("readsOnReplicasPercent"), r.get("staleReads"), r.get("readsCheckedForTheLatestWrite"));
    }

    /** A HikariCP pool of {@link #POOL_SIZE} connections, all opened at start (minimumIdle = maximumPoolSize). */
    static HikariDataSource pool(String name, String url, ReplicatedCluster cluster, Properties driverProperties) {
        HikariConfig c = new HikariConfig();
        c.setPoolName(name);
        c.setJdbcUrl(url);
        c.setUsername(cluster.app().username());
        c.setPassword(cluster.app().password());
        c.setMaximumPoolSize(POOL_SIZE);
        c.setMinimumIdle(POOL_SIZE);
        if (driverProperties != null) {
            c.setDataSourceProperties(driverProperties);
        }
        return new HikariDataSource(c);
    }

    /** A Replicaware contender on every node of {@code c}: pools as every contender's, default settings but {@code consistency}. */
    static Entry replicaware(ReplicatedCluster c, Network net, String name, ReadConsistency consistency, String description) {
        return replicaware(c, net, name, consistency, RoutingConfig.ReadYourWrites.INSTANCE, description);
    }

    /** With read-your-writes {@code off}: beside the default contender, what read-your-writes costs end to end. */
    static Entry replicawareWithoutReadYourWrites(ReplicatedCluster c, Network net) {
        return replicaware(c, net, "replicaware-ryw-off", ReadConsistency.ANY, RoutingConfig.ReadYourWrites.OFF,
                "ReplicaAwareDataSource as 'replicaware' with routing.readYourWrites: off (no position read after writes, "
                        + "reads wait for no commit): the difference is the cost of read-your-writes");
    }

    /**
     * As {@code replicaware}, with {@code routing.readYourWritesWait: always}: a read whose commit no replica is known
     * to have replayed waits on one (the default before issue 24) instead of reading from the primary at once.
     */
    static Entry replicawareWaiting(ReplicatedCluster c, Network net) {
        return new Entry("replicaware-ryw-wait", "ReplicaAwareDataSource as 'replicaware' with routing.readYourWritesWait:"
                + " always (a read waits on a replica for the commit it must see, up to readYourWritesTimeout)",
                () -> open(c, net, ReadConsistency.ANY, RoutingConfig.ReadYourWrites.INSTANCE, RoutingConfig.Strategy.ROUND_ROBIN,
                        RoutingConfig.ReadYourWritesWait.ALWAYS));
    }

    /**
     * As {@code replicaware-ryw-off}, with {@code routing.loadBalance: thread-affinity}: each worker keeps to one
     * replica, as the peers' pools pinned per physical connection do, where round robin alternates every worker.
     */
    static Entry replicawareThreadAffinity(ReplicatedCluster c, Network net) {
        return replicaware(c, net, "replicaware-ryw-off-affinity", ReadConsistency.ANY, RoutingConfig.ReadYourWrites.OFF,
                RoutingConfig.Strategy.THREAD_AFFINITY, "ReplicaAwareDataSource as 'replicaware-ryw-off' with routing.loadBalance: "
                        + "thread-affinity (each worker thread keeps to one replica instead of alternating)");
    }

    private static Entry replicaware(ReplicatedCluster c, Network net, String name, ReadConsistency consistency,
                                     RoutingConfig.ReadYourWrites readYourWrites, String description) {
        return replicaware(c, net, name, consistency, readYourWrites, RoutingConfig.Strategy.ROUND_ROBIN, description);
    }

    private static Entry replicaware(ReplicatedCluster c, Network net, String name, ReadConsistency consistency,
                                     RoutingConfig.ReadYourWrites readYourWrites, RoutingConfig.Strategy strategy,
                                     String description) {
        return new Entry(name, description, () -> open(c, net, consistency, readYourWrites, strategy,
                RoutingConfig.ReadYourWritesWait.NEVER));
    }

    private static Contender open(ReplicatedCluster c, Network net, ReadConsistency consistency,
                                  RoutingConfig.ReadYourWrites readYourWrites, RoutingConfig.Strategy strategy,
                                  RoutingConfig.ReadYourWritesWait wait) {
        ClusterNode primary = c.primary();
        ClusterConfig.Builder b = ClusterConfig.builder("e2e")
                .primary(NodeConfig.of(primary.name(), net.url(primary)))
                .username(c.app().username()).password(c.app().password())
                .pool(Map.of("maximumPoolSize", String.valueOf(POOL_SIZE), "minimumIdle", String.valueOf(POOL_SIZE)))
                .readConsistency(consistency)
                .readYourWrites(readYourWrites)
                .readYourWritesWait(wait)
                .strategy(strategy);
        c.replicas().forEach(r -> b.replica(NodeConfig.of(r.name(), net.url(r))));
        ReplicaAwareDataSource ds = new ReplicaAwareDataSource(b.build());
        return Contender.single(ds, ds);
    }

    static HikariDataSource pool(String name, String url, ReplicatedCluster cluster) {
        return pool(name, url, cluster, null);
    }

    /** Prints each contender's medians over the rounds, min–max, and the round trips and statements it was counted at. */
    static void printSummary(List<Map<String, Object>> results) {
        System.out.println("== summary (median [min-max] over rounds; round trips and statements per transaction, counted one at a time)");
        for (Map<String, Object> m : summarize(results)) {
            String who = m.get("contender") + (m.get("oneWayDelayMs") == null ? "" : " @" + m.get("oneWayDelayMs") + " ms");
            if (m.containsKey("error")) {
                System.out.println(who + ": " + m.get("error"));
                continue;
            }
            Map<?, ?> read = (Map<?, ?>) m.get("read");
            Map<?, ?> write = (Map<?, ?>) m.get("write");
            System.out.printf("%s: %s tx/s %s, read p50 %s %s p99 %s %s ms, write p50 %s %s p99 %s %s ms, reads on replicas %s %%,"
                            + " stale reads %s%s%n", who,
                    m.get("throughputTxPerSecond"), m.get("throughputMinMax"), read.get("p50Ms"), read.get("p50MinMax"),
                    read.get("p99Ms"), read.get("p99MinMax"), write.get("p50Ms"), write.get("p50MinMax"), write.get("p99Ms"),
                    write.get("p99MinMax"), m.get("readsOnReplicasPercent"), m.get("staleReads"),
                    m.containsKey("roundTrips") ? ", counted " + m.get("roundTrips") : "");
        }
    }

    /** Throughput per contender, and read and write p50/p99 per contender, side by side. */
    static void writeReport(String name, String title, Map<String, Object> settings, List<Map<String, Object>> results) {
        if (delays().get(0) != null) {
            name = name + "-latency"; // runs through proxies keep the direct run's figures
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("settings", settings);
        List<Map<String, Object>> summary = summarize(results);
        json.put("summary", summary);
        json.put("results", results);
        Report.writeJson(name, json);
        List<Map<String, Object>> ran = summary.stream().filter(r -> !r.containsKey("error")).toList();
        if (ran.isEmpty()) {
            return;
        }
        List<String> xs = ran.stream().map(r -> r.get("oneWayDelayMs") == null ? (String) r.get("contender")
                : r.get("contender") + " @" + r.get("oneWayDelayMs") + " ms").toList();
        String subtitle = String.format(" (%d threads, %d s after %d s warmup%s)", THREADS, SECONDS, WARMUP,
                ROUNDS > 1 ? ", median of " + ROUNDS + " rounds" : "");
        CategoryChart throughput = new CategoryChartBuilder().width(700).height(520)
                .title(title + ": throughput" + subtitle).yAxisTitle("transactions/s").build();
        style(throughput);
        throughput.getStyler().setDecimalPattern("#,##0");
        throughput.addSeries("tx/s (90 % read-only)", xs, ran.stream().map(r -> (Number) r.get("throughputTxPerSecond")).toList());
        throughput.addSeries("of which reads on replicas", xs, ran.stream()
                .map(r -> (Number) Report.round((double) r.get("readsPerSecond") * (double) r.get("readsOnReplicasPercent") / 100, 1))
                .toList());
        CategoryChart latency = new CategoryChartBuilder().width(700).height(520)
                .title(title + ": latency percentiles" + subtitle).yAxisTitle("ms").build();
        style(latency);
        for (String kind : List.of("read", "write")) {
            for (String p : List.of("p50Ms", "p99Ms")) {
                latency.addSeries(kind + " " + p.substring(0, 3), xs,
                        ran.stream().map(r -> (Number) ((Map<?, ?>) r.get(kind)).get(p)).toList());
            }
        }
        Report.writePng(name, List.of(throughput, latency));
    }

    private static void style(CategoryChart chart) {
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
        chart.getStyler().setLabelsVisible(true);
        chart.getStyler().setLabelsFont(chart.getStyler().getLabelsFont().deriveFont(9f));
        chart.getStyler().setXAxisLabelRotation(20);
        chart.getStyler().setChartTitleFont(chart.getStyler().getChartTitleFont().deriveFont(12f));
    }
}
