package dev.replicaware.routing;

import dev.replicaware.ConsistencyToken;
import dev.replicaware.NoPrimaryAvailableException;
import dev.replicaware.NoReplicaAvailableException;
import dev.replicaware.ReadConsistency;
import dev.replicaware.config.RoutingConfig;
import dev.replicaware.topology.Node;
import dev.replicaware.topology.Topology;
import dev.replicaware.topology.TopologyHolder;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

/**
 * Internal: where the routing decision lives. A logical connection asks it for a physical connection when it first
 * needs the database; the router reads the current topology snapshot once and decides:
 * <ul>
 *   <li>read-write, or read-only with {@link ReadConsistency#PRIMARY}: the one node that says it is primary; with none,
 *       or with two (a split brain), {@link NoPrimaryAvailableException}: writes fail closed;</li>
 *   <li>read-only: a replica chosen by the strategy among those the monitor sees up and within the request's lag
 *       bound (the tighter of {@code routing.maxLag} and the consistency's), and not backing off; when one cannot give a connection
 *       it is marked failed (connection error) or counted busy (its pool exhausted, not backed off) and the next eligible
 *       replica is tried; when none can,
 *       the primary if {@code fallbackToPrimary}, else {@link NoReplicaAvailableException};</li>
 *   <li>read-only that must see a commit (read-your-writes): {@link CausalReads} picks a replica that has replayed it,
 *       else the primary.</li>
 * </ul>
 * No locks and no allocation on the way to a connection; failures allocate their messages.
 */
public final class Router {
    private final String cluster;
    private final TopologyHolder topology;
    private final ReplicaSelector selector;
    private final boolean fallbackToPrimary;
    private final long backoffNanos;
    private final Duration maxLag;
    private volatile long writeWaitNanos;
    private volatile Supplier<String> failoverSituation = () -> null;
    private volatile boolean closed;
    private volatile LateReadOnlyListener lateReadOnlyListener;
    private volatile CausalReads causalReads;
    private final AutocommitReadRouting autocommitReads; // null: statements outside transactions go where the flag says
    private final BeginDeferral beginDeferral; // null: every transaction begins with its first statement

    public Router(String cluster, TopologyHolder topology, RoutingConfig routing) {
        this(cluster, topology, routing, null);
    }

    /** @param functions PostgreSQL, {@code autocommitReads: replica}: what attribute notation could call; null: unknown */
    public Router(String cluster, TopologyHolder topology, RoutingConfig routing, AttributeFunctions functions) {
        this(cluster, topology, ReplicaSelector.of(routing.strategy()), routing.fallbackToPrimary(),
                routing.failureBackoff().toNanos(), routing.maxLag(),
                AutocommitReadRouting.of(routing.autocommitReads(), topology.current().nodes().get(0).pool().getJdbcUrl(),
                        functions),
                BeginDeferral.of(routing, topology.current().nodes().get(0).pool().getJdbcUrl(), functions));
    }

    /**
     * Writes that find no primary wait up to {@code writeWait} for one to be published (zero: fail at once), and
     * their {@link NoPrimaryAvailableException} says what {@code situation} answers (a promotion in progress, a
     * refusal and why); {@code situation} may answer null.
     */
    public void awaitPrimary(Duration writeWait, Supplier<String> situation) {
        this.writeWaitNanos = writeWait.toNanos();
        this.failoverSituation = situation;
    }

    Router(String cluster, TopologyHolder topology, ReplicaSelector selector, boolean fallbackToPrimary, long backoffNanos,
           Duration maxLag, AutocommitReadRouting autocommitReads, BeginDeferral beginDeferral) {
        this.autocommitReads = autocommitReads;
        this.beginDeferral = beginDeferral;
        this.cluster = cluster;
        this.topology = topology;
        this.selector = selector;
        this.fallbackToPrimary = fallbackToPrimary;
        this.backoffNanos = backoffNanos;
        this.maxLag = maxLag;
    }

    /** The autocommit a new logical connection starts with: the pools' default. */
    public boolean defaultAutoCommit() {
        return topology.current().nodes().get(0).defaultAutoCommit();
    }

    /** From now on every request fails with a "closed" SQLException. */
    public void close() {
        closed = true;
    }

    public boolean isClosed() {
        return closed;
    }

    public String cluster() {
        return cluster;
    }

    /** Read-your-writes for this router's connections; null (tests) for none. */
    public void setCausalReads(CausalReads causalReads) {
        this.causalReads = causalReads;
    }

