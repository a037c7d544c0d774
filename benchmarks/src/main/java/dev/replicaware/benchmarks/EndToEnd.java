package dev.replicaware.benchmarks;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.replicaware.ReadConsistency;
import dev.replicaware.ReplicaAwareDataSource;
import dev.replicaware.config.ClusterConfig;
import dev.replicaware.config.NodeConfig;
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
        s.put("read", "setReadOnly(true), autocommit off, SELECT pad, <server port> FROM bench_rows WHERE id = <random seeded id>, commit");
        s.put("write", "autocommit off, INSERT INTO bench_rows (id, pad) VALUES (<new id>, 'w'), commit");
        return s;
    }

    /**
     * Runs every entry in turn: a fresh table with {@link #ROWS} rows, replicated everywhere, then the contender's pools,
     * {@link #WARMUP} seconds not counted, {@link #SECONDS} measured. A contender that cannot start or run is recorded
     * with its error, and the others go on.
     */
    static List<Map<String, Object>> runAll(ReplicatedCluster cluster, List<Entry> entries, String serverPortExpression,
                                            NodeCounter counter) throws Exception {
        Map<Integer, String> nodeByPort = new LinkedHashMap<>();
        cluster.nodes().forEach(n -> nodeByPort.put(n.port(), n.name()));
        List<Map<String, Object>> results = new ArrayList<>();
        int i = 0;
        for (Entry e : entries) {
            i++;
            System.out.printf("== %d/%d %s: %s%n", i, entries.size(), e.name(), e.description());
            results.add(runOne(cluster, e, serverPortExpression, nodeByPort, counter));
            System.out.println("   " + summary(results.get(results.size() - 1)));
        }
        return results;
    }

    private static Map<String, Object> runOne(ReplicatedCluster cluster, Entry e, String serverPortExpression,
                                              Map<Integer, String> nodeByPort, NodeCounter counter) throws Exception {
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
            MixedWorkload w = new MixedWorkload(contender.writes(), contender.reads(), THREADS, ROWS, serverPortExpression);
            w.runFor(e.name() + " warmup", WARMUP);
            long failedBefore = w.readFailures.get() + w.writeFailures.get();
            long readFailedBefore = w.readFailures.get();
            w.startMeasuring();
            Map<String, Long> countersBefore = counters(cluster, counter);
            w.runFor(e.name(), SECONDS);
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
            if (counter != null) {
                Map<String, Long> delta = new LinkedHashMap<>();
                countersAfter.forEach((n, v) -> delta.put(n, v - countersBefore.get(n)));
                r.put(counter.name() + "ByNode", delta);
                r.put(counter.name() + "PerTransaction",
                        Report.round(delta.values().stream().mapToLong(Long::longValue).sum() / (double) Math.max(1, tx), 2));
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
        return String.format("%s: %s tx/s, read p50 %s ms p99 %s ms, write p50 %s ms p99 %s ms, failed %s, reads by node %s",
                r.get("contender"), r.get("throughputTxPerSecond"), ((Map<?, ?>) r.get("read")).get("p50Ms"),
                ((Map<?, ?>) r.get("read")).get("p99Ms"), ((Map<?, ?>) r.get("write")).get("p50Ms"),
                ((Map<?, ?>) r.get("write")).get("p99Ms"), (long) r.get("failedReads") + (long) r.get("failedWrites"),
                r.get("readsByNode"));
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
    static Entry replicaware(ReplicatedCluster c, String name, ReadConsistency consistency, String description) {
        return new Entry(name, description, () -> {
            ClusterNode primary = c.primary();
            ClusterConfig.Builder b = ClusterConfig.builder("e2e")
                    .primary(NodeConfig.of(primary.name(), primary.jdbcUrl()))
                    .username(c.app().username()).password(c.app().password())
                    .pool(Map.of("maximumPoolSize", String.valueOf(POOL_SIZE), "minimumIdle", String.valueOf(POOL_SIZE)))
                    .readConsistency(consistency);
            c.replicas().forEach(r -> b.replica(NodeConfig.of(r.name(), r.jdbcUrl())));
            ReplicaAwareDataSource ds = new ReplicaAwareDataSource(b.build());
            return Contender.single(ds, ds);
        });
    }

    static HikariDataSource pool(String name, String url, ReplicatedCluster cluster) {
        return pool(name, url, cluster, null);
    }

    /** Throughput per contender, and read and write p50/p99 per contender, side by side. */
    static void writeReport(String name, String title, Map<String, Object> settings, List<Map<String, Object>> results) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("settings", settings);
        json.put("results", results);
        Report.writeJson(name, json);
        List<Map<String, Object>> ran = results.stream().filter(r -> !r.containsKey("error")).toList();
        if (ran.isEmpty()) {
            return;
        }
        List<String> xs = ran.stream().map(r -> (String) r.get("contender")).toList();
        String subtitle = String.format(" (%d threads, %d s after %d s warmup)", THREADS, SECONDS, WARMUP);
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
