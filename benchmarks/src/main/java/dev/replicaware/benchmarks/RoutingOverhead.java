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
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.util.ListStatistics;

/**
 * Runs {@link RoutingOverheadBenchmark} at 1, 8 and 32 threads with JMH's GC profiler, then writes
 * {@code benchmarks/results/routing-overhead.json} and {@code .png}.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar dev.replicaware.benchmarks.RoutingOverhead</pre>
 *
 * System properties: {@code threads} (default {@code 1,8,32}), {@code warmups} (3), {@code iterations} (5),
 * {@code seconds} (2 per iteration), {@code forks} (1; more average out one JVM's JIT decisions, which at 8 and 32
 * threads on 2 cores moved a figure by 15 % between runs), {@code rounds} (1; with more, every included benchmark runs
 * {@code forks} fork(s) per round, round after round, so that a contender and its baseline alternate and a change in the
 * machine's load falls on both; the figures pool every measured iteration of every round), {@code include} (a regex
 * over the benchmark methods, default all), {@code name} (the file name, default {@code routing-overhead}). About
 * 9 min with the defaults.
 *
 * <p>{@code -Dguard=true}: the regression guard ({@code benchmarks/regression-guard.sh}). Compares the run with
 * {@code benchmarks/results/routing-overhead-guard.json} (or {@code -Dbaseline=FILE}) and exits 1 naming every cycle
 * whose allocation per operation grew, or whose throughput relative to raw HikariCP measured in the same run fell,
 * beyond the tolerances ({@code -DtoleranceBytes}, default 8 B/op; {@code -DtoleranceRatio}, default 0.10, a tenth of
 * the committed ratio). {@code -Dguard=record} writes that baseline instead.
 */
public final class RoutingOverhead {
    static final String NAME = "routing-overhead";
    static final List<String> CONTENDERS = List.of("hikariDefaults", "replicawareDefaults", "hikariMinIdle0", "hikari",
            "replicawareTuned", "springLazy", "springLazyTwoReplicas", "shardingSphere");
    static final Map<String, String> LABELS = Map.of(
            "hikariDefaults", "HikariCP (raw), pool of 32, HikariCP's defaults",
            "replicawareDefaults", "Replicaware from YAML, README's defaults (pools of 32, minimumIdle 0)",
            "hikariMinIdle0", "HikariCP (raw), pool of 32, minimumIdle 0",
            "hikari", "HikariCP (raw), tuned: pool of 40 filled at start",
            "replicawareTuned", "Replicaware, tuned: builder, pools of 40 filled at start",
            "springLazy", "Spring LazyConnectionDataSourceProxy",
            "springLazyTwoReplicas", "Spring lazy proxy, two replica pools (round robin)",
            "shardingSphere", "ShardingSphere-JDBC read/write splitting");
    /** The raw HikariCP a contender is compared with: the defaults contenders with HikariCP's defaults, the others with the tuned pool. */
    static String baselineOf(String contender) {
        return contender.endsWith("Defaults") || contender.equals("hikariMinIdle0") ? "hikariDefaults" : "hikari";
    }

    private RoutingOverhead() {
    }

    public static void main(String[] args) throws RunnerException {
        int[] threads = Arrays.stream(System.getProperty("threads", "1,8,32").split(",")).mapToInt(Integer::parseInt).toArray();
        int warmups = Integer.getInteger("warmups", 3);
        int iterations = Integer.getInteger("iterations", 5);
        int seconds = Integer.getInteger("seconds", 2);
        int forks = Integer.getInteger("forks", 1);
        int rounds = Integer.getInteger("rounds", 1);
        String include = System.getProperty("include", "");
        String guard = System.getProperty("guard", "");

        // path -> contender -> threads -> figures
        Map<String, Map<String, Map<Integer, Map<String, Object>>>> figures = new TreeMap<>();
        // path/contender/threads -> every measured iteration's score, and the allocation of every fork, over the rounds
        Map<String, ListStatistics> scores = new TreeMap<>();
        Map<String, ListStatistics> allocation = new TreeMap<>();
        for (int t : threads) {
            for (int round = 1; round <= rounds; round++) {
                System.out.printf("== %d thread(s), round %d of %d: warmup %d x %d s, measurement %d x %d s, %d fork(s) per benchmark%n",
                        t, round, rounds, warmups, seconds, iterations, seconds, forks);
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
                    String key = path + "/" + contender + "/" + t;
                    ListStatistics s = scores.computeIfAbsent(key, k -> new ListStatistics());
                    ListStatistics a = allocation.computeIfAbsent(key, k -> new ListStatistics());
                    for (BenchmarkResult fork : run.getBenchmarkResults()) {
                        for (IterationResult it : fork.getIterationResults()) {
                            s.addValue(it.getPrimaryResult().getScore());
                            Result<?> alloc = it.getSecondaryResults().get("gc.alloc.rate.norm");
                            if (alloc != null) {
                                a.addValue(alloc.getScore());
                            }
                        }
                    }
                    Map<String, Object> f = new LinkedHashMap<>();
                    f.put("opsPerMs", Report.round(s.getMean(), 1));
                    f.put("opsPerMsError", Report.round(s.getN() > 2 ? s.getMeanErrorAt(0.999) : Double.NaN, 1));
                    f.put("bytesPerOp", a.getN() == 0 ? Double.NaN : Report.round(a.getMean(), 1));
                    f.put("bytesPerOpError", a.getN() > 2 ? Report.round(a.getMeanErrorAt(0.999), 1) : Double.NaN);
                    figures.computeIfAbsent(path, k -> new TreeMap<>()).computeIfAbsent(contender, k -> new TreeMap<>()).put(t, f);
                }
            }
        }