    public CausalReads causalReads() {
        return causalReads;
    }

    ReplicaSelector selector() {
        return selector;
    }

    /** Who hears connections made read-only too late; null for nobody. */
    public void setLateReadOnlyListener(LateReadOnlyListener listener) {
        this.lateReadOnlyListener = listener;
    }

    /** A connection became read-only while holding a physical connection no statement had used; off the hot path. */
    public void lateReadOnly(Node node, boolean rerouted) {
        LateReadOnlyListener listener = lateReadOnlyListener;
        if (listener != null) {
            try {
                listener.lateReadOnly(cluster, node.name(), rerouted);
            } catch (RuntimeException ignored) {
                // A listener's failure must not fail the caller's setReadOnly.
            }
        }
    }

    /** What a read-only transaction may run before its BEGIN; null when every transaction begins with its first statement. */
    public BeginDeferral beginDeferral() {
        return beginDeferral;
    }

    /** How reads outside transactions are routed; null when they stay on the primary. */
    public AutocommitReadRouting autocommitReads() {
        return autocommitReads;
    }

    /**
     * For a statement outside a transaction that only reads: attaches a replica to {@code side} and returns true, or
     * returns false when none can serve; never the primary, which the caller already has or borrows on its own side.
     * The replica is chosen as for any read, read-your-writes included: it must have replayed the commits the read
     * must see (the owning connection's last one, and with {@code instance} the DataSource's).
     */
    public boolean routeAutocommitRead(RoutedConnection side, ConsistencyToken ownerCommit, ReadConsistency consistency)
            throws SQLException {
        checkOpen();
        if (!consistency.allowsReplicas()) {
            return false;
        }
        try {
            return routeRead(side, topology.current(), consistency, ownerCommit);
        } catch (NoReplicaAvailableException e) {
            return false; // fallback is off: the primary side serves, as it would without this routing
        }
    }

    public long backoffNanos() {
        return backoffNanos;
    }

    public void checkOpen() throws SQLException {
        if (closed) {
            throw new SQLNonTransientConnectionException("The Replicaware DataSource of cluster '" + cluster
                    + "' is closed; no new connections or statements", "08003");
        }
    }

    /** Borrows a physical connection for {@code connection} and attaches it; throws when no node can serve. */
    public void route(RoutedConnection connection, boolean readOnly, ReadConsistency consistency) throws SQLException {
        checkOpen();
        Topology current = topology.current();
        if (!readOnly || !consistency.allowsReplicas()) {
            Node primary = attachPrimary(connection, current);
            if (readOnly) {
                primary.countRead();
            } else {
                primary.countWrite();
            }
            return;
        }
        if (routeRead(connection, current, consistency, connection.lastCommit())) {
            return;
        }
        Node primary = attachPrimary(connection, current);
        primary.countRead();
        primary.countFallback();
    }

    /**
     * A read a replica may serve: attaches one and returns true; false when the primary should serve it (no replica
     * could, or none has replayed a commit the read must see: {@code commit}, the connection's own last one, and with
     * {@code routing.readYourWrites: instance} the DataSource's); throws when the primary should and fallback is off.
     */
    private boolean routeRead(RoutedConnection connection, Topology current, ReadConsistency consistency,
                              ConsistencyToken commit) throws SQLException {
        CausalReads causal = causalReads;
        ConsistencyToken required = causal == null ? null : causal.required(consistency, commit, current.primary());
        if (required == null) {
            return routeToReplica(connection, current.replicas(), consistency.lagBound(maxLag));
        }
        Node primary = current.primary();
        boolean primaryServes = primary != null && primary.isAvailable();
        if (causal.routeToReplica(this, connection, current.replicas(), required, consistency.lagBound(maxLag), primaryServes)) {
            return true;
        }
        if (!fallbackToPrimary) {
            throw new NoReplicaAvailableException("Cluster '" + cluster + "': a read must see the commit "
                    + (required == CausalReads.UNKNOWN ? "whose position could not be read" : required.serverPosition())
                    + ", no replica had replayed it or did within routing.readYourWritesTimeout, and fallbackToPrimary"
                    + " is off", null);
        }
        return false;
    }

