package dev.replicaware.cli;

import dev.replicaware.config.ClusterConfig;
import dev.replicaware.config.ConfigException;
import dev.replicaware.config.NodeConfig;
import dev.replicaware.config.Secrets;
import dev.replicaware.config.YamlConfig;
import dev.replicaware.dialect.Role;
import dev.replicaware.topology.NodeStatus;
import dev.replicaware.topology.TopologyMonitor;
import dev.replicaware.topology.TopologySnapshot;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Checks a cluster's YAML file against the servers it names, read-only: only Replicaware's topology monitor runs (its
 * probes are SELECTs on a dedicated connection per node); no pool, no failover coordinator, so nothing can be written,
 * promoted or fenced whatever the file's {@code failover.mode}.
 */
@Command(name = "status", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Loads a cluster's YAML configuration, probes every node read-only (nothing is written or "
                + "promoted) and prints each node's role, state, lag and last error.",
                "Exit codes: 0 exactly one reachable primary; 1 none, or more than one (split brain); "
                        + "2 the configuration is invalid or unreadable."})
final class StatusCommand implements Callable<Integer> {
    static final int OK = 0;
    static final int NO_SINGLE_PRIMARY = 1;
    static final int CONFIG_ERROR = 2;
    private static final int MAX_ERROR_WIDTH = 70;