        Map<String, Object> ratios = ratios(figures, threads);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("settings", Map.of("threads", threads, "warmupIterations", warmups, "measurementIterations", iterations,
                "secondsPerIteration", seconds, "forks", forks, "rounds", rounds, "include", include, "profiler", "gc"));
        json.put("results", figures);
        json.put("ratios", ratios);
        if (guard.equals("true")) {
            printTable(figures, ratios, threads);
            List<String> regressions = RegressionGuard.compare(RegressionGuard.baseline(), figures,
                    Double.parseDouble(System.getProperty("toleranceBytes", "8")),
                    Double.parseDouble(System.getProperty("toleranceRatio", "0.10")));
            if (!regressions.isEmpty()) {
                System.out.println("REGRESSION:");
                regressions.forEach(r -> System.out.println("  " + r));
                System.exit(1);
            }
            System.out.println("no regression beyond the tolerances");
            return;
        }
        String name = guard.equals("record") ? RegressionGuard.NAME : System.getProperty("name", NAME);
        Report.writeJson(name, json);
        if (guard.equals("record")) {
            printTable(figures, ratios, threads);
            return;
        }
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
        Report.writePng(name, charts);
        printTable(figures, ratios, threads);
    }

    /**
     * Each contender's throughput divided by its raw HikariCP baseline's ({@link #baselineOf}), and the tuned
     * Replicaware's divided by each tuned peer's.
     */
    static Map<String, Object> ratios(Map<String, Map<String, Map<Integer, Map<String, Object>>>> figures, int[] threads) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (var byPath : figures.entrySet()) {
            Map<String, Map<Integer, Map<String, Object>>> contenders = byPath.getValue();
            Map<String, Object> pathOut = new LinkedHashMap<>();
            for (int t : threads) {
                Double rw = ops(contenders, "replicawareTuned", t);
                Map<String, Object> r = new LinkedHashMap<>();
                for (String c : CONTENDERS) {
                    Double v = ops(contenders, c, t);
                    String base = baselineOf(c);
                    Double b = ops(contenders, base, t);
                    if (v != null && b != null && !c.equals(base)) {
                        r.put(c + "/" + base, Report.round(v / b, 3));
                    }
                    if (v != null && rw != null && base.equals("hikari") && !c.equals("replicawareTuned") && !c.equals("hikari")) {
                        r.put("replicawareTuned/" + c, Report.round(rw / v, 3));
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
        System.out.printf("%-6s %-20s %7s %12s %10s %10s%n", "path", "contender", "threads", "ops/ms", "±", "B/op");
        for (var byPath : figures.entrySet()) {
            for (String c : CONTENDERS) {
                Map<Integer, Map<String, Object>> byThreads = byPath.getValue().get(c);
                if (byThreads == null) {
                    continue;
                }
                for (int t : threads) {
                    Map<String, Object> f = byThreads.get(t);
                    if (f != null) {
                        System.out.printf("%-6s %-20s %7d %12.1f %10.1f %10.1f%n", byPath.getKey(), c, t, f.get("opsPerMs"),
                                f.get("opsPerMsError"), f.get("bytesPerOp"));
                    }
                }
            }
        }
        System.out.println("ratios: " + ratios);
    }
}
