package dev.replicaware.benchmarks;

import dev.replicaware.ReplicaAwareDataSource;
import dev.replicaware.config.ClusterConfig;
import dev.replicaware.config.FailoverConfig;
import dev.replicaware.config.NodeConfig;
import dev.replicaware.metrics.ReplicawareMetrics;
import dev.replicaware.testkit.ClusterNode;
import dev.replicaware.testkit.PostgresCluster;
import dev.replicaware.topology.TopologyEvent;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.knowm.xchart.AnnotationLine;
import org.knowm.xchart.AnnotationText;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The picture of ops/grafana/replicaware-dashboard.json's main panels in docs/operations.md, drawn from a real run:
 * a PostgreSQL cluster under a mixed workload, a replica delayed past {@code routing.maxLag}, the other replica killed
 * (reads fall back to the primary), both back, then the primary killed (automatic failover). A Prometheus registry
 * is scraped every 0.5 s; the panels plot the dashboard's queries over those samples (rates over 1 s).
 * Writes {@code docs/images/dashboard.png} (system property {@code image}) and {@code benchmarks/results/dashboard.json}.
 */
public final class Dashboard {
    private static final String NAME = "dashboard";
    private static final String CLUSTER = "orders";
    private static final Duration MAX_LAG = Duration.ofSeconds(1);

    /** One scrape: metric name and labels to value. */
    private record Sample(double t, Map<String, Map<Map<String, String>, Double>> metrics) {
        /** The sum of a metric's samples whose labels include every given pair. */
        double sum(String metric, String... labelValues) {
            double sum = 0;
            boolean any = false;
            for (Map.Entry<Map<String, String>, Double> e : metrics.getOrDefault(metric, Map.of()).entrySet()) {
                boolean all = true;
                for (int k = 0; k < labelValues.length; k += 2) {
                    all &= labelValues[k + 1].equals(e.getKey().get(labelValues[k]));
                }
                if (all) {
                    sum += e.getValue();
                    any = true;
                }
            }
            return any ? sum : Double.NaN;
        }
    }

    private record Mark(double t, String text) { }

