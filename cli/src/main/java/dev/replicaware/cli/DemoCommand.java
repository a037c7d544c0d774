package dev.replicaware.cli;

import dev.replicaware.ReplicaAwareDataSource;
import dev.replicaware.config.ClusterConfig;
import dev.replicaware.config.FailoverConfig;
import dev.replicaware.config.Secrets;
import dev.replicaware.testkit.ClusterNode;
import dev.replicaware.testkit.MariaDbCluster;
import dev.replicaware.testkit.PostgresCluster;
import dev.replicaware.testkit.ReplicatedCluster;
import dev.replicaware.topology.Node;
import dev.replicaware.topology.NodeState;
import dev.replicaware.topology.NodeStatus;
import dev.replicaware.topology.TopologyEvent;
import dev.replicaware.topology.TopologySnapshot;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Starts a real cluster (a primary and two replicas, synchronous replication), runs a mixed workload through one
 * {@link ReplicaAwareDataSource} in automatic failover mode, delays a replica, kills the primary, and proves from the
 * new primary that no acknowledged write was lost.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Starts a PostgreSQL (or MariaDB) cluster of a primary and 2 replicas, runs a read/write workload "
                + "through Replicaware with a live status table, delays a replica, kills the primary, and reports the "
                + "failover window and the acknowledged writes lost (0).",
                "Exit code 0 when writes resumed and no acknowledged write was lost."})
final class DemoCommand implements Callable<Integer> {
    enum Engine { POSTGRESQL, MARIADB }

    static final Duration WARM_UP = Duration.ofSeconds(10);
    static final Duration APPLY_DELAY = Duration.ofSeconds(2);
    static final Duration DELAYED_PHASE = Duration.ofSeconds(15);
    static final Duration AFTER_FAILOVER = Duration.ofSeconds(10);
    /** Reads skip a replica further behind than this; the 2 s apply delay puts replica1 beyond it. */
    static final Duration MAX_LAG = Duration.ofSeconds(1);
    static final Duration WRITE_WAIT = Duration.ofSeconds(15);
    /** Warm-up and the run on the new primary with {@code --quick}. */
    static final Duration QUICK_PHASE = Duration.ofSeconds(3);

    @Option(names = "--engine", defaultValue = "postgresql", paramLabel = "ENGINE",
            description = "postgresql (default) or mariadb")
    Engine engine;

    @Option(names = "--plain", description = "Print a status block every 2 s instead of redrawing the table in place "
            + "(the default when the output is not a terminal).")
    boolean plain;

    /** The build's test: the same steps on a shorter timeline, so that CI keeps within its time. */
    @Option(names = "--quick", hidden = true, description = "Phases of 3 s instead of 10 s; the delayed phase ends once "
            + "the delay made the replica LAGGING (at most 15 s).")
    boolean quick;

    @Option(names = "--writers", defaultValue = "2", paramLabel = "N", description = "Writer threads (default: ${DEFAULT-VALUE}).")
    int writers;

    @Option(names = "--readers", defaultValue = "4", paramLabel = "N", description = "Reader threads (default: ${DEFAULT-VALUE}).")
    int readers;

    @Spec
    CommandSpec spec;

