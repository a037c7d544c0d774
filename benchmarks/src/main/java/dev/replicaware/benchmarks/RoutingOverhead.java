package dev.replicaware.benchmarks;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.style.Styler;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs {@link RoutingOverheadBenchmark} at 1, 8 and 32 threads with JMH's GC profiler, then writes
 * {@code benchmarks/results/routing-overhead.json} and {@code .png}.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar dev.replicaware.benchmarks.RoutingOverhead</pre>
 *
 * System properties: {@code threads} (default {@code 1,8,32}), {@code warmups} (3), {@code iterations} (5),
 * {@code seconds} (2 per iteration), {@code forks} (1; more average out one JVM's JIT decisions, which at 8 and 32
 * threads on 2 cores moved a figure by 15 % between runs), {@code include} (a regex over the benchmark methods, default
 * all). About 9 min with the defaults.
 */
public final class RoutingOverhead {
    static final String NAME = "routing-overhead";
    static final List<String> CONTENDERS = List.of("hikari", "replicaware", "springLazy", "springLazyTwoReplicas",
            "shardingSphere");
    static final Map<String, String> LABELS = Map.of("hikari", "HikariCP (raw)", "replicaware", "Replicaware",
            "springLazy", "Spring LazyConnectionDataSourceProxy",
            "springLazyTwoReplicas", "Spring lazy proxy, two replica pools (round robin)", "shardingSphere", "ShardingSphere-JDBC read/write splitting");

    private RoutingOverhead() {
    }

    public static void main(String[] args) throws RunnerException {
        int[] threads = Arrays.stream(System.getProperty("threads", "1,8,32").split(",")).mapToInt(Integer::parseInt).toArray();
        int warmups = Integer.getInteger("warmups", 3);
        int iterations = Integer.getInteger("iterations", 5);
        int seconds = Integer.getInteger("seconds", 2);
        int forks = Integer.getInteger("forks", 1);
        String include = System.getProperty("include", "");

        // path -> contender -> threads -> figures
        Map<String, Map<String, Map<Integer, Map<String, Object>>>> figures = new TreeMap<>();
        for (int t : threads) {
            System.out.printf("== %d thread(s): warmup %d x %d s, measurement %d x %d s, %d fork(s) per benchmark%n",
                    t, warmups, seconds, iterations, seconds, forks);
            Options options = new OptionsBuilder()
                    .include(RoutingOverheadBenchmark.class.getName() + "." + include)
                    .threads(t)
                    .forks(forks)
                    .warmupIterations(warmups).warmupTime(TimeValue.seconds(seconds))
                    .measurementIterations(iterations).measurementTime(TimeValue.seconds(seconds))
                    .addProfiler(GCProfiler.class)
                    .build();
            for (RunResult run : new Runner(options).run()) {
                String method = run.getParams().getBenchmark();
                method = method.substring(method.lastIndexOf('.') + 1);
                String path = method.endsWith("Read") ? "read" : "write";
                String contender = method.substring(0, method.length() - path.length());
                Result<?> primary = run.getPrimaryResult();
                Result<?> alloc = run.getSecondaryResults().get("gc.alloc.rate.norm");
                Map<String, Object> f = new LinkedHashMap<>();
                f.put("opsPerMs", Report.round(primary.getScore(), 1));
                f.put("opsPerMsError", Report.round(primary.getScoreError(), 1));
                f.put("bytesPerOp", alloc == null ? Double.NaN : Report.round(alloc.getScore(), 1));
                f.put("bytesPerOpError", alloc == null ? Double.NaN : Report.round(alloc.getScoreError(), 1));
                figures.computeIfAbsent(path, k -> new TreeMap<>()).computeIfAbsent(contender, k -> new TreeMap<>()).put(t, f);
            }
        }

        Map<String, Object> ratios = ratios(figures, threads);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("settings", Map.of("threads", threads, "warmupIterations", warmups, "measurementIterations", iterations,
                "secondsPerIteration", seconds, "forks", forks, "profiler", "gc"));
        json.put("results", figures);
        json.put("ratios", ratios);
        Report.writeJson(NAME, json);
        List<CategoryChart> charts = new ArrayList<>();
        for (String path : List.of("read", "write")) {
            if (figures.containsKey(path)) {
                charts.add(chart(path, figures.get(path), threads, "opsPerMs", "opsPerMsError", "ops/ms (higher is better)"));
            }
        }
        for (String path : List.of("read", "write")) {
            if (figures.containsKey(path)) {
                charts.add(chart(path, figures.get(path), threads, "bytesPerOp", null, "B/op (lower is better)"));
            }
        }
        Report.writePng(NAME, charts);
        printTable(figures, ratios, threads);
    }