    /**
     * Borrows from the primary and attaches; returns the node. The pool waits a slice at a time: between slices, a
     * primary that could not give a connection is re-probed, and if the topology no longer has it as the primary (it
     * died, a replica was promoted) the request follows the new one, waiting for one up to the write wait. Only a
     * primary that stays the primary can make a request wait its whole {@code connectionTimeout}.
     */
    private Node attachPrimary(RoutedConnection connection, Topology current) throws SQLException {
        Node primary = primaryOf(current);
        long deadline = 0;
        boolean timed = false; // the clock is read from the first failed borrow on: see firstDeadline
        while (true) {
            Connection physical;
            try {
                physical = primary.pool().getConnection();
            } catch (SQLException e) {
                if (ConnectionErrors.isInterrupt(e)) {
                    throw ConnectionErrors.interrupted(cluster, primary.name(), "waiting for a connection of", e);
                }
                long failedAt = System.nanoTime();
                primary.markFailed(failedAt, 0); // re-probe now: is it gone?
                if (!(e instanceof java.sql.SQLTransientConnectionException || ConnectionErrors.isConnectionError(e))) {
                    throw e;
                }
                if (!timed) {
                    deadline = firstDeadline(primary, e, failedAt);
                    timed = true;
                }
                long late = failedAt - deadline;
                if (late >= 0) {
                    throw PoolWaitTimeout.of(cluster, primary, late + primary.borrowTimeoutNanos(), e);
                }
                Topology now = topology.current();
                Node next = now.primary();
                if (next == null || next != primary) {
                    next = primaryOf(now); // waits for a new primary up to the write wait, or fails saying why
                    deadline = System.nanoTime() + next.borrowTimeoutNanos();
                }
                primary = next;
                continue;
            }
            connection.attach(primary, physical);
            return primary;
        }
    }

    /**
     * The deadline of a request whose first borrow from {@code primary} failed at {@code now}, as if the clock had been
     * read when the request began: a write's common case (the first borrow serves) then reads no clock, which is 25 ns,
     * a seventh of a write cycle on the stub driver. HikariCP fails a borrow with {@link
     * java.sql.SQLTransientConnectionException} only when its connectionTimeout (one slice) ran out, so the request
     * began one slice ago; any other failure came at once.
     */
    private static long firstDeadline(Node primary, SQLException failure, long now) {
        long waited = failure instanceof java.sql.SQLTransientConnectionException
                ? java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(primary.pool().getConnectionTimeout()) : 0;
        return now - waited + primary.borrowTimeoutNanos();
    }