    private final long startNanos = System.nanoTime();
    private final AtomicLong killNanos = new AtomicLong();
    private final Map<TopologyEvent.Type, Long> afterKill = new java.util.concurrent.ConcurrentHashMap<>();
    /** How many times each node was seen going LAGGING. */
    private final Map<String, Integer> laggingCount = new java.util.concurrent.ConcurrentHashMap<>();
    private Screen screen;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        screen = new Screen(out, Screen.liveTerminal(plain));
        String engineName = engine == Engine.POSTGRESQL ? "PostgreSQL" : "MariaDB";
        screen.line("Replicaware demo on " + engineName + ": a primary and 2 replicas, " + writers + " writers and "
                + readers + " readers through one ReplicaAwareDataSource.");
        screen.line("Starting the cluster (" + (engine == Engine.POSTGRESQL ? "synchronous replication" : "semi-synchronous replication")
                + "; the first run unpacks the database binaries)...");
        long t0 = System.nanoTime();
        try (ReplicatedCluster cluster = startCluster()) {
            screen.line(String.format(Locale.ROOT, "Started in %.1f s: %s", seconds(System.nanoTime() - t0), cluster.nodes()));
            try (ReplicaAwareDataSource ds = new ReplicaAwareDataSource(config(cluster))) {
                ds.addTopologyListener(this::onEvent);
                return run(cluster, ds, engineName);
            }
        }
    }

    private ReplicatedCluster startCluster() {
        return engine == Engine.POSTGRESQL
                ? PostgresCluster.builder().replicas(2).synchronousReplicas(1).start()
                : MariaDbCluster.builder().replicas(2).semiSynchronous(true).start();
    }

    private static ClusterConfig config(ReplicatedCluster cluster) {
        ClusterConfig.Builder b = ClusterConfig.builder("demo")
                .primary(cluster.primary().name(), cluster.primary().jdbcUrl())
                .username(cluster.app().username()).password(cluster.app().password())
                .pool(Map.of("maximumPoolSize", "8", "minimumIdle", "2", "connectionTimeout", "2000"))
                .maxLag(MAX_LAG)
                .failover(new FailoverConfig(FailoverConfig.Mode.AUTOMATIC, null, WRITE_WAIT,
                        cluster.failoverAdmin().username(), cluster.failoverAdmin().password()));
        for (ClusterNode r : cluster.replicas()) {
            b.replica(r.name(), r.jdbcUrl());
        }
        return b.build();
    }

    private int run(ReplicatedCluster cluster, ReplicaAwareDataSource ds, String engineName) throws Exception {
        ClusterNode delayed = cluster.replicas().get(0);
        ClusterNode oldPrimary = cluster.primary();
        Workload w = Workload.start(ds, writers, readers);
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "demo-table");
            t.setDaemon(true);
            return t;
        });
        LiveTable table = new LiveTable(ds, w);
        long refresh = screen.live() ? 500 : 2000;
        ticker.scheduleAtFixedRate(() -> screen.block(table.render(elapsed())), refresh, refresh, TimeUnit.MILLISECONDS);
        try {
            Duration warmUp = quick ? QUICK_PHASE : WARM_UP;
            phase("1/5", "Warm-up: writes go to the primary, read-only transactions to the replicas", warmUp);
            waitFor(warmUp);

            phase("2/5", "A " + APPLY_DELAY.toSeconds() + " s apply delay on " + delayed.name() + ": beyond maxLag "
                    + MAX_LAG.toSeconds() + " s it is LAGGING, and reads skip it", quick ? null : DELAYED_PHASE);
            int laggingBefore = laggingCount.getOrDefault(delayed.name(), 0);
            cluster.applyDelay(delayed, APPLY_DELAY);
            if (quick) { // until the delay, not the load, made it LAGGING
                awaitUpTo(DELAYED_PHASE, () -> laggingCount.getOrDefault(delayed.name(), 0) > laggingBefore);
            } else {
                waitFor(DELAYED_PHASE);
            }

            phase("3/5", "Delay removed: " + delayed.name() + " catches up and serves reads again", null);
            cluster.applyDelay(delayed, Duration.ZERO);
            boolean caughtUp = awaitUpTo(Duration.ofSeconds(20), () -> ds.topology().node(delayed.name())
                    .map(n -> n.state() == NodeState.UP).orElse(false));
            screen.line(caughtUp ? "    " + delayed.name() + " is UP again" : "    " + delayed.name() + " has not caught up yet; going on");

            phase("4/5", "SIGKILL the primary (" + oldPrimary.name() + "): detection, promotion, writes resume", null);
            cluster.kill(oldPrimary);
            w.markFault(); // after the process is gone: a write that begins later cannot have reached it
            killNanos.set(System.nanoTime());
            boolean resumed = awaitUpTo(WRITE_WAIT.plusSeconds(15), () -> w.failoverWindowNanos() >= 0);
            screen.line(resumed
                    ? String.format(Locale.ROOT, "    writes resumed %d ms after the kill", w.failoverWindowNanos() / 1_000_000)
                    : "    writes have not resumed within " + WRITE_WAIT.plusSeconds(15).toSeconds() + " s");

            if (resumed) {
                Duration after = quick ? QUICK_PHASE : AFTER_FAILOVER;
                phase("5/5", "Running on the new primary", after);
                waitFor(after);
            }
        } finally {
            w.close();
            ticker.shutdownNow();
            ticker.awaitTermination(5, TimeUnit.SECONDS);
        }
        screen.block(table.render(elapsed()));
        screen.release();
        return summary(cluster, ds, w, engineName, oldPrimary);
    }

    private int summary(ReplicatedCluster cluster, ReplicaAwareDataSource ds, Workload w, String engineName,
                        ClusterNode oldPrimary) throws SQLException {
        screen.line("");
        screen.line(String.format(Locale.ROOT, "Summary (%s, %.0f s)", engineName, elapsed()));
        Table served = new Table("node", "role", "state", "reads served", "writes served");
        TopologySnapshot snapshot = ds.topology();
        for (Node n : ds.routingTopology().nodes()) {
            NodeStatus s = snapshot.node(n.name()).orElseThrow();
            served.row(n.name(), s.role().name(), s.state().name(), Long.toString(n.reads()), Long.toString(n.writes()));
        }
        served.lines().forEach(l -> screen.line("  " + l));
        long window = w.failoverWindowNanos();
        ClusterNode newPrimary = window >= 0 ? cluster.currentPrimary() : null;
        screen.line("  Primary " + oldPrimary.name() + " killed: " + milestone("detected (DOWN)", TopologyEvent.Type.NODE_DOWN)
                + ", " + milestone("failover started", TopologyEvent.Type.FAILOVER_STARTED) + ", "
                + milestone((newPrimary == null ? "a replica" : newPrimary.name()) + " promoted", TopologyEvent.Type.FAILOVER_COMPLETED));
        screen.line(window >= 0
                ? "  Failover window: " + window / 1_000_000 + " ms (kill -> first successful write)"
                : "  Failover window: writes did not resume");
        if (w.unexpected() != null) {
            screen.line("  The workload failed unexpectedly: " + Secrets.maskUrl(String.valueOf(w.unexpected())));
        }
        if (newPrimary == null) {
            return 1;
        }
        Set<Long> missing = new HashSet<>(w.acknowledged());
        missing.removeAll(ids(cluster, newPrimary));
        screen.line("  Writes: " + w.acknowledged().size() + " acknowledged, " + w.failedWrites()
                + " failed (cut by the kill or waiting for a primary; never acknowledged, never retried)");
        screen.line("  Acknowledged writes lost: " + missing.size() + " (acknowledged ids missing on " + newPrimary.name()
                + ", the new primary, asked directly)");
        Main.describeLog(screen);
        return missing.isEmpty() && w.unexpected() == null ? 0 : 1;
    }

    /** Every id on {@code node}, asked of that server directly, not through Replicaware. */
    private static Set<Long> ids(ReplicatedCluster cluster, ClusterNode node) throws SQLException {
        Set<Long> ids = new HashSet<>();
        try (Connection c = cluster.connectAdmin(node); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT id FROM " + Workload.TABLE)) {
            while (rs.next()) {
                ids.add(rs.getLong(1));
            }
        }
        return ids;
    }

    private void onEvent(TopologyEvent e) {
        long now = System.nanoTime();
        long kill = killNanos.get();
        if (kill != 0) {
            afterKill.putIfAbsent(e.type(), now - kill);
        }
        if (e.type() == TopologyEvent.Type.LAG_OVER_THRESHOLD) {
            laggingCount.merge(e.node(), 1, Integer::sum);
        }
        String what = switch (e.type()) {
            case NODE_DOWN -> "is DOWN: its probes fail";
            case NODE_UP -> "is reachable again";
            case ROLE_CHANGED -> "now says it is " + e.to() + " (was " + e.from() + ")";
            case LAG_OVER_THRESHOLD -> "is LAGGING beyond maxLag " + MAX_LAG.toSeconds() + " s: reads skip it";
            case LAG_UNDER_THRESHOLD -> "caught up: it serves reads again";
            case NODE_FENCED -> "is FENCED: never routed to again";
            case OUT_OF_ROTATION -> "is out of read rotation: " + e.detail();
            case BACK_IN_ROTATION -> "is back in read rotation";
            case FAILOVER_STARTED -> "lost: failover started";
            case FAILOVER_COMPLETED -> "promoted" + (e.duration() == null ? "" : " in " + e.duration().toMillis() + " ms");
            case FAILOVER_REFUSED -> "not promoted: " + e.detail();
            case NODE_ADDED -> "added by a configuration reload";
            case NODE_REMOVED -> "removed by a configuration reload";
        };
        String since = kill == 0 ? "" : String.format(Locale.ROOT, "  (kill +%d ms)", (now - kill) / 1_000_000);
        screen.line(String.format(Locale.ROOT, "  %5.1f s  %-9s %s%s", elapsed(), e.node(), Secrets.maskUrl(what), since));
    }

    private String milestone(String what, TopologyEvent.Type type) {
        Long nanos = afterKill.get(type);
        return what + (nanos == null ? " (not seen)" : " after " + nanos / 1_000_000 + " ms");
    }

    private void phase(String step, String title, Duration length) {
        screen.line("");
        screen.line(String.format(Locale.ROOT, "==> %s %s%s  [at %.1f s]", step, title,
                length == null ? "" : " (" + length.toSeconds() + " s)", elapsed()));
    }

    /** The demo's timeline: this phase lasts this long while the workload runs and the table refreshes. */
    private static void waitFor(Duration d) throws InterruptedException {
        Thread.sleep(d.toMillis());
    }

    private static boolean awaitUpTo(Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(20);
        }
        return true;
    }

    private double elapsed() {
        return seconds(System.nanoTime() - startNanos);
    }

    private static double seconds(long nanos) {
        return nanos / 1e9;
    }

    /** The per-node table: what the monitor sees, and rates from Replicaware's routing counters since the last refresh. */
    static final class LiveTable {
        private final ReplicaAwareDataSource ds;
        private final Workload workload;
        private final Map<String, long[]> last = new HashMap<>();
        private long lastNanos = System.nanoTime();

        LiveTable(ReplicaAwareDataSource ds, Workload workload) {
            this.ds = ds;
            this.workload = workload;
            for (Node n : ds.routingTopology().nodes()) {
                last.put(n.name(), new long[] {n.reads(), n.writes()});
            }
        }

        synchronized List<String> render(double atSeconds) {
            long now = System.nanoTime();
            double dt = Math.max(1e-3, (now - lastNanos) / 1e9);
            lastNanos = now;
            TopologySnapshot snapshot = ds.topology();
            Table t = new Table("node", "role", "state", "lag (s)", "reads/s", "writes/s", "pool active/idle");
            for (Node n : ds.routingTopology().nodes()) {
                NodeStatus s = snapshot.node(n.name()).orElseThrow();
                long[] before = last.getOrDefault(n.name(), new long[] {n.reads(), n.writes()});
                long reads = n.reads();
                long writes = n.writes();
                last.put(n.name(), new long[] {reads, writes});
                t.row(n.name(), s.role().name(), s.state().name(), lag(s),
                        Long.toString(Math.round((reads - before[0]) / dt)), Long.toString(Math.round((writes - before[1]) / dt)),
                        pool(n));
            }
            List<String> lines = new java.util.ArrayList<>();
            lines.add(String.format(Locale.ROOT, "  [%.1f s] writes acknowledged %d, failed %d; reads failed %d", atSeconds,
                    workload.acknowledged().size(), workload.failedWrites(), workload.failedReads()));
            t.lines().forEach(l -> lines.add("  " + l));
            return lines;
        }

        private static String lag(NodeStatus s) {
            if (!s.state().serves() || Double.isNaN(s.lagSeconds())) {
                return "-";
            }
            return String.format(Locale.ROOT, "%.2f", s.lagSeconds());
        }

        private static String pool(Node n) {
            try {
                int active = n.activeConnections();
                return active + "/" + Math.max(0, n.totalConnections() - active);
            } catch (RuntimeException e) {
                return "-"; // the pool of a fenced node is closed
            }
        }
    }
}