    @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE",
            description = "The cluster's YAML file, as ReplicaAwareDataSource.fromYaml reads it.")
    Path config;

    @Option(names = "--watch", description = "Probe and redraw until Ctrl-C.")
    boolean watch;

    @Option(names = "--interval", defaultValue = "1s", paramLabel = "DURATION",
            description = "Time between two tables with --watch (default: ${DEFAULT-VALUE}).")
    Duration interval;

    @Option(names = "--plain", description = "With --watch, print each table in full instead of redrawing it in place.")
    boolean plain;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ClusterConfig cluster;
        try {
            cluster = YamlConfig.read(config).cluster();
        } catch (ConfigException | UncheckedIOException e) {
            err.println(Secrets.maskUrl(e.getMessage()));
            err.flush();
            return CONFIG_ERROR;
        }
        Screen screen = new Screen(out, watch && Screen.liveTerminal(plain));
        try (TopologyMonitor monitor = monitor(cluster)) {
            Map<String, AtomicInteger> probes = new ConcurrentHashMap<>();
            monitor.addProbeObserver((node, nanos, answered) -> probes.computeIfAbsent(node, n -> new AtomicInteger()).incrementAndGet());
            monitor.start(); // the first round, in parallel, bounded by about one probe timeout
            awaitSecondRound(cluster, probes);
            int code = show(screen, cluster, monitor);
            while (watch) {
                Thread.sleep(interval.toMillis());
                code = show(screen, cluster, monitor);
            }
            return code;
        }
    }

    /**
     * A replica's lag is measured against the monitor's samples of the primary's position, which the first round may
     * not have yet: wait until every node has been probed twice, or for at most two rounds and two timeouts.
     */
    private static void awaitSecondRound(ClusterConfig cluster, Map<String, AtomicInteger> probes) throws InterruptedException {
        long deadline = System.nanoTime() + cluster.health().interval().multipliedBy(2).plus(cluster.health().timeout().multipliedBy(2)).toNanos();
        while (System.nanoTime() < deadline && !cluster.nodes().stream()
                .allMatch(n -> probes.getOrDefault(n.name(), new AtomicInteger()).get() >= 2)) {
            Thread.sleep(10);
        }
    }

    /** Probes with the application's credentials, as the DataSource would; no failover coordinator is attached. */
    private static TopologyMonitor monitor(ClusterConfig cluster) {
        List<TopologyMonitor.Target> targets = new ArrayList<>();
        for (NodeConfig n : cluster.nodes()) {
            targets.add(new TopologyMonitor.Target(n.name(), n.url(), cluster.usernameOf(n), cluster.passwordOf(n),
                    n == cluster.primary() ? Role.PRIMARY : Role.REPLICA));
        }
        return new TopologyMonitor(cluster.name(), targets, cluster.health(), cluster.routing().maxLag(), Clock.systemUTC(), s -> { });
    }

    private int show(Screen screen, ClusterConfig cluster, TopologyMonitor monitor) {
        TopologySnapshot snapshot = new TopologySnapshot(cluster.name(), List.copyOf(monitor.statuses().values()));
        List<String> lines = new ArrayList<>();
        lines.add("Cluster '" + cluster.name() + "' (" + config + "), probed read-only at " + java.time.LocalTime.now()
                .withNano(0) + ":");
        Table t = new Table("node", "role", "state", "lag (s)", "behind", "probe (ms)", "reads", "last error");
        for (NodeStatus s : snapshot.nodes()) {
            t.row(s.name(), s.role().name(), s.state().name(), lag(s), behind(s),
                    s.lastProbe() == null ? "-" : Long.toString(s.lastProbeTime().toMillis()), rotation(s), error(s.lastError()));
        }
        t.lines().forEach(l -> lines.add("  " + l));
        List<NodeStatus> primaries = snapshot.primaries();
        int code;
        if (primaries.size() == 1) {
            long serving = snapshot.replicas().stream().filter(r -> r.servesReadsWithin(cluster.routing().maxLag())).count();
            lines.add("OK: one reachable primary, " + primaries.get(0).name() + "; " + serving + " of "
                    + snapshot.replicas().size() + " replicas can serve reads within maxLag "
                    + (cluster.routing().maxLag() == null ? "none" : text(cluster.routing().maxLag())) + ".");
            code = OK;
        } else if (primaries.isEmpty()) {
            lines.add("FAILED: no reachable primary; writes would wait for one, then fail.");
            code = NO_SINGLE_PRIMARY;
        } else {
            lines.add("FAILED: split brain: " + primaries.stream().map(NodeStatus::name).toList()
                    + " all say they are primary; Replicaware would refuse writes.");
            code = NO_SINGLE_PRIMARY;
        }
        for (NodeStatus s : snapshot.nodes()) {
            if (s.lastError() != null && !error(s.lastError()).equals(Secrets.maskUrl(s.lastError()))) {
                lines.add("  " + s.name() + ": " + Secrets.maskUrl(s.lastError()).replaceAll("\\s+", " ").strip());
            }
        }
        if (watch) {
            lines.add("(every " + text(interval) + "; Ctrl-C to stop)");
        }
        screen.block(lines);
        return code;
    }

    private static String text(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    private static String lag(NodeStatus s) {
        if (s.role() != Role.REPLICA || !s.state().serves() || Double.isNaN(s.lagSeconds())) {
            return "-";
        }
        return String.format(Locale.ROOT, "%.3f", s.lagSeconds());
    }

    /** Whether a replica is in read rotation: out while its replay is paused (a backup holds it). */
    private static String rotation(NodeStatus s) {
        if (s.role() != Role.REPLICA) {
            return "-";
        }
        return s.outOfRotation() == null ? "in rotation" : "out: " + s.outOfRotation();
    }

    private static String behind(NodeStatus s) {
        if (s.role() != Role.REPLICA || !s.state().serves() || s.lagPositions() < 0) {
            return "-";
        }
        return s.lagPositions() + " " + ("bytes".equals(s.positionUnit()) ? "B" : "tx");
    }

    /** Masked again here (the monitor masks already): this line may be pasted into a ticket. */
    private static String error(String error) {
        if (error == null) {
            return "";
        }
        String one = Secrets.maskUrl(error).replaceAll("\\s+", " ").strip();
        return one.length() <= MAX_ERROR_WIDTH ? one : one.substring(0, MAX_ERROR_WIDTH - 3) + "...";
    }
}
