package dev.replicaware.routing;

import dev.replicaware.ConsistencyToken;
import dev.replicaware.ReadConsistency;
import dev.replicaware.config.RoutingConfig;
import dev.replicaware.config.RoutingConfig.ReadYourWrites;
import dev.replicaware.dialect.Dialect;
import dev.replicaware.topology.Node;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Read-your-writes: which commit a read must see, and which replica can serve it.
 *
 * <p>After a write transaction commits, the logical connection asks the primary for the commit position (one small
 * query on the same physical connection; {@link Dialect#commitPosition}). The position is the connection's, and with
 * {@link ReadYourWrites#INSTANCE} also this DataSource's, kept as the latest one it acknowledged.
 *
 * <p>A read that must see a position goes to a replica the load-balancing strategy chooses among those known to be at
 * or past it: from the monitor's samples, from an earlier wait, or from a refresh of the replica's position that reads
 * which found it short ask for ({@link Node#wantPosition}; done off the request path, on a connection of its own).
 * When none is known there, with {@code routing.readYourWritesWait: never} (the default) the read goes to the
 * primary at once, so that read-your-writes never makes a read slower than the primary would serve it; with
 * {@code always} it first waits on one replica not seen further behind than the wait may last, with the server's own
 * wait, up to {@code routing.readYourWritesTimeout}. It is never served stale: a replica counts only while the monitor
 * sees it on the primary's history (PostgreSQL: streaming the primary's timeline), and GTID positions compare domain by
 * domain (MariaDB) or source by source (MySQL).
 *
 * <p>One per DataSource, shared by the routers a reload replaces. Thread-safe; the read path takes no lock.
 */
public final class CausalReads {
    private static final Logger LOG = LoggerFactory.getLogger(CausalReads.class);

    /** A commit whose position could not be read: reads that must see it go to the primary. */
    public static final ConsistencyToken UNKNOWN = ConsistencyToken.of(Long.MAX_VALUE, "");

    private final String cluster;
    private final Function<String, Dialect> dialects;
    private volatile ReadYourWrites scope;
    private volatile Duration timeout;
    private volatile boolean mayWait;
    /** The instance's latest commit, and the primary it was made on: one history at a time. */
    private final AtomicReference<Latest> instance = new AtomicReference<>();
    /** The last position parsed into GTIDs (the instance's, read by many reads): parsed once, not per read. */
    private volatile Parsed lastParsed;
    private volatile java.util.function.Consumer<ConsistencyToken> commitListener;
    private final LongAdder caughtUp = new LongAdder();
    private final LongAdder waited = new LongAdder();
    private final LongAdder primary = new LongAdder();
    private final LongAdder waits = new LongAdder();
    private final LongAdder waitNanos = new LongAdder();
    private final LongAdder positionsRead = new LongAdder();

    /** @param dialects the confirmed dialect of a node, by name */
    public CausalReads(String cluster, RoutingConfig routing, Function<String, Dialect> dialects) {
        this.cluster = cluster;
        this.dialects = dialects;
        reconfigure(routing);
    }

    /** New settings from a reload; the positions already known stay. */
    public void reconfigure(RoutingConfig routing) {
        this.scope = routing.readYourWrites();
        this.timeout = routing.readYourWritesTimeout();
        this.mayWait = routing.readYourWritesWait() == RoutingConfig.ReadYourWritesWait.ALWAYS;
    }

    private record Latest(Node node, ConsistencyToken token) { }

    private record Parsed(ConsistencyToken token, dev.replicaware.dialect.GtidSet gtids) { }

    // ---- writes ----------------------------------------------------------------------------------------------

    /**
     * True when commit positions are read (with the {@code COMMIT} on PostgreSQL, one query after it elsewhere):
     * unless {@code readYourWrites} is off.
     */
    public boolean tracksCommits() {
        return scope != ReadYourWrites.OFF;
    }

    /**
     * A write transaction just committed on {@code physical}, a connection to {@code node}: reads its position, makes
     * it this DataSource's latest when later, and returns it, or {@code previous} when the session committed nothing
     * the dialect can name. A failure to read gives {@link #UNKNOWN}: reads that must see it go to the primary.
     */
    public ConsistencyToken committed(Node node, Connection physical, ConsistencyToken previous) {
        return committed(dialects.apply(node.name()), node, physical, previous);
    }

    private ConsistencyToken committed(Dialect dialect, Node node, Connection physical, ConsistencyToken previous) {
        if (!dialect.comparesPositions()) {
            return previous; // generic mode: no position to read
        }
        ConsistencyToken position;
        try {
            position = dialect.commitPosition(physical.unwrap(Connection.class));
            positionsRead.increment();
        } catch (SQLException | RuntimeException e) {
            LOG.warn("{} - could not read the commit position on node {}; reads that must see it go to the primary: {}",
                    cluster, node.name(), dev.replicaware.config.Secrets.maskUrl(String.valueOf(e.getMessage())));
            position = UNKNOWN;
        }
        return record(node, position, previous);
    }

    /**
     * Commits the write transaction open on {@code physical}, a pooled connection to the primary {@code node}, and
     * records its position as {@link #committed} does; where the dialect can, the position comes back with the
     * {@code COMMIT}, in its round trip, so that read-your-writes costs a write nothing more. A failure is the commit's.
     */
    public ConsistencyToken commit(Node node, Connection physical, ConsistencyToken previous) throws SQLException {
        Dialect dialect = dialects.apply(node.name());
        if (!dialect.readsPositionWithCommit()) {
            physical.commit();
            return committed(dialect, node, physical, previous); // the dialect looked up once per commit
        }
        ConsistencyToken position = dialect.commitWithPosition(physical);
        positionsRead.increment();
        return record(node, position, previous);
    }

    /**
     * Makes {@code position} this DataSource's latest when later; answers it, or {@code previous} when null. A commit on
     * another primary than the latest's starts over: after a failover the old history's positions (perhaps never
     * replicated, perhaps ahead of the new primary's) say nothing of the new one's.
     */
    private ConsistencyToken record(Node node, ConsistencyToken position, ConsistencyToken previous) {
        if (position == null) {
            return previous;
        }
        java.util.function.Consumer<ConsistencyToken> listener = commitListener;
        if (listener != null && position != UNKNOWN) {
            try {
                listener.accept(position);
            } catch (RuntimeException e) {
                LOG.warn("{} - the commit listener failed: {}", cluster, e.toString());
            }
        }
        Latest mine = null;
        while (true) { // the latest wins; an unknown one replaces anything, and anything known replaces it
            Latest seen = instance.get();
            boolean later = seen == null || seen.node != node || seen.token == UNKNOWN || position == UNKNOWN
                    || position.position() > seen.token.position();
            if (!later) {
                return position;
            }
            if (mine == null) {
                mine = new Latest(node, position);
            }
            if (instance.compareAndSet(seen, mine)) {
                return position;
            }
        }
    }

    /**
     * Hears each commit position read, on the thread that committed, before the commit returns to the application
     * (the Spring adapter keeps it in the HTTP session). Null for nobody.
     */
    public void setCommitListener(java.util.function.Consumer<ConsistencyToken> listener) {
        this.commitListener = listener;
    }

    /** The latest commit position this DataSource acknowledged; null before its first. */
    public ConsistencyToken instancePosition() {
        Latest l = instance.get();
        return l == null || l.token == UNKNOWN ? null : l.token;
    }

    // ---- reads -----------------------------------------------------------------------------------------------

    /**
     * The position a read of this consistency on this connection must see; null: none. The instance's position counts
     * across a failover or switchover too, until the instance's first commit on the new primary replaces it: the new
     * primary holds the commits acknowledged on the old one (that is what a failover must keep), while a replica
     * re-pointed to it may not have replayed them yet. A position the new history never got (a lost write) only sends
     * reads to the primary until that commit.
     */
    ConsistencyToken required(ReadConsistency consistency, ConsistencyToken connectionCommit, Node primary) {
        ConsistencyToken required = null;
        if (scope == ReadYourWrites.INSTANCE) {
            Latest latest = instance.get();
            if (latest != null) {
                required = latest.token;
            }
        }
        if (consistency.level() == ReadConsistency.Level.READ_YOUR_WRITES) {
            if (consistency.token() == null && (scope == ReadYourWrites.OFF
                    || primary != null && !dialects.apply(primary.name()).comparesPositions())) {
                return UNKNOWN; // nothing tracked (off, or generic mode): only the primary surely has this connection's writes
            }
            required = laterOf(laterOf(required, connectionCommit), consistency.token());
        }
        return required;
    }

    private static ConsistencyToken laterOf(ConsistencyToken a, ConsistencyToken b) {
        if (a == UNKNOWN || b == UNKNOWN) {
            return UNKNOWN;
        }
        return ConsistencyToken.later(a, b);
    }

    /**
     * Attaches a replica that has replayed {@code required} and returns true; false when the primary should serve
     * (none is there, none got there within the timeout, or the position is unknown). With {@code readYourWritesWait:
     * never} a replica not known to be there is waited on only when the primary cannot serve ({@code primaryServes}
     * false: it is down, or there is none): the read would otherwise fail although a replica may well have the commit.
     */
    boolean routeToReplica(Router router, RoutedConnection connection, List<Node> replicas, ConsistencyToken required,
                           Duration lagBound, boolean primaryServes) throws SQLException {
        int count = replicas.size();
        if (required == UNKNOWN || count == 0) {
            primary.increment();
            return false;
        }
        dev.replicaware.dialect.GtidSet gtids = null; // null: WAL positions, compared as numbers
        boolean parsed = false;
        boolean mayWait = this.mayWait || !primaryServes;
        double waitSeconds = timeout.toNanos() / 1e9;
        long excluded = 0;
        long caughtUpSet = 0;
        for (int i = 0; i < count; i++) {
            Node replica = replicas.get(i);
            if (!replica.status().servesReadsWithin(lagBound) || !replica.isAvailable()
                    || replica.status().readPosition() < 0) { // the last: not known to be on the primary's history
                excluded |= 1L << i;
                continue;
            }
            if (!parsed) {
                // with the dialect of a replica that answered its probes: one never reached has not had its dialect
                // confirmed by its server (MariaDB answers jdbc:mysql: URLs), and a MariaDB GTID read as a MySQL set
                // is empty, which every replica covers (the explorer's MariaDB seed 32: reads 2 s stale)
                try {
                    gtids = gtids(dialects.apply(replica.name()), required);
                } catch (RuntimeException e) { // a token carried in from elsewhere that is no GTID set: only the primary surely has it
                    primary.increment();
                    return false;
                }
                parsed = true;
            }
            if (gtids == null ? replica.knownReadPosition() >= required.position() : covers(replica, gtids)) {
                caughtUpSet |= 1L << i;
            } else if (!mayWait) {
                excluded |= 1L << i;
                if (!(replica.status().lagSeconds() > waitSeconds)) { // a replica seconds behind: no refresh would help
                    replica.wantPosition(); // a refresh, off the request path, for the reads after this one
                }
            } else if (replica.status().lagSeconds() > waitSeconds) {
                excluded |= 1L << i; // seconds behind: waiting on it would only use up the wait
            }
        }
        // The strategy chooses, as for any read; knowing a replica is there only saves the wait. Preferring the
        // replicas known to be there would send every read to the one waited on last until the monitor's next probe.
        boolean waitedOnce = false;
        int index;
        while ((index = router.selector().select(replicas, excluded)) >= 0) {
            excluded |= 1L << index;
            Node replica = replicas.get(index);
            if ((caughtUpSet & (1L << index)) != 0) {
                if (router.attachReplica(connection, replica) == null) {
                    replica.countRead();
                    caughtUp.increment();
                    return true;
                }
            } else if (!waitedOnce) { // one wait per read at most: the read's latency is bounded by one timeout
                waitedOnce = true;
                if (awaitOn(router, connection, replica, required, gtids)) {
                    return true;
                }
            }
        }
        primary.increment();
        return false;
    }

    private static boolean covers(Node replica, dev.replicaware.dialect.GtidSet required) {
        dev.replicaware.dialect.GtidSet known = replica.knownGtids();
        return known != null && known.covers(required);
    }

    /** The GTIDs of {@code required} where the dialect compares GTIDs, parsed once per position; null for WAL positions. */
    private dev.replicaware.dialect.GtidSet gtids(Dialect dialect, ConsistencyToken required) {
        Parsed p = lastParsed;
        if (p != null && p.token == required) {
            return p.gtids;
        }
        dev.replicaware.dialect.GtidSet gtids = dialect.gtids(required);
        if (gtids != null) {
            lastParsed = new Parsed(required, gtids);
        }
        return gtids;
    }

    /** Waits on {@code replica} for {@code required}, up to the timeout; true when it got there and serves. */
    private boolean awaitOn(Router router, RoutedConnection connection, Node replica, ConsistencyToken required,
                            dev.replicaware.dialect.GtidSet gtids) throws SQLException {
        Connection physical;
        try {
            physical = replica.pool().getConnection();
        } catch (SQLException e) {
            if (ConnectionErrors.isInterrupt(e)) {
                throw ConnectionErrors.interrupted(cluster, replica.name(), "waiting for a connection of", e);
            }
            replica.markFailed(System.nanoTime(), router.backoffNanos());
            return false;
        }
        long epoch = replica.confirmationEpoch(); // a confirmation of before a role or timeline change is dropped
        long start = System.nanoTime();
        boolean reached = false;
        try {
            reached = dialects.apply(replica.name()).awaitPosition(physical.unwrap(Connection.class), required, timeout);
        } catch (SQLException e) {
            LOG.debug("{} - waiting on node {} for {} failed: {}", cluster, replica.name(), required, dev.replicaware.config.Secrets.maskUrl(String.valueOf(e.getMessage())));
            if (ConnectionErrors.isInterrupt(e)) {
                physical.close();
                throw ConnectionErrors.interrupted(cluster, replica.name(), "waiting for a commit to replay on", e);
            }
            if (ConnectionErrors.isConnectionError(e)) {
                replica.markFailed(System.nanoTime(), router.backoffNanos());
            }
        } finally {
            waits.increment();
            waitNanos.add(System.nanoTime() - start);
        }
        if (!reached) {
            physical.close();
            return false;
        }
        replica.confirmReadPosition(epoch, gtids == null ? required.position() : -1, gtids);
        try {
            connection.attach(replica, physical);
        } catch (SQLException e) {
            if (!ConnectionErrors.isConnectionError(e)) {
                throw e;
            }
            return false;
        }
        replica.countRead();
        waited.increment();
        return true;
    }

    // ---- figures ---------------------------------------------------------------------------------------------

    /** Reads that had to see a commit and found a replica the monitor already knew to be there. */
    public long caughtUpReads() {
        return caughtUp.sum();
    }

    /** Reads that had to see a commit and were served by a replica after waiting for it to get there. */
    public long waitedReads() {
        return waited.sum();
    }

    /** Reads that had to see a commit and went to the primary: no replica got there in time, or the position was unknown. */
    public long primaryReads() {
        return primary.sum();
    }

    /** Waits on replicas so far, whether they got there or not. */
    public long waits() {
        return waits.sum();
    }

    /** Time spent waiting on replicas, in nanoseconds. */
    public long waitNanos() {
        return waitNanos.sum();
    }

    /**
     * Commit positions read from the primary: on PostgreSQL in the {@code COMMIT}'s round trip, elsewhere one round trip
     * each, the extra ones of read-your-writes.
     */
    public long positionsRead() {
        return positionsRead.sum();
    }

    @Override
    public String toString() {
        return "CausalReads[" + cluster + ", " + scope.configName() + ", " + (mayWait ? "waits up to " + timeout : "never waits") + "]";
    }
}
