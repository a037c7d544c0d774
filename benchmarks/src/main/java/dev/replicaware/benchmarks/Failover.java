package dev.replicaware.benchmarks;

import dev.replicaware.ReplicaAwareDataSource;
import dev.replicaware.config.ClusterConfig;
import dev.replicaware.config.FailoverConfig;
import dev.replicaware.config.NodeConfig;
import dev.replicaware.testkit.ClusterNode;
import dev.replicaware.testkit.PostgresCluster;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.style.Styler;

/**
 * SIGKILL on the primary of a testkit PostgreSQL cluster (a primary and two replicas, one synchronous) under the mixed
 * workload, Replicaware in automatic failover mode with every other setting at its default. Per run: the
 * write-unavailability window (from the kill to the first successful write that began after it), failed operations,
 * and acknowledged writes missing on the new primary. Writes {@code benchmarks/results/failover.json} and {@code .png}.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar dev.replicaware.benchmarks.Failover</pre>
 *
 * System properties: {@code runs} (5), {@code threads} (8), {@code warmSeconds} (3 before the kill),
 * {@code afterSeconds} (3 after the first write on the new primary), {@code connectionTimeoutMs} (unset: HikariCP's
 * default of 30 s; set, the pools' {@code connectionTimeout} and results named {@code failover-connectionTimeout-<ms>ms}).
 */
public final class Failover {
    static final String CONNECTION_TIMEOUT = System.getProperty("connectionTimeoutMs");
    static final String NAME = CONNECTION_TIMEOUT == null ? "failover" : "failover-connectionTimeout-" + CONNECTION_TIMEOUT + "ms";

    private Failover() {
    }

    public static void main(String[] args) throws Exception {
        int runs = Integer.getInteger("runs", 5);
        int threads = Integer.getInteger("threads", 8);
        int warm = Integer.getInteger("warmSeconds", 3);
        int after = Integer.getInteger("afterSeconds", 3);
        List<Map<String, Object>> results = new ArrayList<>();
        for (int run = 1; run <= runs; run++) {
            System.out.printf("== run %d/%d: starting a PostgreSQL cluster (primary + 2 replicas, 1 synchronous)%n", run, runs);
            results.add(once(run, threads, warm, after));
            System.out.println("   " + results.get(results.size() - 1));
        }
        List<Long> windows = results.stream().map(r -> (Long) r.get("writeUnavailableMs")).sorted().toList();
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("runs", runs);
        summary.put("writeUnavailableMsMedian", windows.get(windows.size() / 2));
        summary.put("writeUnavailableMsMax", windows.get(windows.size() - 1));
        summary.put("failedOperationsTotal", results.stream().mapToLong(r -> (Long) r.get("failedOperations")).sum());
        summary.put("acknowledgedWritesLostTotal", results.stream().mapToLong(r -> (Long) r.get("acknowledgedWritesLost")).sum());
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("settings", Map.of("connectionTimeoutMs", CONNECTION_TIMEOUT == null ? "HikariCP default (30000)" : CONNECTION_TIMEOUT,
                "engine", "PostgreSQL 18 (testkit)", "replicas", 2, "synchronousReplicas", 1, "threads", threads,
                "readPercent", MixedWorkload.READ_PERCENT, "failover", "automatic, other settings default",
                "fault", "SIGKILL of the primary's postmaster and every process it forked"));
        json.put("summary", summary);
        json.put("runs", results);
        Report.writeJson(NAME, json);
        Report.writePng(NAME, List.of(chart(results, summary)));
        System.out.println("summary: " + summary);
    }

