package dev.replicaware.failover;

import dev.replicaware.config.ClusterConfig;
import dev.replicaware.config.FailoverConfig;
import dev.replicaware.config.NodeConfig;
import dev.replicaware.dialect.Dialect;
import dev.replicaware.dialect.Role;
import dev.replicaware.topology.NodeState;
import dev.replicaware.topology.NodeStatus;
import dev.replicaware.topology.TopologyEvent;
import dev.replicaware.topology.TopologyListener;
import dev.replicaware.topology.TopologyMonitor;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code failover.rejoin: true}: a primary that Replicaware's own failover fenced and that answers again is turned
 * into a replica of the new primary when that is safe, then unfenced so that it serves reads.
 *
 * <ul>
 *   <li>MariaDB: refused, naming the errant GTIDs, when it holds transactions the new primary lacks (a sequence number
 *       in some domain beyond the new primary's); else {@code gtid_slave_pos} is set to its own binlog position and it
 *       replicates from the new primary with {@code MASTER_USE_GTID = slave_pos}.</li>
 *   <li>MySQL: refused when {@code GTID_SUBTRACT(its gtid_executed, the new primary's)} is not empty; else
 *       {@code SOURCE_AUTO_POSITION = 1}.</li>
 *   <li>PostgreSQL: a server cannot be made a standby over SQL (it needs {@code standby.signal} and a restart, after
 *       {@code pg_rewind} when its timeline diverged), so it stays fenced with a state saying what it needs: pg_rewind
 *       when {@code wal_log_hints} or data checksums are on, else a new base backup.</li>
 * </ul>
 * A replica left following another node than the primary (a failover interrupted after its promotion, before it
 * re-pointed the replica: the instance closed, or its admin session dropped) is re-pointed too: once the monitor has
 * seen it off the primary's history (PostgreSQL: not streaming the primary's timeline; MariaDB, MySQL: its IO thread
 * not running) for {@link #STRAY_AFTER} while one primary serves, and its configuration points it at a node that is
 * down or fenced, it is pointed at that primary; and when a former primary is about to rejoin, the replicas that
 * still follow it are pointed at the primary first (a MariaDB or MySQL replica resumes streaming from a restarted
 * former primary, and would otherwise cascade through it). One that holds GTIDs the primary lacks is left as it is and
 * reported as needing a re-clone; a PostgreSQL one that does not stream from the primary afterwards (its timeline
 * forked off: it received WAL the new primary lacks) as needing pg_rewind or a new base backup ({@link #states()}).
 *
 * <p>Every step is logged; each outcome is counted ({@link #counts()}, the {@code replicaware.rejoins} meter). Runs on
 * a daemon thread of its own, woken by the monitor's probes; never on the request path.
 */
public final class Rejoin implements TopologyListener, TopologyMonitor.ProbeObserver, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Rejoin.class);
    private static final Duration CATCH_UP = Duration.ofSeconds(30);
    /** After a failed attempt, the next waits this long, so that a node that answers every probe is not hammered. */
    private static final Duration RETRY_AFTER = Duration.ofSeconds(5);
    /**
     * How long a replica must be seen off the primary's history before it is checked: longer than a failover usually
     * takes to re-point it itself (re-pointing twice to the same primary is harmless), and short, because once the old
     * primary is started again the replica may stream from it past the fork and never follow the new one.
     */
    static final Duration STRAY_AFTER = Duration.ofSeconds(3);
    /** How long a re-pointed replica has to stream from the primary before it is reported as unable to. */
    private static final Duration STREAM_WITHIN = Duration.ofSeconds(10);
    /** A replica off the primary's history that is not ours to re-point is looked at again after this long. */
    private static final Duration RECHECK_AFTER = Duration.ofSeconds(15);
    /** After a stray replica could not be brought to follow, the next attempt waits this long. */
    private static final Duration STRAY_RETRY_AFTER = Duration.ofSeconds(60);

    /** How an attempt ended. */
    public enum Outcome {
        /** Replicates from the new primary, caught up, unfenced. */
        REJOINED,
        /** Holds transactions the new primary lacks: left fenced; the errant GTIDs are in its state. */
        REFUSED_ERRANT,
        /** PostgreSQL: left fenced; pg_rewind (wal_log_hints or checksums on) then restart as a standby. */
        NEEDS_REWIND,
        /** PostgreSQL without wal_log_hints or checksums: left fenced; needs a new base backup. */
        NEEDS_BASE_BACKUP,
        /** An attempt failed (connection, statement, did not catch up); tried again when it next answers. */
        FAILED,
        /** A replica that followed another node than the primary was re-pointed and streams from the primary. */
        REPOINTED
    }

    private final String cluster;
    private final TopologyMonitor monitor;
    private volatile FailoverConfig config;
    private volatile Map<String, NodeConfig> nodes;
    private final Set<String> pending = ConcurrentHashMap.newKeySet();
    private final Set<String> inFlight = ConcurrentHashMap.newKeySet();
    private final Map<String, String> states = new ConcurrentHashMap<>();
    private final Map<String, Long> notBefore = new ConcurrentHashMap<>();
    /** Replicas seen off the primary's history, since when (nanos). */
    private final Map<String, Long> straySince = new ConcurrentHashMap<>();
    private final Map<Outcome, AtomicLong> counts = new EnumMap<>(Outcome.class);
    private final ExecutorService worker;

    private final java.util.function.Consumer<String> reopen;

    /** @param reopen opens again the pool of a node that rejoined (a failover closed it) */
    public Rejoin(ClusterConfig config, TopologyMonitor monitor, java.util.function.Consumer<String> reopen) {
        this.cluster = config.name();
        this.monitor = monitor;
        this.reopen = reopen;
        reconfigure(config);
        for (Outcome o : Outcome.values()) {
            counts.put(o, new AtomicLong());
        }
        this.worker = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "replicaware-" + cluster + "-rejoin");
            t.setDaemon(true);
            return t;
        });
    }

    public void reconfigure(ClusterConfig config) {
        this.config = config.failover();
        Map<String, NodeConfig> m = new LinkedHashMap<>();
        for (NodeConfig n : config.nodes()) {
            m.put(n.name(), n);
        }
        this.nodes = m;
    }

    /** A former primary fenced by a failover is a candidate from now on. */
    @Override
    public void onEvent(TopologyEvent event) {
        if (event.type() == TopologyEvent.Type.NODE_FENCED && config.rejoin()) {
            pending.add(event.node());
            states.put(event.node(), "fenced; waiting for it to answer");
            LOG.info("{} - rejoin: former primary {} is fenced; it rejoins as a replica when it answers and that is safe",
                    cluster, event.node());
        }
    }

    /** The monitor's probe answered: a pending former primary is back, so try now (off the monitor's thread). */
    @Override
    public void onProbe(String node, long nanos, boolean answered) {
        if (!answered) {
            return;
        }
        Long wait = notBefore.get(node);
        boolean due = wait == null || System.nanoTime() - wait >= 0;
        if (pending.contains(node)) {
            if (due) {
                run(node, () -> {
                    repointFollowersOf(node);
                    attempt(node);
                });
            }
            return;
        }
        String primary = strayFrom(node, System.nanoTime());
        if (primary != null && due) {
            run(node, () -> repointStray(node, primary));
        }
    }

    private void run(String node, Runnable task) {
        if (!inFlight.add(node)) {
            return;
        }
        try {
            worker.execute(() -> {
                try {
                    task.run();
                } finally {
                    inFlight.remove(node);
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            inFlight.remove(node); // closing
        }
    }

    /**
     * The primary {@code node} should follow when it has been a replica off the primary's history (its read position
     * unknown) for {@link #STRAY_AFTER} while that one primary served; else null.
     */
    private String strayFrom(String node, long now) {
        NodeStatus st = monitor.statuses().get(node);
        String primary = currentPrimary();
        // PostgreSQL: the monitor tells a replica's history by its timeline; MariaDB and MySQL: a GTID position says
        // nothing of which node it came from, so a replica whose IO thread does not run is looked at
        String family = st == null ? "" : monitor.dialect(node).name();
        boolean adrift = family.equals("postgresql") ? st.readPosition() < 0
                : (family.equals("mariadb") || family.equals("mysql")) && !st.receiving();
        if (st == null || primary == null || st.role() != Role.REPLICA || st.state() == NodeState.FENCED || !adrift) {
            straySince.remove(node);
            return null;
        }
        long since = straySince.computeIfAbsent(node, k -> now);
        return now - since >= STRAY_AFTER.toNanos() ? primary : null;
    }

    /** Points a replica off the primary's history at {@code primary} when it is pointed at a node down or fenced; see the class. */
    private void repointStray(String node, String primary) {
        Dialect dialect = monitor.dialect(node);
        String expected = replicationHost(primary) + ":" + replicationPort(primary, dialect);
        try (Connection c = openAdmin(node)) {
            String configured = dialect.configuredUpstream(c);
            String source = nodeAt(configured, dialect);
            NodeStatus sourceStatus = source == null ? null : monitor.statuses().get(source);
            if (primary.equals(source) && !dialect.name().equals("postgresql") && refusedAsErrant(node, c, primary, dialect)) {
                return;
            }
            if (sourceStatus == null || source.equals(primary)
                    || sourceStatus.state() != NodeState.DOWN && sourceStatus.state() != NodeState.FENCED) {
                // pointed at the primary already (its stream is down for another reason), at a live replica (cascading,
                // or a switchover's target), or at an address not configured here: not ours to change; asked again later
                straySince.remove(node);
                notBefore.put(node, System.nanoTime() + RECHECK_AFTER.toNanos());
                return;
            }
            if (!dialect.name().equals("postgresql")) {
                String errant = errant(c, primary, dialect);
                if (!errant.isEmpty()) {
                    straySince.remove(node);
                    notBefore.put(node, System.nanoTime() + STRAY_RETRY_AFTER.toNanos());
                    end(node, Outcome.REFUSED_ERRANT, node + " follows " + source + ", which is " + sourceStatus.state()
                            + ", and holds transactions that the primary " + primary + " lacks (errant GTIDs " + errant
                            + "); left as it is: re-clone it from " + primary + "; looked at again in " + STRAY_RETRY_AFTER.toSeconds() + " s");
                    return;
                }
            }
            String upstream = dialect.upstream(c);
            LOG.warn("{} - replica {} has not followed the primary {} for {} s: it is pointed at {}, which is {} (its stream: {});"
                    + " re-pointing it to {}", cluster, node, primary, STRAY_AFTER.toSeconds(), source, sourceStatus.state(),
                    upstream == null ? "none" : upstream, primary);
            dialect.repoint(c, replicationHost(primary), replicationPort(primary, dialect));
            long deadline = System.nanoTime() + STREAM_WITHIN.toNanos();
            while (!("streaming " + expected).equals(upstream = dialect.upstream(c)) && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            straySince.remove(node);
            if (("streaming " + expected).equals(upstream)) {
                end(node, Outcome.REPOINTED, node + " streams from the primary " + primary + " again");
                return;
            }
            notBefore.put(node, System.nanoTime() + STRAY_RETRY_AFTER.toNanos());
            if (!dialect.name().equals("postgresql")) {
                end(node, Outcome.FAILED, node + " does not replicate from the primary " + primary + " " + STREAM_WITHIN.toSeconds()
                        + " s after it was pointed at it (its IO thread: " + (upstream == null ? "none" : upstream)
                        + "); see its SHOW REPLICA STATUS; tried again in " + STRAY_RETRY_AFTER.toSeconds() + " s");
                return;
            }
            end(node, Outcome.NEEDS_REWIND, node + " does not stream from the primary " + primary + " " + STREAM_WITHIN.toSeconds()
                    + " s after it was pointed at it (its stream: " + (upstream == null ? "none" : upstream) + "); its timeline has"
                    + " likely forked off (it received WAL of " + source + " that " + primary + " lacks): rewind it (pg_rewind) or"
                    + " re-clone it; tried again in " + STRAY_RETRY_AFTER.toSeconds() + " s");
        } catch (SQLException | RuntimeException e) {
            notBefore.put(node, System.nanoTime() + RETRY_AFTER.toNanos());
            end(node, Outcome.FAILED, "could not re-point replica " + node + " to " + primary + ": " + describe(e)
                    + "; tried again in " + RETRY_AFTER.toSeconds() + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // closing
        }
    }

    /**
     * A MariaDB or MySQL replica pointed at the primary that does not receive from it and holds GTIDs the primary
     * lacks (it received them from a former primary that lost them: the primary refuses it, error 1236) has diverged:
     * it is not routed to from now on (fenced, as a former primary is, until it follows the primary again after a
     * re-clone), and reported. Seen in the explorer's mariadb seeds 71, 85 and 109, where such a replica served reads
     * of rows its history did not have. True when it was.
     */
    private boolean refusedAsErrant(String node, Connection c, String primary, Dialect dialect) throws SQLException {
        String errant = errant(c, primary, dialect);
        if (errant.isEmpty()) {
            return false;
        }
        if (monitor.statuses().get(node).state() != NodeState.FENCED) {
            monitor.fence(node);
        }
        straySince.remove(node);
        notBefore.put(node, System.nanoTime() + STRAY_RETRY_AFTER.toNanos());
        end(node, Outcome.REFUSED_ERRANT, node + " does not follow the primary " + primary + " and holds transactions it lacks (errant"
                + " GTIDs " + errant + "): not routed to until it is re-cloned from " + primary + " and follows it");
        return true;
    }

    /**
     * Before former primary {@code former} rejoins (MariaDB, MySQL): the replicas that still follow it are pointed at
     * the primary, as {@link #repointStray} does (it is fenced, so they qualify). They would otherwise resume streaming
     * from it once it restarted, and cascade through it, or stall behind it should its rejoin be refused.
     */
    private void repointFollowersOf(String former) {
        String primary = currentPrimary();
        if (primary == null || primary.equals(former) || monitor.dialect(former).name().equals("postgresql")) {
            return; // PostgreSQL: a standby of the old timeline is found by the monitor (strayFrom)
        }
        for (NodeStatus st : monitor.statuses().values()) {
            if (st.role() == Role.REPLICA && st.state() != NodeState.FENCED && !st.name().equals(former)
                    && !pending.contains(st.name()) && st.lastError() == null) {
                repointStray(st.name(), primary); // reads where it points first: leaves those following another node
            }
        }
    }

    /** The GTIDs the replica on {@code c} holds that {@code primary} lacks (empty when none), as {@link #gtid} tells them. */
    private String errant(Connection c, String primary, Dialect dialect) throws SQLException {
        try (Connection fresh = openAdmin(primary)) {
            return dialect.name().equals("mariadb")
                    ? mariaDbErrant(single(c, "SELECT CONCAT_WS(',', NULLIF(@@gtid_binlog_state, ''), NULLIF(@@gtid_slave_pos, ''))"),
                            single(fresh, "SELECT CONCAT_WS(',', NULLIF(@@gtid_binlog_state, ''), NULLIF(@@gtid_slave_pos, ''))"))
                    : single(fresh, "SELECT GTID_SUBTRACT('" + single(c, "SELECT @@gtid_executed").replace("\n", "") + "', @@gtid_executed)");
        }
    }

    /** What each former primary is waiting for, or how its rejoin ended; and how the re-pointing of a stray replica ended. */
    public Map<String, String> states() {
        return Map.copyOf(states);
    }

    /** How many attempts ended in each outcome. */
    public Map<Outcome, Long> counts() {
        Map<Outcome, Long> m = new EnumMap<>(Outcome.class);
        counts.forEach((o, n) -> m.put(o, n.get()));
        return m;
    }

    private void attempt(String node) {
        String primary = currentPrimary();
        if (primary == null || primary.equals(node)) {
            return; // no new primary to follow yet
        }
        Dialect dialect = monitor.dialect(node);
        LOG.info("{} - rejoin: former primary {} answers; checking whether it can follow {}", cluster, node, primary);
        try {
            switch (dialect.name()) {
                case "postgresql" -> postgres(node, primary);
                case "mariadb", "mysql" -> gtid(node, primary, dialect);
                default -> {
                    pending.remove(node);
                    end(node, Outcome.FAILED, "a " + dialect.name() + " node cannot be rejoined; re-clone it");
                }
            }
        } catch (SQLException | RuntimeException e) {
            notBefore.put(node, System.nanoTime() + RETRY_AFTER.toNanos());
            end(node, Outcome.FAILED, "could not rejoin " + node + " to " + primary + ": " + describe(e) + "; tried again in "
                    + RETRY_AFTER.toSeconds() + " s if it answers");
        }
    }

    private void postgres(String node, String primary) throws SQLException {
        boolean hints;
        boolean checksums;
        try (Connection c = openAdmin(node); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT current_setting('wal_log_hints')::boolean, current_setting('data_checksums')::boolean")) {
            rs.next();
            hints = rs.getBoolean(1);
            checksums = rs.getBoolean(2);
        }
        pending.remove(node);
        String source = "--source-server='host=" + replicationHost(primary) + " port=" + replicationPort(primary, monitor.dialect(primary)) + "'";
        if (hints || checksums) {
            end(node, Outcome.NEEDS_REWIND, "PostgreSQL cannot become a standby over SQL: stop " + node + ", run pg_rewind --target-pgdata=<its data directory> "
                    + source + " (" + (hints ? "wal_log_hints" : "data checksums") + " is on), add standby.signal and primary_conninfo "
                    + "pointing at " + primary + ", start it; until then it stays fenced");
        } else {
            end(node, Outcome.NEEDS_BASE_BACKUP, node + " needs a new base backup from " + primary + " (pg_basebackup): neither wal_log_hints nor "
                    + "data checksums is on, so pg_rewind cannot bring it back; until then it stays fenced");
        }
    }

    private void gtid(String node, String primary, Dialect dialect) throws SQLException {
        try (Connection old = openAdmin(node); Connection fresh = openAdmin(primary)) {
            boolean maria = dialect.name().equals("mariadb");
            String errant = maria
                    ? mariaDbErrant(single(old, "SELECT @@gtid_binlog_state"),
                            single(fresh, "SELECT CONCAT_WS(',', NULLIF(@@gtid_binlog_state, ''), NULLIF(@@gtid_slave_pos, ''))"))
                    : single(fresh, "SELECT GTID_SUBTRACT('" + single(old, "SELECT @@gtid_executed").replace("\n", "") + "', @@gtid_executed)");
            if (!errant.isEmpty()) {
                pending.remove(node);
                end(node, Outcome.REFUSED_ERRANT, node + " holds transactions that " + primary + " lacks (errant GTIDs " + errant
                        + "); it stays fenced: re-clone it, or remove those transactions, then re-point it by hand");
                return;
            }
            LOG.info("{} - rejoin: {} holds no transaction {} lacks; fencing it read-only and pointing it at {}", cluster, node, primary, primary);
            dialect.fence(old);
            dialect.rejoin(old, replicationHost(primary), replicationPort(primary, dialect), config.adminUsername(), config.adminPassword());
            String target = single(fresh, maria ? "SELECT @@gtid_current_pos" : "SELECT @@gtid_executed");
            awaitCaughtUp(node, old, maria, target);
        }
        pending.remove(node);
        reopen.accept(node);
        monitor.unfence(node);
        end(node, Outcome.REJOINED, node + " replicates from " + primary + " and has caught up; it serves reads again");
    }

    /** Waits until the rejoined node's replication runs and has applied {@code target} (the new primary's position). */
    private void awaitCaughtUp(String node, Connection old, boolean maria, String target) throws SQLException {
        long deadline = System.nanoTime() + CATCH_UP.toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            String caughtUp = maria
                    ? single(old, "SELECT @@gtid_slave_pos")
                    : single(old, "SELECT GTID_SUBSET('" + target.replace("\n", "") + "', @@gtid_executed)");
            last = caughtUp;
            if (maria ? mariaDbReached(caughtUp, target) : "1".equals(caughtUp)) {
                return;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SQLException("interrupted while waiting for " + node + " to catch up");
            }
        }
        throw new SQLException(node + " did not catch up with the new primary's position " + target + " within " + CATCH_UP.toSeconds()
                + " s after it was re-pointed (it is at " + last + ")");
    }

    /**
     * The GTIDs of {@code mine} (a MariaDB {@code gtid_binlog_state}: the last GTID per domain and server) that
     * {@code theirs} (the new primary's binlog state and slave position) lacks, as {@code domain-server-from..to}
     * (empty when none). Sequence numbers of one server in one domain only grow, so a number beyond the last the new
     * primary has of that server is a transaction it never received; a server it knows nothing of is errant too.
     */
    static String mariaDbErrant(String mine, String theirs) {
        Map<String, Long> their = lastPerServer(theirs);
        StringBuilder errant = new StringBuilder();
        for (Map.Entry<String, Long> e : lastPerServer(mine).entrySet()) {
            long have = their.getOrDefault(e.getKey(), 0L);
            long last = e.getValue();
            if (last > have) {
                errant.append(errant.length() == 0 ? "" : ",").append(e.getKey()).append('-').append(have + 1)
                        .append(last > have + 1 ? ".." + last : "");
            }
        }
        return errant.toString();
    }

    /** Whether MariaDB position {@code pos} has reached {@code target} in every domain of it. */
    static boolean mariaDbReached(String pos, String target) {
        Map<Long, Long> at = new TreeMap<>();
        lastPerServer(pos).forEach((k, v) -> at.merge(Long.parseLong(k.substring(0, k.indexOf('-'))), v, Math::max));
        for (Map.Entry<String, Long> e : lastPerServer(target).entrySet()) {
            long domain = Long.parseLong(e.getKey().substring(0, e.getKey().indexOf('-')));
            if (at.getOrDefault(domain, 0L) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    /** "domain-server" to the highest sequence number listed for it. */
    private static Map<String, Long> lastPerServer(String position) {
        Map<String, Long> m = new TreeMap<>();
        if (position == null || position.isBlank()) {
            return m;
        }
        for (String gtid : position.split(",")) {
            if (gtid.isBlank()) {
                continue;
            }
            String[] p = gtid.trim().split("-");
            if (p.length != 3) {
                throw new IllegalArgumentException("Not a MariaDB GTID: '" + gtid.trim() + "' (expected domain-server-sequence)");
            }
            m.merge(Long.parseLong(p[0]) + "-" + Long.parseLong(p[1]), Long.parseLong(p[2]), Math::max);
        }
        return m;
    }

    private void end(String node, Outcome outcome, String detail) {
        counts.get(outcome).incrementAndGet();
        states.put(node, outcome.name().toLowerCase(java.util.Locale.ROOT) + ": " + detail);
        if (outcome == Outcome.REJOINED || outcome == Outcome.REPOINTED) {
            LOG.info("{} - rejoin: {}", cluster, detail);
        } else {
            LOG.warn("{} - rejoin of {}: {}: {}", cluster, node, outcome, detail);
        }
    }

    private String currentPrimary() {
        String primary = null;
        for (NodeStatus s : monitor.statuses().values()) {
            if (s.role() == Role.PRIMARY && s.state().serves()) {
                if (primary != null) {
                    return null; // two primaries: follow neither
                }
                primary = s.name();
            }
        }
        return primary;
    }

    private static String single(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            String v = rs.getString(1);
            return v == null ? "" : v.strip();
        }
    }

    private Connection openAdmin(String name) throws SQLException {
        return AdminSessions.open(name, nodes.get(name).url(), monitor.dialect(name), config, Duration.ofSeconds(10),
                Duration.ofSeconds(10));
    }

    /** The configured node whose replication address is {@code hostPort}; null when none is. */
    private String nodeAt(String hostPort, Dialect dialect) {
        if (hostPort == null) {
            return null;
        }
        for (String name : nodes.keySet()) {
            if (hostPort.equals(replicationHost(name) + ":" + replicationPort(name, dialect))) {
                return name;
            }
        }
        return null;
    }

    private String replicationHost(String node) {
        return JdbcUrls.replicationHost(nodes.get(node));
    }

    private int replicationPort(String node, Dialect dialect) {
        return JdbcUrls.replicationPort(nodes.get(node), dialect);
    }

    private String describe(Throwable e) {
        return JdbcUrls.describe(e, config.adminPassword());
    }

    @Override
    public void close() {
        worker.shutdownNow();
    }

    @Override
    public String toString() {
        return "Rejoin[" + cluster + ", pending=" + pending + "]";
    }
}