    /**
     * The one writable node; with none, waits up to the write wait for one to be published (the failure path: the
     * hot path returns at once); with two that both claim the role, writes fail closed at once.
     */
    private Node primaryOf(Topology current) throws NoPrimaryAvailableException {
        Node primary = current.primary();
        if (primary != null) {
            return primary;
        }
        long waitNanos = writeWaitNanos;
        long start = System.nanoTime();
        while (primary == null && current.primaries().size() < 2) {
            long left = waitNanos - (System.nanoTime() - start);
            if (left <= 0 || closed) {
                break;
            }
            try {
                current = topology.awaitNext(current, left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            primary = current.primary();
        }
        if (primary != null) {
            return primary;
        }
        throw noPrimary(current, System.nanoTime() - start);
    }

    private NoPrimaryAvailableException noPrimary(Topology current, long waitedNanos) {
        List<Node> primaries = current.primaries();
        if (primaries.size() > 1) {
            StringBuilder names = new StringBuilder();
            for (Node n : primaries) {
                names.append(names.length() == 0 ? "" : " and ").append(n.name());
            }
            return new NoPrimaryAvailableException("Cluster '" + cluster + "': split brain: nodes " + names + " both claim to be the primary;"
                    + " writes are refused until one of them is demoted or fenced, so that no write lands on both");
        }
        StringBuilder states = new StringBuilder();
        for (Node n : current.nodes()) {
            states.append(states.length() == 0 ? "" : ", ").append(n.status());
        }
        String situation = failoverSituation.get();
        return new NoPrimaryAvailableException("Cluster '" + cluster + "' has no primary"
                + (waitedNanos >= 1_000_000 ? " after waiting " + waitedNanos / 1_000_000 + " ms" : "")
                + (situation == null ? "" : "; " + situation) + "; nodes: " + states);
    }

    /**
     * Attaches a replica and returns true; returns false when none could serve and the primary should; throws when
     * none could serve and fallback is off. This is the common case only: the first replica chosen serves. Anything
     * else goes on in {@link #routeToOtherReplicas}; kept apart so that this method stays small enough for the JIT to
     * inline into the caller.
     */
    private boolean routeToReplica(RoutedConnection connection, List<Node> replicas, Duration lagBound) throws SQLException {
        int count = replicas.size();
        if (count == 0) {
            if (fallbackToPrimary) {
                return false;
            }
            throw noReplica(replicas, lagBound, null);
        }
        long refused = 0;
        long backingOff = 0;
        for (int i = 0; i < count; i++) {
            Node replica = replicas.get(i);
            if (!replica.status().servesReadsWithin(lagBound)) {
                refused |= 1L << i;
            } else if (!replica.isAvailable()) {
                backingOff |= 1L << i;
            }
        }
        int index = selector.select(replicas, refused | backingOff);
        if (index < 0) {
            return routeToOtherReplicas(connection, replicas, lagBound, refused, backingOff, 0, null);
        }
        Node replica = replicas.get(index);
        SQLException failure = attachReplica(connection, replica);
        if (failure != null) {
            return routeToOtherReplicas(connection, replicas, lagBound, refused, backingOff, 1L << index, failure);
        }
        replica.countRead();
        return true;
    }

    /**
     * The first replica chosen could not serve ({@code tried}, {@code failure}), or none was eligible: tries the next
     * eligible ones. The first pass skips replicas backing off; with no fallback, a second pass tries them rather than
     * fail untried.
     */
    private boolean routeToOtherReplicas(RoutedConnection connection, List<Node> replicas, Duration lagBound, long refused,
                                         long backingOff, long tried, SQLException failure) throws SQLException {
        for (int pass = 0; pass < 2; pass++) {
            long excluded = refused | tried | (pass == 0 ? backingOff : 0);
            int index;
            while ((index = selector.select(replicas, excluded)) >= 0) {
                Node replica = replicas.get(index);
                SQLException e = attachReplica(connection, replica);
                if (e != null) {
                    tried |= 1L << index;
                    excluded |= 1L << index;
                    if (failure == null) {
                        failure = e;
                    } else {
                        failure.addSuppressed(e);
                    }
                    continue;
                }
                replica.countRead();
                if (tried != 0) {
                    replica.countFallback();
                }
                return true;
            }
            if (fallbackToPrimary) {
                return false;
            }
            if (backingOff == 0) {
                break;
            }
        }
        throw noReplica(replicas, lagBound, failure);
    }

    /**
     * Borrows from {@code replica} and attaches: null when attached; otherwise why the replica could not serve, so that
     * the next one is tried (a failed borrow marks it failed; a pool that was only exhausted does not). Throws a failure
     * that another replica would not cure, and the calling thread's interrupt, which is not the replica's failure.
     */
    SQLException attachReplica(RoutedConnection connection, Node replica) throws SQLException {
        Connection physical;
        try {
            physical = replica.pool().getConnection();
        } catch (SQLException e) {
            if (ConnectionErrors.isInterrupt(e)) {
                throw ConnectionErrors.interrupted(cluster, replica.name(), "waiting for a connection of", e);
            }
            if (PoolExhaustion.isBusy(replica, e)) {
                replica.countBusy(); // load, not failure: no back-off, so it serves again once a connection is free
            } else {
                replica.markFailed(System.nanoTime(), backoffNanos);
            }
            return e;
        }
        try {
            connection.attach(replica, physical); // replays state: the first round trip on a pooled connection
        } catch (SQLException e) {
            if (ConnectionErrors.isInterrupt(e)) {
                throw ConnectionErrors.interrupted(cluster, replica.name(), "setting up a connection of", e);
            }
            if (!ConnectionErrors.isConnectionError(e)) {
                throw e;
            }
            return e; // a pooled connection to a replica that just died: try the next one, as for a failed borrow
        }
        return null;
    }

    private NoReplicaAvailableException noReplica(List<Node> replicas, Duration lagBound, SQLException failure) {
        StringBuilder why = new StringBuilder("Cluster '").append(cluster)
                .append("': no replica could serve a read-only connection and fallbackToPrimary is off");
        if (replicas.isEmpty()) {
            why.append("; the cluster has no replicas");
        } else {
            why.append("; considered ");
            for (int i = 0; i < replicas.size(); i++) {
                Node r = replicas.get(i);
                String refusal = r.status().refusal(lagBound);
                why.append(i == 0 ? "" : ", ").append(r.name()).append(": ")
                        .append(refusal != null ? refusal : "could not give a connection");
            }
            if (failure != null) {
                why.append("; first failure: ").append(failure.getMessage());
            }
        }
        return new NoReplicaAvailableException(why.toString(), failure);
    }

    @Override
    public String toString() {
        return "Router[" + cluster + ", " + selector + ", fallbackToPrimary=" + fallbackToPrimary + "]";
    }
}