    private static Map<String, Object> once(int run, int threads, int warm, int after) throws Exception {
        try (PostgresCluster c = PostgresCluster.builder().replicas(2).synchronousReplicas(1).start()) {
            ClusterConfig.Builder b = ClusterConfig.builder("failover-bench")
                    .primary(NodeConfig.of(c.primary().name(), c.primary().jdbcUrl()))
                    .username(c.app().username()).password(c.app().password())
                    .failover(new FailoverConfig(FailoverConfig.Mode.AUTOMATIC, null, FailoverConfig.DEFAULT_WRITE_WAIT,
                            c.failoverAdmin().username(), c.failoverAdmin().password()));
            for (ClusterNode r : c.replicas()) {
                b.replica(NodeConfig.of(r.name(), r.jdbcUrl()));
            }
            if (CONNECTION_TIMEOUT != null) {
                b.pool(Map.of("connectionTimeout", CONNECTION_TIMEOUT));
            }
            try (ReplicaAwareDataSource ds = new ReplicaAwareDataSource(b.build())) {
                MixedWorkload w = new MixedWorkload(ds, ds, threads);
                w.runFor("run " + run + " before the kill", warm);
                long failedBefore = w.readFailures.get() + w.writeFailures.get();
                c.kill(c.primary());
                w.markFault();
                long deadline = System.nanoTime() + 60_000_000_000L;
                while (w.firstWriteAfterFault.get() == 0 && System.nanoTime() < deadline) {
                    Thread.sleep(10);
                }
                long window = w.unavailableMillis();
                System.out.printf("  run %d: first write after the kill after %d ms (%s)%n", run, window, ds.failoverStats());
                w.runFor("run " + run + " after the failover", after);
                w.stop();
                ClusterNode newPrimary = c.currentPrimary();
                Set<Long> present = ids(c, newPrimary);
                Set<Long> missing = new HashSet<>(w.acked);
                missing.removeAll(present);
                Map<String, Object> r = new LinkedHashMap<>();
                r.put("run", run);
                r.put("writeUnavailableMs", window);
                // every failure since the kill, including those of operations in flight before markFault() ran
                r.put("failedOperations", w.readFailures.get() + w.writeFailures.get() - failedBefore);
                r.put("failedReads", w.readFailures.get());
                r.put("failedWrites", w.writeFailures.get());
                r.put("failedBeforeKill", failedBefore);
                r.put("acknowledgedWrites", (long) w.acked.size());
                r.put("acknowledgedWritesLost", (long) missing.size());
                r.put("newPrimary", newPrimary.name());
                r.put("failoverStats", String.valueOf(ds.failoverStats()));
                r.put("lastFailure", w.lastFailure);
                return r;
            }
        }
    }

    private static Set<Long> ids(PostgresCluster c, ClusterNode node) throws Exception {
        Set<Long> ids = new HashSet<>();
        try (Connection conn = c.connectAdmin(node); Statement s = conn.createStatement();
             ResultSet rs = s.executeQuery("SELECT id FROM " + MixedWorkload.TABLE)) {
            while (rs.next()) {
                ids.add(rs.getLong(1));
            }
        }
        return ids;
    }

    private static CategoryChart chart(List<Map<String, Object>> results, Map<String, Object> summary) {
        CategoryChart chart = new CategoryChartBuilder().width(800).height(500)
                .title("SIGKILL of the PostgreSQL primary" + (CONNECTION_TIMEOUT == null ? "" : " (connectionTimeout " + CONNECTION_TIMEOUT + " ms)")
                        + ": write unavailability per run (median "
                        + summary.get("writeUnavailableMsMedian") + " ms, max " + summary.get("writeUnavailableMsMax")
                        + " ms, acknowledged writes lost: " + summary.get("acknowledgedWritesLostTotal") + ")")
                .xAxisTitle("run").yAxisTitle("ms").build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
        chart.getStyler().setLabelsVisible(true);
        chart.getStyler().setChartTitleFont(chart.getStyler().getChartTitleFont().deriveFont(12f));
        List<String> xs = results.stream().map(r -> String.valueOf(r.get("run"))).toList();
        chart.addSeries("write-unavailability window (ms)", xs,
                results.stream().map(r -> (Number) r.get("writeUnavailableMs")).toList());
        return chart;
    }
}
