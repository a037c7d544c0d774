package dev.replicaware.failover;

import dev.replicaware.dialect.Role;
import dev.replicaware.topology.NodeState;
import dev.replicaware.topology.NodeStatus;
import dev.replicaware.topology.TopologyMonitor;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fencing lifecycle of a former primary, driven from the failover thread:
 * <ol>
 *   <li><b>fenced</b> when another node took its place: the monitor never routes to it, whatever it claims;</li>
 *   <li><b>made read-only</b> the moment it answers again (a paused primary that resumed), where the database allows,
 *       by a {@link FenceWatch} on a thread of its own that waits for it, whatever the monitor sees;</li>
 *   <li><b>lifted</b> when the monitor sees it follow the current primary: a replica whose replication stream is up
 *       while exactly one other node serves as primary (it was re-pointed after a planned switchover, rewound or
 *       re-cloned). From then on it is an ordinary replica, and may be switched over to again. The read-only setting
 *       the fence left (PostgreSQL's {@code default_transaction_read_only} in {@code postgresql.auto.conf}) is undone
 *       by the dialect when the node is re-pointed or promoted.</li>
 * </ol>
 * To make step 2 as quick as it can be, an admin session is held open on the current primary ({@link #holdSessionOn})
 * and handed to its watch when it is fenced.
 *
 * <p>Synchronized: the failover thread fences, sweeps, lifts and holds; {@link #close()} comes from the closing thread.
 */
final class FencedNodes implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FencedNodes.class);
    private static final long CLOSE_WAIT_MILLIS = 5_000;

    /**
     * Opens an admin session to a node that may take {@code connectTimeout} to connect and {@code timeout} per
     * statement, and ends when the thread waiting in it is interrupted.
     */
    interface AdminSessions {
        Connection open(String node, Duration connectTimeout, Duration timeout) throws SQLException;
    }

    /** A healthy primary answers a connect within this; the attempt holds the failover thread no longer. */
    private static final Duration HELD_CONNECT_TIMEOUT = Duration.ofSeconds(2);
    /** How long after a failed attempt to hold a session the next is made. */
    private static final long HOLD_RETRY_NANOS = TimeUnit.SECONDS.toNanos(10);
    /** A held session older than this is checked (one round trip) before it is relied on again. */
    private static final long HOLD_CHECK_NANOS = TimeUnit.MINUTES.toNanos(5);

    private final String cluster;
    private final TopologyMonitor monitor;
    private final AdminSessions admin;
    private final Function<Throwable, String> describe;
    /** The watches of fenced nodes not yet read-only, by node. */
    private final Map<String, FenceWatch> watches = new LinkedHashMap<>();
    /** The admin session held open on the current primary, for its fence watch; null when none. */
    private HeldSession held;
    private long nextHoldNanos;
    private String lastHoldFailure;
    private boolean closed;

    private record HeldSession(String node, Connection connection, long checkedNanos) {}

    FencedNodes(String cluster, TopologyMonitor monitor, AdminSessions admin, Function<Throwable, String> describe) {
        this.cluster = cluster;
        this.monitor = monitor;
        this.admin = admin;
        this.describe = describe;
    }

    /** Never route to {@code node} again until it follows the current primary; make it read-only as soon as it answers. */
    synchronized void fence(String node, String why) {
        NodeStatus s = monitor.statuses().get(node);
        if (s == null) {
            return; // removed by a reload
        }
        if (s.state() != NodeState.FENCED) {
            monitor.fence(node);
        }
        LOG.warn("{} - fenced former primary {} ({}); it is not routed to until it follows the current primary",
                cluster, node, why);
        FenceWatch running = watches.get(node);
        if (closed || (running != null && !running.ended())) {
            return;
        }
        Connection session = null;
        if (held != null && held.node().equals(node)) {
            session = held.connection(); // the watch owns it from now on
            held = null;
        }
        FenceWatch w = new FenceWatch(cluster, node, admin, session, () -> stillFenced(node), describe);
        watches.put(node, w);
        w.start();
    }

    /**
     * Holds an admin session open on {@code primary} (null: on none), for the fence watch it gets should another node
     * take its place. A paused primary's sessions wait, and the one whose statement was sent first is served first:
     * the watch sends the fence on this session while the node is still paused, so the fence runs the moment the node
     * resumes, before any client that connects then has finished its handshake. Without it, the watch's new
     * connection and theirs would be served side by side, and a client could find the node writable for as long as
     * the fence's round trips take (milliseconds: issue 12's fault run saw it on MariaDB).
     */
    synchronized void holdSessionOn(String primary) {
        long now = System.nanoTime();
        if (held != null && held.node().equals(primary) && now - held.checkedNanos() > HOLD_CHECK_NANOS) {
            // an idle session may have been ended meanwhile (a server's idle timeout, a network device)
            if (stillValid(held.connection())) {
                held = new HeldSession(primary, held.connection(), now);
            } else {
                releaseHeld();
            }
        }
        if (held != null && !held.node().equals(primary)) {
            releaseHeld();
        }
        if (held != null || closed || primary == null || now - nextHoldNanos < 0 || !answersProbes(primary)) {
            return;
        }
        try {
            held = new HeldSession(primary, admin.open(primary, HELD_CONNECT_TIMEOUT, FenceWatch.ATTEMPT_TIMEOUT), now);
            lastHoldFailure = null;
        } catch (SQLException | RuntimeException e) {
            nextHoldNanos = now + HOLD_RETRY_NANOS;
            String message = describe.apply(e);
            if (!message.equals(lastHoldFailure)) { // tried every 10 s: said once until it changes
                (dev.replicaware.dialect.AdminErrors.isAccessDenied(e) ? LOG.atWarn() : LOG.atInfo()).log("{} - could not hold an admin session on the primary {} for fencing it should it be replaced ({});"
                        + " trying again every {} s", cluster, primary, message, TimeUnit.NANOSECONDS.toSeconds(HOLD_RETRY_NANOS));
            }
            lastHoldFailure = message;
        }
    }

    /** Only a primary whose last probe was answered is connected to: the attempt runs on the failover thread. */
    private boolean answersProbes(String node) {
        NodeStatus s = monitor.statuses().get(node);
        return s != null && s.state() == NodeState.UP && s.lastError() == null;
    }

    private void releaseHeld() {
        try {
            held.connection().close();
        } catch (SQLException | RuntimeException e) {
            // let go of: a session that fails to close is gone already
        }
        held = null;
    }

    private static boolean stillValid(Connection c) {
        try {
            return c.isValid(2);
        } catch (SQLException e) {
            return false;
        }
    }

    /** Read by a watch's thread: the monitor's statuses are an immutable snapshot. */
    private boolean stillFenced(String node) {
        NodeStatus s = monitor.statuses().get(node);
        return s != null && s.state() == NodeState.FENCED;
    }

    /** Forgets the watches that ended; stops those whose node was removed by a reload or is no longer fenced. */
    synchronized void sweep() {
        for (Iterator<Map.Entry<String, FenceWatch>> it = watches.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, FenceWatch> e = it.next();
            if (e.getValue().ended()) {
                it.remove();
            } else if (!stillFenced(e.getKey())) {
                e.getValue().stop();
                it.remove();
            }
        }
    }

    /** True when the node answered as a replica whose replication stream is up. */
    static boolean follows(NodeStatus s) {
        return s.role() == Role.REPLICA && s.receiving() && s.lastError() == null;
    }

    /** Ends the fence of every fenced node that now follows {@code primary}, the one node serving as primary. */
    synchronized void liftWhereFollowing(Map<String, NodeStatus> statuses, String primary) {
        for (NodeStatus s : statuses.values()) {
            if (s.state() == NodeState.FENCED && !s.name().equals(primary) && follows(s)) {
                monitor.unfence(s.name());
                FenceWatch w = watches.remove(s.name());
                if (w != null) {
                    w.stop();
                }
                LOG.warn("{} - fenced node {} follows the primary {} as a replica; its fence is lifted", cluster, s.name(), primary);
            }
        }
    }

    /** Stops every watch and waits (bounded) for their threads to end: none may outlive the DataSource. */
    @Override
    public synchronized void close() {
        closed = true;
        if (held != null) {
            releaseHeld();
        }
        watches.values().forEach(FenceWatch::stop);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CLOSE_WAIT_MILLIS);
        try {
            for (FenceWatch w : watches.values()) {
                if (!w.awaitEnd(TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()))) {
                    LOG.warn("{} - {} did not end within {} ms of close: its driver does not end a connect on interrupt",
                            cluster, w, CLOSE_WAIT_MILLIS);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        watches.clear();
    }
}