    /** Each contender's throughput divided by raw HikariCP's, and Replicaware's divided by each peer's. */
    static Map<String, Object> ratios(Map<String, Map<String, Map<Integer, Map<String, Object>>>> figures, int[] threads) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (var byPath : figures.entrySet()) {
            Map<String, Map<Integer, Map<String, Object>>> contenders = byPath.getValue();
            Map<String, Object> pathOut = new LinkedHashMap<>();
            for (int t : threads) {
                Double hikari = ops(contenders, "hikari", t);
                Double rw = ops(contenders, "replicaware", t);
                Map<String, Object> r = new LinkedHashMap<>();
                for (String c : CONTENDERS) {
                    Double v = ops(contenders, c, t);
                    if (v != null && hikari != null && !c.equals("hikari")) {
                        r.put(c + "/hikari", Report.round(v / hikari, 3));
                    }
                    if (v != null && rw != null && !c.equals("replicaware") && !c.equals("hikari")) {
                        r.put("replicaware/" + c, Report.round(rw / v, 3));
                    }
                }
                pathOut.put(String.valueOf(t), r);
            }
            out.put(byPath.getKey(), pathOut);
        }
        return out;
    }

    private static Double ops(Map<String, Map<Integer, Map<String, Object>>> contenders, String c, int t) {
        Map<Integer, Map<String, Object>> byThreads = contenders.get(c);
        if (byThreads == null || byThreads.get(t) == null) {
            return null;
        }
        return (Double) byThreads.get(t).get("opsPerMs");
    }

    private static CategoryChart chart(String path, Map<String, Map<Integer, Map<String, Object>>> contenders, int[] threads,
                                       String key, String errorKey, String yTitle) {
        CategoryChart chart = new CategoryChartBuilder().width(760).height(520)
                .title((path.equals("read") ? "Read" : "Write") + " cycle on the stub driver: " + yTitle)
                .xAxisTitle("threads").yAxisTitle(yTitle).build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
        chart.getStyler().setLegendLayout(Styler.LegendLayout.Vertical);
        chart.getStyler().setLabelsVisible(true);
        chart.getStyler().setLabelsFontColorAutomaticEnabled(false);
        chart.getStyler().setAvailableSpaceFill(0.8);
        chart.getStyler().setYAxisDecimalPattern("#,###");
        List<String> xs = new ArrayList<>();
        for (int t : threads) {
            xs.add(String.valueOf(t));
        }
        for (String c : CONTENDERS) {
            Map<Integer, Map<String, Object>> byThreads = contenders.get(c);
            if (byThreads == null) {
                continue;
            }
            List<Double> ys = new ArrayList<>();
            List<Double> errs = new ArrayList<>();
            for (int t : threads) {
                Map<String, Object> f = byThreads.get(t);
                ys.add(f == null ? 0.0 : (Double) f.get(key));
                errs.add(f == null || errorKey == null ? 0.0 : (Double) f.get(errorKey));
            }
            if (errorKey == null) {
                chart.addSeries(LABELS.getOrDefault(c, c), xs, ys);
            } else {
                chart.addSeries(LABELS.getOrDefault(c, c), xs, ys, errs);
            }
        }
        return chart;
    }

    private static void printTable(Map<String, Map<String, Map<Integer, Map<String, Object>>>> figures, Map<String, Object> ratios,
                                   int[] threads) {
        System.out.println();
        System.out.printf("%-6s %-16s %7s %12s %10s %10s%n", "path", "contender", "threads", "ops/ms", "±", "B/op");
        for (var byPath : figures.entrySet()) {
            for (String c : CONTENDERS) {
                Map<Integer, Map<String, Object>> byThreads = byPath.getValue().get(c);
                if (byThreads == null) {
                    continue;
                }
                for (int t : threads) {
                    Map<String, Object> f = byThreads.get(t);
                    if (f != null) {
                        System.out.printf("%-6s %-16s %7d %12.1f %10.1f %10.1f%n", byPath.getKey(), c, t, f.get("opsPerMs"),
                                f.get("opsPerMsError"), f.get("bytesPerOp"));
                    }
                }
            }
        }
        System.out.println("ratios: " + ratios);
    }
}
