package dev.replicaware.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;

/**
 * The routing-overhead regression guard's comparison: a run of {@link RoutingOverhead} against the committed baseline
 * {@code benchmarks/results/routing-overhead-guard.json}. Two measures, each per cycle (read, write), contender and
 * thread count: allocation per operation, which the machine's load does not move, and throughput divided by raw
 * HikariCP's measured in the same run, which load moves far less than throughput itself. Raw HikariCP is the yardstick,
 * not a contender: it is not checked.
 */
final class RegressionGuard {
    static final String NAME = "routing-overhead-guard";

    private RegressionGuard() {
    }

    /** The committed figures: {@code -Dbaseline=FILE}, else {@code <results>/routing-overhead-guard.json}. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> baseline() {
        Path file = Path.of(System.getProperty("baseline", Report.dir().resolve(NAME + ".json").toString()));
        try {
            return JsonMapper.builder().build().readValue(Files.readString(file), Map.class);
        } catch (IOException e) {
            throw new UncheckedIOException("No baseline to guard against at " + file.toAbsolutePath()
                    + "; record one on a quiet machine with -Dguard=record", e);
        }
    }

    /**
     * Every regression of {@code run} against {@code baseline}, each naming the cycle, the contender, the threads, the
     * figure measured, the committed one and the tolerance; empty when none.
     */
    @SuppressWarnings("unchecked")
    static List<String> compare(Map<String, Object> baseline, Map<String, Map<String, Map<Integer, Map<String, Object>>>> run,
                                double toleranceBytes, double toleranceRatio) {
        List<String> regressions = new ArrayList<>();
        Map<String, Object> committed = (Map<String, Object>) baseline.get("results");
        for (var byPath : committed.entrySet()) {
            String path = byPath.getKey();
            for (var byContender : ((Map<String, Object>) byPath.getValue()).entrySet()) {
                String contender = byContender.getKey();
                String base = RoutingOverhead.baselineOf(contender);
                if (contender.equals(base) || contender.startsWith("hikari")) {
                    continue;
                }
                for (var byThreads : ((Map<String, Object>) byContender.getValue()).entrySet()) {
                    int threads = Integer.parseInt(byThreads.getKey());
                    String cycle = path + " cycle, " + contender + ", " + threads + " thread(s)";
                    Map<String, Object> was = (Map<String, Object>) byThreads.getValue();
                    Map<String, Object> now = figure(run, path, contender, threads);
                    if (now == null) {
                        regressions.add(cycle + ": not measured by this run (the committed baseline has it)");
                        continue;
                    }
                    double bytesWas = number(was.get("bytesPerOp"));
                    double bytesNow = number(now.get("bytesPerOp"));
                    if (!(bytesNow <= bytesWas + toleranceBytes)) {
                        regressions.add(String.format("%s: allocates %.1f B/op, committed %.1f B/op (tolerance +%.0f B/op)",
                                cycle, bytesNow, bytesWas, toleranceBytes));
                    }
                    if (!(was.get("opsPerMs") instanceof Number)) {
                        continue; // a baseline recorded on a loaded machine holds allocation only: no throughput to hold to
                    }
                    Map<String, Object> baseWas = committedFigure(committed, path, base, threads);
                    Map<String, Object> baseNow = figure(run, path, base, threads);
                    if (baseWas == null || baseNow == null) {
                        regressions.add(cycle + ": no " + base + " figure to compare throughput with, in the "
                                + (baseNow == null ? "run" : "baseline") + "; include " + base + " in the run");
                        continue;
                    }
                    double ratioWas = number(was.get("opsPerMs")) / number(baseWas.get("opsPerMs"));
                    double ratioNow = number(now.get("opsPerMs")) / number(baseNow.get("opsPerMs"));
                    if (!(ratioNow >= ratioWas * (1 - toleranceRatio))) {
                        regressions.add(String.format("%s: %.3f× %s's throughput (%.1f against %.1f ops/ms), committed %.3f×"
                                        + " (tolerance -%.0f %%: at least %.3f×)", cycle, ratioNow, base, number(now.get("opsPerMs")),
                                number(baseNow.get("opsPerMs")), ratioWas, toleranceRatio * 100, ratioWas * (1 - toleranceRatio)));
                    }
                }
            }
        }
        return regressions;
    }

    private static Map<String, Object> figure(Map<String, Map<String, Map<Integer, Map<String, Object>>>> run, String path,
                                              String contender, int threads) {
        var byContender = run.get(path);
        var byThreads = byContender == null ? null : byContender.get(contender);
        return byThreads == null ? null : byThreads.get(threads);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> committedFigure(Map<String, Object> committed, String path, String contender, int threads) {
        var byContender = (Map<String, Object>) committed.get(path);
        var byThreads = byContender == null ? null : (Map<String, Object>) byContender.get(contender);
        return byThreads == null ? null : (Map<String, Object>) byThreads.get(String.valueOf(threads));
    }

    private static double number(Object o) {
        return o instanceof Number n ? n.doubleValue() : Double.NaN;
    }
}
