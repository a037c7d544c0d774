package dev.replicaware.benchmarks;

import dev.replicaware.ReplicaAwareDataSource;
import dev.replicaware.config.ClusterConfig;
import dev.replicaware.config.NodeConfig;
import dev.replicaware.testkit.ClusterNode;
import dev.replicaware.testkit.PostgresCluster;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Lag accuracy: a testkit PostgreSQL cluster (a primary, two asynchronous replicas), a writer committing every 20 ms,
 * and an apply delay ({@code recovery_min_apply_delay}) of 0.5, 1, 2 and 5 s on replica1 in turn. Once the delay has
 * taken hold, the lag Replicaware reports for replica1 ({@code topology()}) is sampled every 100 ms for a few seconds
 * and compared with the injected delay; replica2, undelayed, is sampled too. Writes
 * {@code benchmarks/results/lag.json} and {@code .png}.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar dev.replicaware.benchmarks.Lag</pre>
 *
 * System properties: {@code delays} (seconds, default {@code 0.5,1,2,5}), {@code sampleSeconds} (5).
 */
public final class Lag {
    static final String NAME = "lag";

    private Lag() {
    }

    public static void main(String[] args) throws Exception {
        double[] delays = java.util.Arrays.stream(System.getProperty("delays", "0.5,1,2,5").split(","))
                .mapToDouble(Double::parseDouble).toArray();
        int sampleSeconds = Integer.getInteger("sampleSeconds", 5);
        System.out.println("== starting a PostgreSQL cluster (primary + 2 asynchronous replicas)");
        List<Map<String, Object>> results = new ArrayList<>();
        try (PostgresCluster c = PostgresCluster.builder().replicas(2).synchronousReplicas(0).start()) {
            ClusterNode delayed = c.replicas().get(0);
            ClusterNode other = c.replicas().get(1);
            ClusterConfig.Builder b = ClusterConfig.builder("lag-bench")
                    .primary(NodeConfig.of(c.primary().name(), c.primary().jdbcUrl()))
                    .username(c.app().username()).password(c.app().password());
            for (ClusterNode r : c.replicas()) {
                b.replica(NodeConfig.of(r.name(), r.jdbcUrl()));
            }
            AtomicBoolean writing = new AtomicBoolean(true);
            try (ReplicaAwareDataSource ds = new ReplicaAwareDataSource(b.build())) {
                try (Connection conn = ds.getConnection(); Statement s = conn.createStatement()) {
                    s.execute("CREATE TABLE lag_ticks (id BIGSERIAL PRIMARY KEY, at TIMESTAMPTZ DEFAULT now())");
                }
                Thread writer = new Thread(() -> {
                    while (writing.get()) {
                        try (Connection conn = ds.getConnection(); Statement s = conn.createStatement()) {
                            s.executeUpdate("INSERT INTO lag_ticks DEFAULT VALUES");
                            Thread.sleep(20);
                        } catch (Exception e) {
                            // the next tick tries again
                        }
                    }
                }, "lag-writer");
                writer.setDaemon(true);
                writer.start();
                for (double d : delays) {
                    Duration delay = Duration.ofMillis(Math.round(d * 1000));
                    System.out.printf("== apply delay %.1f s on %s: waiting %.1f s for it to take hold, then sampling %d s%n",
                            d, delayed.name(), d + 2, sampleSeconds);
                    c.applyDelay(delayed, delay);
                    Thread.sleep(Math.round((d + 2) * 1000));
                    List<Double> samples = new ArrayList<>();
                    List<Double> others = new ArrayList<>();
                    long end = System.nanoTime() + sampleSeconds * 1_000_000_000L;
                    while (System.nanoTime() < end) {
                        samples.add(ds.topology().node(delayed.name()).orElseThrow().lagSeconds());
                        others.add(ds.topology().node(other.name()).orElseThrow().lagSeconds());
                        Thread.sleep(100);
                    }
                    Map<String, Object> r = new LinkedHashMap<>();
                    r.put("injectedSeconds", d);
                    r.putAll(stats("reported", samples));
                    r.put("errorOfMeanSeconds", Report.round((Double) r.get("reportedMean") - d, 3));
                    r.put("undelayedReplicaMaxSeconds", Report.round(others.stream().mapToDouble(x -> x).max().orElse(Double.NaN), 3));
                    r.put("samples", samples.stream().map(x -> Report.round(x, 3)).toList());
                    results.add(r);
                    System.out.printf("   reported mean %.3f s (min %.3f, max %.3f); undelayed replica max %.3f s%n",
                            r.get("reportedMean"), r.get("reportedMin"), r.get("reportedMax"), r.get("undelayedReplicaMaxSeconds"));
                }
                c.applyDelay(delayed, Duration.ZERO);
                writing.set(false);
                writer.join(5000);
            }
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("settings", Map.of("engine", "PostgreSQL 18 (testkit)", "replicas", 2, "synchronousReplicas", 0,
                "writerIntervalMs", 20, "sampleIntervalMs", 100, "sampleSeconds", sampleSeconds,
                "replicawareSettings", "defaults (probe every 500 ms)"));
        json.put("results", results);
        Report.writeJson(NAME, json);
        Report.writePng(NAME, List.of(chart(results)));
    }

    private static Map<String, Object> stats(String prefix, List<Double> xs) {
        List<Double> sorted = xs.stream().sorted().toList();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(prefix + "Mean", Report.round(xs.stream().mapToDouble(x -> x).average().orElse(Double.NaN), 3));
        m.put(prefix + "Min", Report.round(sorted.get(0), 3));
        m.put(prefix + "Median", Report.round(sorted.get(sorted.size() / 2), 3));
        m.put(prefix + "Max", Report.round(sorted.get(sorted.size() - 1), 3));
        return m;
    }

    private static XYChart chart(List<Map<String, Object>> results) {
        XYChart chart = new XYChartBuilder().width(800).height(520)
                .title("Replication lag reported by Replicaware vs injected apply delay (PostgreSQL)")
                .xAxisTitle("injected apply delay (s)").yAxisTitle("reported lag (s)").build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
        double[] x = results.stream().mapToDouble(r -> (Double) r.get("injectedSeconds")).toArray();
        XYSeries ideal = chart.addSeries("ideal (reported = injected)", x, x);
        ideal.setMarker(SeriesMarkers.NONE);
        double[] mean = results.stream().mapToDouble(r -> (Double) r.get("reportedMean")).toArray();
        double[] err = results.stream().mapToDouble(r -> ((Double) r.get("reportedMax") - (Double) r.get("reportedMin")) / 2).toArray();
        double[] mid = results.stream().mapToDouble(r -> ((Double) r.get("reportedMax") + (Double) r.get("reportedMin")) / 2).toArray();
        chart.addSeries("reported, mean", x, mean);
        chart.addSeries("reported, min..max", x, mid, err).setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        return chart;
    }
}