    public static void main(String[] args) throws Exception {
        List<Sample> samples = new CopyOnWriteArrayList<>();
        List<Mark> marks = new CopyOnWriteArrayList<>();
        List<String> nodes = new ArrayList<>();
        long[] t0 = {0};
        Function<Long, Double> since = now -> (now - t0[0]) / 1e9;
        try (PostgresCluster c = PostgresCluster.builder().replicas(2).start()) {
            ClusterConfig.Builder b = ClusterConfig.builder(CLUSTER)
                    .primary(NodeConfig.of(c.primary().name(), c.primary().jdbcUrl()))
                    .username(c.app().username()).password(c.app().password()).maxLag(MAX_LAG)
                    .pool(Map.of("maximumPoolSize", "4", "connectionTimeout", "2000"))
                    .failover(new FailoverConfig(FailoverConfig.Mode.AUTOMATIC, null, FailoverConfig.DEFAULT_WRITE_WAIT,
                            c.admin().username(), c.admin().password()));
            for (ClusterNode r : c.replicas()) {
                b.replica(NodeConfig.of(r.name(), r.jdbcUrl()));
            }
            c.nodes().forEach(n -> nodes.add(n.name()));
            ClusterNode delayed = c.replicas().get(0);
            ClusterNode killed = c.replicas().get(1);
            ClusterNode primary = c.primary();
            PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "dashboard-sampler");
                t.setDaemon(true);
                return t;
            });
            try (ReplicaAwareDataSource ds = new ReplicaAwareDataSource(b.build())) {
                new ReplicawareMetrics(ds).bindTo(registry);
                ds.addTopologyListener(e -> {
                    if (e.type() == TopologyEvent.Type.FAILOVER_COMPLETED) {
                        marks.add(new Mark(since.apply(System.nanoTime()), e.node() + " promoted"));
                    }
                });
                MixedWorkload w = new MixedWorkload(ds, ds, 2);
                t0[0] = System.nanoTime(); // the charts start with the first scrape
                sampler.scheduleAtFixedRate(() -> samples.add(parse(since.apply(System.nanoTime()), registry.scrape())),
                        0, 500, TimeUnit.MILLISECONDS);
                w.runFor("steady", 8);
                step(marks, since, "delay " + delayed.name() + " 3 s", () -> c.applyDelay(delayed, Duration.ofSeconds(3)));
                w.runFor("one replica late", 6);
                step(marks, since, "kill " + killed.name(), () -> c.kill(killed));
                w.runFor("no replica serving", 6);
                step(marks, since, "undelay " + delayed.name(), () -> c.applyDelay(delayed, Duration.ZERO));
                w.runFor("one replica back", 4);
                step(marks, since, "start " + killed.name(), () -> c.start(killed));
                w.runFor("both replicas back", 8);
                step(marks, since, "kill primary", () -> c.kill(primary));
                long deadline = System.nanoTime() + 60_000_000_000L;
                while (ds.failoverStats().completed() == 0 && System.nanoTime() < deadline) {
                    Thread.sleep(100);
                }
                System.out.println("failover: " + ds.failoverStats());
                w.runFor("after the failover", 10);
                w.stop();
                sampler.shutdown();
                sampler.awaitTermination(5, TimeUnit.SECONDS);
            }
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("settings", Map.of("engine", "PostgreSQL 18 (testkit)", "replicas", 2, "maxLagSeconds", MAX_LAG.toSeconds(),
                "threads", 2, "readPercent", MixedWorkload.READ_PERCENT, "sampleIntervalMs", 500));
        json.put("events", marks.stream().map(m -> Map.of("t", Report.round(m.t, 2), "event", m.text)).toList());
        json.put("samples", samples.size());
        Report.writeJson(NAME, json);
        write(List.of(lagPanel(samples, nodes, marks), requestsPanel(samples, marks), nodePanel(samples, nodes, marks),
                servingPanel(samples, marks)));
    }

    private interface Step {
        void run() throws Exception;
    }

    private static void step(List<Mark> marks, Function<Long, Double> since, String what, Step step) throws Exception {
        marks.add(new Mark(since.apply(System.nanoTime()), what));
        System.out.println("  -> " + what);
        step.run();
    }

    // ---------------------------------------------------------------------------------------------------------------
    // The panels: the dashboard's queries over the samples.
    // ---------------------------------------------------------------------------------------------------------------

    /** max by (node) (replicaware_replica_lag_seconds), and routing.maxLag dashed. */
    private static XYChart lagPanel(List<Sample> samples, List<String> nodes, List<Mark> marks) {
        XYChart chart = chart("Lag per replica against maxLag", "lag (s)");
        for (String node : nodes) {
            line(chart, node, samples, s -> s.sum("replicaware_replica_lag_seconds", "node", node));
        }
        XYSeries max = line(chart, "maxLag", samples, s -> s.sum("replicaware_routing_max_lag_seconds"));
        max.setLineColor(Color.RED);
        max.setLineStyle(new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {8f, 6f}, 0f));
        chart.getStyler().setYAxisMin(0.0).setYAxisMax(4.3);
        marks(chart, marks, true);
        return chart;
    }

    /** sum by (kind) (rate(replicaware_routed_requests_total[1s])). */
    private static XYChart requestsPanel(List<Sample> samples, List<Mark> marks) {
        XYChart chart = chart("Requests by kind", "requests/s");
        for (String kind : new String[] {"read", "fallback", "busy", "write"}) {
            List<Double> x = new ArrayList<>();
            List<Double> y = new ArrayList<>();
            for (int i = 2; i < samples.size(); i++) {
                Sample now = samples.get(i);
                Sample before = samples.get(i - 2);
                double v = (now.sum("replicaware_routed_requests_total", "kind", kind)
                        - before.sum("replicaware_routed_requests_total", "kind", kind)) / (now.t - before.t);
                if (!Double.isNaN(v)) {
                    x.add(now.t);
                    y.add(Math.max(0, v));
                }
            }
            if (!x.isEmpty()) {
                chart.addSeries(kind, x, y).setMarker(SeriesMarkers.NONE);
            }
        }
        marks(chart, marks, false);
        return chart;
    }

    /** replicaware_node_state per node, one line each: up, lagging, down, fenced as levels; the role from node_up. */
    private static XYChart nodePanel(List<Sample> samples, List<String> nodes, List<Mark> marks) {
        XYChart chart = chart("Node state (replicaware.node.state)", "3 up, 2 lagging, 1 down, 0 fenced");
        String[] states = {"fenced", "down", "lagging", "up"};
        for (int n = 0; n < nodes.size(); n++) {
            String node = nodes.get(n);
            double offset = (n - (nodes.size() - 1) / 2.0) * 0.08; // lines in the same state side by side, not on top of each other
            line(chart, node, samples, s -> {
                for (int level = 0; level < states.length; level++) {
                    if (s.sum("replicaware_node_state", "node", node, "state", states[level]) == 1) {
                        return level + offset;
                    }
                }
                return Double.NaN;
            });
        }
        chart.getStyler().setYAxisMin(-0.5).setYAxisMax(3.5);
        marks(chart, marks, false);
        return chart;
    }

    /** replicaware_replicas_serving, and failovers by kind (replicaware_failover_duration_seconds_count). */
    private static XYChart servingPanel(List<Sample> samples, List<Mark> marks) {
        XYChart chart = chart("Replicas serving reads, and failovers", "count");
        chart.getStyler().setYAxisMax(2.5);
        line(chart, "replicas serving", samples, s -> s.sum("replicaware_replicas_serving"));
        line(chart, "failovers", samples, s -> s.sum("replicaware_failover_duration_seconds_count", "kind", "failover"));
        chart.getStyler().setYAxisMin(0.0);
        marks(chart, marks, false);
        return chart;
    }

    private static XYChart chart(String title, String yTitle) {
        XYChart chart = new XYChartBuilder().width(820).height(430).title(title).xAxisTitle("seconds").yAxisTitle(yTitle).build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS).setLegendLayout(Styler.LegendLayout.Horizontal)
                .setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setPlotGridVerticalLinesVisible(false);
        chart.getStyler().setXAxisDecimalPattern("0");
        return chart;
    }

    private static XYSeries line(XYChart chart, String name, List<Sample> samples, java.util.function.ToDoubleFunction<Sample> value) {
        List<Double> x = new ArrayList<>();
        List<Double> y = new ArrayList<>();
        for (Sample s : samples) {
            double v = value.applyAsDouble(s);
            if (!Double.isNaN(v)) {
                x.add(s.t);
                y.add(v);
            }
        }
        if (x.isEmpty()) {
            x.add(0.0);
            y.add(0.0);
        }
        XYSeries series = chart.addSeries(name, x, y);
        series.setMarker(SeriesMarkers.NONE);
        return series;
    }

    /** The run's steps as vertical lines; their names on the first panel only. */
    private static void marks(XYChart chart, List<Mark> marks, boolean named) {
        for (int i = 0; i < marks.size(); i++) {
            Mark m = marks.get(i);
            chart.addAnnotation(new AnnotationLine(m.t, true, false));
            if (named) {
                chart.addAnnotation(new AnnotationText(m.text, m.t + m.text.length() * 0.22, 4.1 - (i % 2) * 0.3, false));
            }
        }
        chart.getStyler().setAnnotationLineColor(Color.GRAY).setAnnotationLineStroke(new BasicStroke(1f))
                .setAnnotationTextFontColor(Color.DARK_GRAY);
    }

    private static void write(List<XYChart> charts) throws IOException {
        System.setProperty("java.awt.headless", "true");
        Path file = Path.of(System.getProperty("image", "docs/images/dashboard.png"));
        Files.createDirectories(file.toAbsolutePath().getParent());
        try {
            BitmapEncoder.saveBitmap(charts, 2, 2, file.toString(), BitmapEncoder.BitmapFormat.PNG);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        System.out.println("wrote " + file);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Prometheus' text format.
    // ---------------------------------------------------------------------------------------------------------------

    private static Sample parse(double t, String text) {
        Map<String, Map<Map<String, String>, Double>> metrics = new TreeMap<>();
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int brace = line.indexOf('{');
            int space = line.indexOf(' ');
            Map<String, String> labels = new TreeMap<>();
            int end = space;
            String name = line.substring(0, brace >= 0 && brace < space ? brace : space);
            if (brace >= 0 && brace < space) {
                int close = line.indexOf("} ", brace);
                for (String pair : line.substring(brace + 1, close).split("\",")) {
                    int eq = pair.indexOf('=');
                    if (eq > 0) {
                        labels.put(pair.substring(0, eq), pair.substring(eq + 2).replaceAll("\"$", ""));
                    }
                }
                end = close + 1;
            }
            String value = line.substring(end).trim().split(" ")[0];
            metrics.computeIfAbsent(name, k -> new LinkedHashMap<>())
                    .put(labels, Double.parseDouble(value.replace("+Inf", "Infinity").replace("-Inf", "-Infinity")));
        }
        return new Sample(t, metrics);
    }

    private Dashboard() {
    }
}
