package dev.replicaware.benchmarks;

import dev.replicaware.failover.ReplicawareApplication;
import dev.replicaware.testkit.explore.FaultExplorer;
import dev.replicaware.testkit.explore.FaultKind;
import dev.replicaware.testkit.explore.ScheduleResult;
import dev.replicaware.testkit.explore.Violation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The fault-schedule explorer as a command (issue 23): runs {@code --schedules} seeded schedules per engine, seeds
 * {@code --seed}, {@code --seed}+1, ..., each on a fresh 3-node cluster with two Replicaware instances in automatic
 * failover (the settings of core's FaultScheduleExplorerTest), prints each failing schedule's seed, violations and
 * timeline, and writes {@code benchmarks/results/explore-<engine>.json} after every schedule ({@code
 * explore-<engine>-from-seed-<seed>.json} when {@code --seed} is not 1): schedules run, violations by kind with their
 * seeds, the write-unavailability window per schedule (p50, max).
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar dev.replicaware.benchmarks.Explore --engine postgres --schedules 200 --seed 1</pre>
 *
 * Options: {@code --engine} postgres, mariadb or both (default both); {@code --schedules} (10); {@code --seed} (1);
 * {@code --span} seconds of faults per schedule (15); {@code --kinds} fault kinds, comma-separated (every
 * {@link FaultKind}); {@code --max-faults} per schedule (4). Replay one schedule: {@code --schedules 1 --seed <its seed>}
 * with the same other options.
 * Exits 1 when a schedule broke an invariant.
 */
public final class Explore {
    private static final List<String> OPTIONS = List.of("engine", "schedules", "seed", "span", "kinds", "max-faults");

    private Explore() {
    }

    public static void main(String[] args) {
        Map<String, String> opts = options(args);
        String engines = opts.getOrDefault("engine", "both");
        int schedules = Integer.parseInt(opts.getOrDefault("schedules", "10"));
        long seed = Long.parseLong(opts.getOrDefault("seed", "1"));
        Duration span = Duration.ofSeconds(Long.parseLong(opts.getOrDefault("span", "15")));
        boolean broken = false;
        for (String engine : engines.equals("both") ? List.of("postgres", "mariadb") : List.of(engines.split(","))) {
            FaultExplorer.Builder builder = ReplicawareApplication.explorer(engine.trim()).span(span);
            if (opts.containsKey("kinds")) {
                builder.kinds(kinds(opts.get("kinds")));
            }
            if (opts.containsKey("max-faults")) {
                builder.maxFaults(Integer.parseInt(opts.get("max-faults")));
            }
            FaultExplorer explorer = builder.build();
            List<ScheduleResult> results = new ArrayList<>();
            for (long s = seed; s < seed + schedules; s++) {
                ScheduleResult r = explorer.run(s);
                results.add(r);
                System.out.printf("%s seed %d: %s, write unavailability %d ms, %d ms%n", engine, s,
                        r.passed() ? "ok" : r.violations().stream().map(v -> v.kind().name()).distinct().toList(),
                        r.writeUnavailableMs(), r.durationMs());
                if (!r.passed()) {
                    System.out.println(r.report());
                }
                // Written after every schedule: a run of hours stopped part-way keeps what it found.
                writeResults(engine.trim(), seed, schedules, span, results);
            }
            System.out.println(engine + " summary: " + summary(results));
            broken |= results.stream().anyMatch(r -> !r.passed());
        }
        System.exit(broken ? 1 : 0);
    }

    private static void writeResults(String engine, long seed, int schedules, Duration span, List<ScheduleResult> results) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("settings", Map.of("engine", engine, "firstSeed", seed, "schedules", schedules, "spanSeconds", span.toSeconds(),
                "cluster", "primary + 2 replicas, synchronous (PostgreSQL ANY 1) / semi-synchronous (MariaDB) replication",
                "instances", "2 ReplicaAwareDataSources, automatic failover with rejoin; per instance 1 writer, 1 multi-second writer, 1 read-your-writes reader"));
        json.put("summary", summary(results));
        json.put("schedules", results.stream().map(Explore::row).toList());
        // Runs split by seed range (--seed 101 --schedules 100) keep one file each.
        Report.writeJson(seed == 1 ? "explore-" + engine : "explore-" + engine + "-from-seed-" + seed, json);
    }

    private static Map<String, Object> summary(List<ScheduleResult> results) {
        Map<String, List<Long>> seedsByKind = new TreeMap<>();
        for (ScheduleResult r : results) {
            r.violations().stream().map(Violation::kind).distinct()
                    .forEach(k -> seedsByKind.computeIfAbsent(k.name(), x -> new ArrayList<>()).add(r.seed()));
        }
        List<Long> windows = results.stream().map(ScheduleResult::writeUnavailableMs).filter(w -> w >= 0).sorted().toList();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("schedulesRun", results.size());
        m.put("schedulesWithViolations", results.stream().filter(r -> !r.passed()).count());
        m.put("violationSeedsByKind", seedsByKind);
        m.put("writeUnavailableMsP50", windows.isEmpty() ? null : windows.get(windows.size() / 2));
        m.put("writeUnavailableMsMax", windows.isEmpty() ? null : windows.get(windows.size() - 1));
        m.put("secondsPerScheduleMean", results.stream().mapToLong(ScheduleResult::durationMs).average().orElse(0) / 1000);
        return m;
    }

    private static Map<String, Object> row(ScheduleResult r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("seed", r.seed());
        m.put("faults", r.schedule().faults().stream().map(f -> f.describe()).toList());
        m.put("violations", r.violations().stream().map(Violation::toString).toList());
        m.put("writeUnavailableMs", r.writeUnavailableMs());
        m.put("acknowledgedWrites", r.acknowledgedWrites());
        m.put("durationMs", r.durationMs());
        if (!r.passed()) {
            m.put("timeline", r.timeline());
        }
        return m;
    }

    private static Set<FaultKind> kinds(String names) {
        Set<FaultKind> kinds = EnumSet.noneOf(FaultKind.class);
        for (String name : names.split(",")) {
            try {
                kinds.add(FaultKind.valueOf(name.trim().toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--kinds: '" + name + "' is not one of " + List.of(FaultKind.values()), e);
            }
        }
        return kinds;
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("expected an option of " + OPTIONS + " followed by a value, but got '" + args[i] + "'");
            }
            String key = args[i].substring(2);
            if (!OPTIONS.contains(key)) {
                throw new IllegalArgumentException("unknown option --" + key + "; expected one of " + OPTIONS);
            }
            m.put(key, args[++i]);
        }
        return m;
    }
}
