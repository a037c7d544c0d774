package dev.replicaware.jdbc;

import dev.replicaware.ConsistencyToken;
import dev.replicaware.ReadConsistency;
import dev.replicaware.ReplicaAwareConnection;
import dev.replicaware.routing.AutocommitReadRouting;
import dev.replicaware.routing.CausalReads;
import dev.replicaware.routing.RoutedConnection;
import dev.replicaware.routing.Router;
import dev.replicaware.topology.Node;

import java.sql.Array;
import java.sql.Blob;
import java.sql.CallableStatement;
import java.sql.Clob;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.NClob;
import java.sql.PreparedStatement;
import java.sql.SQLClientInfoException;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.SQLXML;
import java.sql.Savepoint;
import java.sql.Statement;
import java.sql.Struct;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.Executor;

import static dev.replicaware.routing.ConnectionErrors.isConnectionError;

/**
 * The connection an application holds. It takes no physical connection until a call needs the database; until then
 * it records the state the caller sets. The first such call asks the {@link Router} for a physical connection, routed by
 * the read-only flag at that moment, and the state that differs from the pool's defaults is replayed onto it.
 *
 * <p>Changing the read-only flag (or the read consistency) at a transaction boundary releases the physical connection,
 * so the next statement routes afresh; inside a transaction the change is refused. A transaction is active once a
 * statement has run with autocommit off, until commit, rollback or autocommit on.
 *
 * <p>Used by one thread at a time, as JDBC intends; only {@link #abort} and {@link #isClosed} may come from another.
 */
final class LogicalConnection implements ReplicaAwareConnection, RoutedConnection {
    private static final int UNSET = RarelySetState.UNSET;
    private static final String IN_TRANSACTION = "25001";
    // how the common statements are made again for a read retry; they capture nothing, so they cost no allocation
    private static final StatementWrapper.StatementFactory PLAIN = (c, sql) -> c.createStatement();
    private static final StatementWrapper.StatementFactory PREPARED = Connection::prepareStatement;
    /** {@link #physical}, for the hand-off between {@link #attach} and an {@link #abort} from another thread. */
    private static final VarHandle PHYSICAL;
    /**
     * {@link #closed}: the owner's {@link #close} sets it with release ordering, not a volatile write, which would cost
     * every getConnection() a full fence; only {@link #abort} needs the fence (see {@link #attach}).
     */
    private static final VarHandle CLOSED;

    static {
        try {
            PHYSICAL = MethodHandles.lookup().findVarHandle(LogicalConnection.class, "physical", Connection.class);
            CLOSED = MethodHandles.lookup().findVarHandle(LogicalConnection.class, "closed", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Router router;
    private ReadConsistency consistency;
    private volatile boolean closed;

    private Connection physical;  // HikariCP's proxy: connection state, transactions and close go through it
    private Connection driver;    // the driver's connection beneath it: statements are made here (one wrapper, ours)
    Object openStatements;           // see OpenStatements
    private boolean evictOnRelease;  // a failure left the physical connection unfit for reuse (BrokenConnection)
    private Node node;
    private boolean transactionActive;
    private int generation;   // counts attachments, so a statement can tell it is still on the connection it was made on
    private int executions;   // statements run on the current attachment
    private ConsistencyToken lastCommit;   // where this connection's last write transaction committed; null before one
    private boolean autoCommitWritePending; // statements ran in autocommit on a read-write connection since the last position
    // routing.autocommitReads: replica (see AutocommitReadRouting); the read side and its owner are in RarelySetState
    private boolean pinnedToPrimary;         // ran something other than a classified read: stays on the primary

    // State the caller set; replayed onto each physical connection where it differs from the pool's defaults.
    private boolean readOnly;
    private boolean autoCommit;
    private int isolation = UNSET;
    private RarelySetState rarelySet; // null until the caller sets one of them

    private ResetOnRelease reset() {
        return rarelySet().reset();
    }

    private RarelySetState rarelySet() {
        RarelySetState r = rarelySet;
        if (r == null) {
            r = new RarelySetState();
            rarelySet = r;
        }
        return r;
    }

    LogicalConnection(Router router, ReadConsistency consistency, boolean autoCommit) {
        this.router = router;
        this.consistency = consistency;
        this.autoCommit = autoCommit;
    }

    // ---- routing ---------------------------------------------------------------------------------------------

    /** The physical connection, borrowed and routed now if there is none yet. */
    private Connection physical() throws SQLException {
        Connection c = physical;
        if (c != null) {
            return c;
        }
        checkOpen();
        router.route(this, readOnly, consistency);
        c = physical;
        if (c == null) {
            checkOpen(); // aborted while waiting for the pool: attach gave the connection back
        }
        return c;
    }

    /**
     * The physical connection for something that may leave state in the session or write (a statement other than a
     * classified read, the driver's own connection): from now on, statements outside transactions stay on the primary.
     */
    private Connection pinned() throws SQLException {
        pinnedToPrimary = true;
        return physical();
    }

    /** The driver's connection beneath the physical one, borrowed and routed now if there is none yet. */
    private Connection driver() throws SQLException {
        physical();
        return driver;
    }

    /** {@link #driver()}, pinned as {@link #pinned()} is. */
    private Connection pinnedDriver() throws SQLException {
        pinnedToPrimary = true;
        physical();
        return driver;
    }

    /** {@code s}, made on the driver's connection, is tracked so that it is closed when the connection is given up. */
    private <S extends StatementWrapper> S opened(S s) {
        OpenStatements.add(this, s.delegateStatement());
        return s;
    }

    /**
     * Where a statement of {@code sql} is made: on this connection, or on its replica side when it is a read outside a
     * transaction that {@link AutocommitReadRouting} lets go there; null when on this one (which is then pinned).
     */
    private LogicalConnection readSideFor(String sql) throws SQLException {
        AutocommitReadRouting routing = router.autocommitReads();
        if (routing == null || readOnly || pinnedToPrimary || owner() != this) {
            return null;
        }
        if (!autoCommit || !routing.toReplica(sql)) {
            pinnedToPrimary = true;
            return null;
        }
        checkOpen();
        RarelySetState r = rarelySet();
        LogicalConnection side = r.readSide;
        if (side == null) {
            side = new LogicalConnection(router, consistency, true);
            side.readOnly = true;
            side.isolation = isolation;
            side.rarelySet = r.copy();
            side.rarelySet.owner = this;
            r.readSide = side;
        }
        if (side.physical == null && !router.routeAutocommitRead(side, lastCommit, consistency)) {
            return null; // no replica can serve now: this read runs on the primary side, which it leaves unpinned
        }
        return side;
    }

    /** The connection the application holds: statements made on a read side report it. */
    LogicalConnection owner() {
        RarelySetState r = rarelySet;
        return r == null || r.owner == null ? this : r.owner;
    }

    /** The replica side of this connection (routing.autocommitReads), once a read went there; else null. */
    private LogicalConnection readSide() {
        RarelySetState r = rarelySet;
        return r == null ? null : r.readSide;
    }

    /** {@link #readSide()}, forgotten: this connection is closing. */
    private LogicalConnection takeReadSide() {
        RarelySetState r = rarelySet;
        if (r == null) {
            return null;
        }
        LogicalConnection side = r.readSide;
        r.readSide = null;
        return side;
    }

    /** Called by the router: replays the recorded state onto {@code connection} and holds it. */
    @Override
    public void attach(Node target, Connection connection) throws SQLException {
        Connection beneath;
        try {
            replay(target, connection);
            beneath = connection.unwrap(Connection.class);
        } catch (SQLException e) {
            if (resetForNextBorrower(target, connection)) { // what the replay changed before it failed
                connection.close();
            }
            throw onError(target, e);
        }
        this.node = target;
        this.driver = beneath;
        this.evictOnRelease = false;
        this.transactionActive = false;
        this.generation++;
        this.executions = 0;
        // abort() may have run while the caller waited for the pool: it sets closed, then takes physical. Both sides
        // are volatile, so one of them sees the other, and the compare-and-set decides which one gives it back.
        PHYSICAL.setVolatile(this, connection);
        if (closed && PHYSICAL.compareAndSet(this, connection, null)) {
            target.evict(connection); // evicted, not returned: abort promises the physical connection is not reused
        }
    }

    private void replay(Node target, Connection c) throws SQLException {
        if (readOnly != target.defaultReadOnly()) {
            target.applyReadOnly(c, readOnly); // only where the driver accepts it: routing already decided
        }
        if (autoCommit != target.defaultAutoCommit()) {
            c.setAutoCommit(autoCommit);
        }
        if (isolation != UNSET && isolation != target.defaultIsolation()) {
            c.setTransactionIsolation(isolation);
        }
        RarelySetState r = rarelySet;
        if (r != null) {
            r.replay(target, c);
        }
    }

    /**
     * Puts back what this connection changed and the pool does not reset, before {@code c} goes back to the pool; a
     * connection that cannot be put back as it was is evicted instead. True when {@code c} may be returned.
     */
    private boolean resetForNextBorrower(Node n, Connection c) {
        RarelySetState r = rarelySet;
        if (r == null) {
            return true;
        }
        try {
            r.restore(c);
            return true;
        } catch (SQLException e) {
            n.evict(c);
            onError(n, e);
            return false;
        }
    }

    /** Returns the physical connection to its pool; the next call that needs the database routes again. */
    private void release() throws SQLException {
        Connection c = physical;
        Node n = node;
        if (autoCommitWritePending && c != null) {
            recordCommit(n, c);
        }
        boolean rollback = transactionActive;
        physical = null;
        driver = null;
        node = null;
        transactionActive = false;
        if (c != null && closeForRelease(n, c, rollback) && resetForNextBorrower(n, c)) {
            try {
                c.close();
            } catch (SQLException e) {
                // The pool resets state on return; on a server that just died that fails, and HikariCP has already
                // evicted the connection. The caller's work is done: note the node, do not fail the caller.
                if (!isConnectionError(e)) {
                    throw e;
                }
                onError(n, e);
            } catch (RuntimeException e) {
                // HikariCP fails this way (a NullPointerException resetting the connection's state) when the node's
                // pool was closed under a connection in use: Node.cutOff after another primary took over. The
                // connection went with its pool and the caller's work is done; failing close() would say otherwise.
            }
        }
    }

    /**
     * What HikariCP's proxy did for the statements it made, before {@code c} goes back to its pool: closes the
     * statements left open, rolls back a transaction left open ({@code rollback}), and evicts {@code c} instead when a
     * failure left it broken. True when {@code c} may be returned.
     */
    private boolean closeForRelease(Node n, Connection c, boolean rollback) throws SQLException {
        SQLException failure = OpenStatements.closeAll(this);
        if (failure != null) {
            onError(n, failure);
            evictOnRelease = true; // as HikariCP does when a statement fails to close
        }
        if (!evictOnRelease && rollback) {
            try {
                c.rollback();
            } catch (SQLException e) {
                onError(n, e);
                n.evict(c); // its transaction may still be open: no other borrower gets it
                if (!isConnectionError(e)) {
                    throw e;
                }
                return false;
            }
        }
        if (evictOnRelease) {
            evictOnRelease = false;
            n.evict(c);
            return false;
        }
        return true;
    }

    /** A statement is about to run: with autocommit off, a transaction is now active. */
    void beforeExecute() {
        executions++;
        if (!autoCommit) {
            transactionActive = true;
        } else if (!readOnly) {
            autoCommitWritePending = true; // its position is read once, when the connection is given up
        }
    }

    /**
     * A write transaction (or autocommit statements) committed on {@code c}: read-your-writes reads its position, once.
     * Read-only connections and replicas have nothing to record.
     */
    private void recordCommit(Node n, Connection c) {
        autoCommitWritePending = false;
        CausalReads causal = recordingCommitsOf(n);
        if (causal != null) {
            lastCommit = causal.committed(n, c, lastCommit);
        }
    }

    /** Read-your-writes where it records the commits made on {@code n}: on the primary, unless it is off; else null. */
    private CausalReads recordingCommitsOf(Node n) {
        CausalReads causal = router.causalReads();
        return causal != null && n.status().role() == dev.replicaware.dialect.Role.PRIMARY && causal.tracksCommits() ? causal : null;
    }

    /** Where this connection's last write committed, for the router; null before one. */
    @Override
    public ConsistencyToken lastCommit() {
        return lastCommit;
    }

    int generation() {
        return generation;
    }

    /** Nothing has run on the attachment {@code statementGeneration} yet: a statement made there could still be retried. */
    boolean nothingRunSince(int statementGeneration) {
        return statementGeneration == generation && executions == 0;
    }

    /** For a statement made on a physical connection given up since: the one it is to be made again on. */
    Connection current() throws SQLException {
        return driver();
    }

    /** The node serving now; null when no physical connection is held. */
    Node node() {
        return node;
    }

    /**
     * A statement made now could be retried elsewhere if its first run fails: read-only, on a replica, nothing run on
     * this physical connection yet.
     */
    private boolean readRetryable() {
        Node n = node;
        return readOnly && n != null && executions == 0 && !transactionActive
                && n.status().role() == dev.replicaware.dialect.Role.REPLICA;
    }

    /**
     * The first statement of a read-only transaction failed on its replica with a connection error: gives up that
     * physical connection and routes afresh (the failed replica is now backing off), returning the new connection; or
     * null when a retry would not be safe.
     */
    Connection retryRead(int statementGeneration, SQLException failure) throws SQLException {
        if (!readOnly || statementGeneration != generation || executions != 1 || !isConnectionError(failure) || closed) {
            return null;
        }
        release();
        return driver();
    }

    /**
     * A read-only transaction whose server died at its end: it wrote nothing and its reads were already answered, so
     * there is nothing to commit or roll back; the connection is given up and the next statement routes afresh.
     */
    private boolean endsReadOnlyTransactionAnyway(SQLException failure) throws SQLException {
        if (!readOnly || !isConnectionError(failure)) {
            return false;
        }
        release();
        return true;
    }

    /** Notes a connection error against the serving node, and returns {@code e} for the caller to throw. */
    SQLException onError(SQLException e) {
        Node n = node;
        return n == null ? e : onError(n, e);
    }

    private SQLException onError(Node n, SQLException e) {
        if (isConnectionError(e)) {
            n.markFailed(System.nanoTime(), router.backoffNanos());
            n.evictConnections();
        }
        if (n == node && BrokenConnection.evicts(n.pool(), e)) {
            evictOnRelease = true; // what HikariCP's proxy did for the statements it made
        }
        return e;
    }

    private void checkOpen() throws SQLException {
        if (closed) {
            throw new SQLException("This connection of Replicaware cluster '" + router.cluster() + "' is closed", "08003");
        }
        router.checkOpen();
    }

    /** The read-only flag or consistency is about to change routing: release at a boundary, refuse inside a transaction. */
    private void rerouteAtBoundary(String what) throws SQLException {
        if (physical == null) {
            return;
        }
        if (transactionActive) {
            throw new SQLException("Cannot change " + what + " inside a transaction: this connection of cluster '"
                    + router.cluster() + "' is in a transaction on node '" + node.name()
                    + "'; commit or roll back first, then change it", IN_TRANSACTION);
        }
        release();
    }

    // ---- ReplicaAwareConnection ------------------------------------------------------------------------------

    @Override
    public ReadConsistency getReadConsistency() {
        return consistency;
    }

    @Override
    public void setReadConsistency(ReadConsistency consistency) throws SQLException {
        if (consistency == null) {
            throw new SQLException("Read consistency must not be null; use ReadConsistency.ANY or ReadConsistency.PRIMARY");
        }
        checkOpen();
        if (consistency.equals(this.consistency)) {
            return;
        }
        if (readOnly) { // another bound may need another node
            rerouteAtBoundary("the read consistency");
        }
        this.consistency = consistency;
        LogicalConnection side = readSide();
        if (side != null) {
            side.setReadConsistency(consistency);
        }
    }

    @Override
    public Optional<ConsistencyToken> consistencyToken() {
        ConsistencyToken t = lastCommit;
        return t == null || t == CausalReads.UNKNOWN ? Optional.empty() : Optional.of(t);
    }

    @Override
    public Optional<String> servingNode() {
        Node n = node;
        return n == null ? Optional.empty() : Optional.of(n.name());
    }

    // ---- recorded state --------------------------------------------------------------------------------------

    @Override
    public void setReadOnly(boolean readOnly) throws SQLException {
        checkOpen();
        if (readOnly == this.readOnly) {
            return;
        }
        if (readOnly && physical != null && (executions == 0 || transactionActive)) {
            router.lateReadOnly(node, !transactionActive);
        }
        rerouteAtBoundary("the read-only flag");
        this.readOnly = readOnly;
    }

    @Override
    public boolean isReadOnly() throws SQLException {
        checkOpen();
        return readOnly;
    }

    @Override
    public void setAutoCommit(boolean autoCommit) throws SQLException {
        checkOpen();
        if (autoCommit == this.autoCommit) {
            return;
        }
        if (physical != null) {
            try {
                physical.setAutoCommit(autoCommit);
            } catch (SQLException e) {
                throw onError(e);
            }
            if (autoCommit && transactionActive && !readOnly) {
                autoCommitWritePending = true; // switching autocommit on committed the transaction
            }
        }
        this.autoCommit = autoCommit;
        if (autoCommit) {
            transactionActive = false;
        }
    }

    @Override
    public boolean getAutoCommit() throws SQLException {
        checkOpen();
        return autoCommit;
    }

    @Override
    public void setTransactionIsolation(int level) throws SQLException {
        checkOpen();
        if (physical != null) {
            physical.setTransactionIsolation(level);
        }
        isolation = level;
        LogicalConnection side = readSide();
        if (side != null) {
            side.setTransactionIsolation(level);
        }
    }

    @Override
    public int getTransactionIsolation() throws SQLException {
        checkOpen();
        if (physical == null && isolation != UNSET) {
            return isolation;
        }
        return physical().getTransactionIsolation();
    }

    @Override
    public void setCatalog(String catalog) throws SQLException {
        checkOpen();
        if (physical != null) {
            physical.setCatalog(catalog);
        }
        rarelySet().catalog = catalog;
        LogicalConnection side = readSide();
        if (side != null) {
            side.setCatalog(catalog);
        }
    }

    @Override
    public String getCatalog() throws SQLException {
        checkOpen();
        if (physical == null && rarelySet != null && rarelySet.catalog != null) {
            return rarelySet.catalog;
        }
        return physical().getCatalog();
    }

    @Override
    public void setSchema(String schema) throws SQLException {
        checkOpen();
        if (physical != null) {
            physical.setSchema(schema);
        }
        rarelySet().schema = schema;
        LogicalConnection side = readSide();
        if (side != null) {
            side.setSchema(schema);
        }
    }

    @Override
    public String getSchema() throws SQLException {
        checkOpen();
        if (physical == null && rarelySet != null && rarelySet.schema != null) {
            return rarelySet.schema;
        }
        return physical().getSchema();
    }

    @Override
    public void setHoldability(int holdability) throws SQLException {
        checkOpen();
        if (physical != null) {
            reset().beforeHoldability(physical);
            physical.setHoldability(holdability);
        }
        rarelySet().holdability = holdability;
        LogicalConnection side = readSide();
        if (side != null) {
            side.setHoldability(holdability);
        }
    }

    @Override
    public int getHoldability() throws SQLException {
        checkOpen();
        if (physical == null && rarelySet != null && rarelySet.holdability != UNSET) {
            return rarelySet.holdability;
        }
        return physical().getHoldability();
    }

    @Override
    public void setNetworkTimeout(Executor executor, int milliseconds) throws SQLException {
        checkOpen();
        if (milliseconds < 0) {
            throw new SQLException("Network timeout must not be negative, but was " + milliseconds);
        }
        if (physical != null) {
            physical.setNetworkTimeout(executor, milliseconds);
        }
        RarelySetState r = rarelySet();
        r.networkTimeoutExecutor = executor;
        r.networkTimeout = milliseconds;
        LogicalConnection side = readSide();
        if (side != null) {
            side.setNetworkTimeout(executor, milliseconds);
        }
    }

    @Override
    public int getNetworkTimeout() throws SQLException {
        checkOpen();
        if (physical == null && rarelySet != null && rarelySet.networkTimeout != UNSET) {
            return rarelySet.networkTimeout;
        }
        return physical().getNetworkTimeout();
    }

    @Override
    public void setClientInfo(String name, String value) throws SQLClientInfoException {
        if (closed) {
            throw new SQLClientInfoException("This connection of Replicaware cluster '" + router.cluster() + "' is closed", "08003",
                    0, Map.of());
        }
        if (physical != null) {
            beforeClientInfo(physical);
            physical.setClientInfo(name, value);
        }
        RarelySetState r = rarelySet();
        if (r.clientInfo == null) {
            r.clientInfo = new Properties();
        }
        if (value == null) {
            r.clientInfo.remove(name);
        } else {
            r.clientInfo.setProperty(name, value);
        }
        LogicalConnection side = readSide();
        if (side != null) {
            side.setClientInfo(name, value);
        }
    }

    @Override
    public void setClientInfo(Properties properties) throws SQLClientInfoException {
        if (closed) {
            throw new SQLClientInfoException("This connection of Replicaware cluster '" + router.cluster() + "' is closed", "08003",
                    0, Map.of());
        }
        if (physical != null) {
            beforeClientInfo(physical);
            physical.setClientInfo(properties);
        }
        Properties copy = new Properties();
        if (properties != null) {
            copy.putAll(properties);
        }
        rarelySet().clientInfo = copy;
        LogicalConnection side = readSide();
        if (side != null) {
            side.setClientInfo(properties);
        }
    }

    private void beforeClientInfo(Connection c) throws SQLClientInfoException {
        try {
            reset().beforeClientInfo(c);
        } catch (SQLException e) {
            throw new SQLClientInfoException("Could not read the client info of cluster '" + router.cluster()
                    + "' node '" + node.name() + "' before changing it: " + e.getMessage(), e.getSQLState(), e.getErrorCode(), Map.of(), e);
        }
    }

    @Override
    public String getClientInfo(String name) throws SQLException {
        checkOpen();
        Properties clientInfo = rarelySet == null ? null : rarelySet.clientInfo;
        if (physical == null && clientInfo != null && clientInfo.containsKey(name)) {
            return clientInfo.getProperty(name);
        }
        return physical().getClientInfo(name);
    }

    @Override
    public Properties getClientInfo() throws SQLException {
        checkOpen();
        return physical().getClientInfo();
    }

    // ---- transactions ----------------------------------------------------------------------------------------

    @Override
    public void commit() throws SQLException {
        checkOpen();
        if (physical == null) {
            return;
        }
        boolean wrote = transactionActive && !readOnly;
        CausalReads causal = wrote ? recordingCommitsOf(node) : null;
        try {
            if (causal == null) {
                physical.commit();
            } else {
                lastCommit = causal.commit(node, physical, lastCommit); // the position, with the commit where it can
            }
            if (wrote) {
                autoCommitWritePending = false;
            }
        } catch (SQLException e) {
            SQLException failure = onError(e);
            if (!endsReadOnlyTransactionAnyway(failure)) {
                throw failure;
            }
        } finally {
            transactionActive = false;
        }
    }

    @Override
    public void rollback() throws SQLException {
        checkOpen();
        if (physical == null) {
            return;
        }
        try {
            physical.rollback();
        } catch (SQLException e) {
            SQLException failure = onError(e);
            if (!endsReadOnlyTransactionAnyway(failure)) {
                throw failure;
            }
        } finally {
            transactionActive = false;
        }
    }

    @Override
    public Savepoint setSavepoint() throws SQLException {
        Savepoint savepoint = physical().setSavepoint();
        beforeExecute();
        return savepoint;
    }

    @Override
    public Savepoint setSavepoint(String name) throws SQLException {
        Savepoint savepoint = physical().setSavepoint(name);
        beforeExecute();
        return savepoint;
    }

    @Override
    public void rollback(Savepoint savepoint) throws SQLException {
        requireSavepointConnection().rollback(savepoint);
    }

    @Override
    public void releaseSavepoint(Savepoint savepoint) throws SQLException {
        requireSavepointConnection().releaseSavepoint(savepoint);
    }

    private Connection requireSavepointConnection() throws SQLException {
        checkOpen();
        if (physical == null) {
            throw new SQLException("No savepoint exists on this connection of cluster '" + router.cluster()
                    + "': it holds no physical connection (none taken yet, or released when the read-only flag changed)");
        }
        return physical;
    }

    // ---- statements ------------------------------------------------------------------------------------------

    @Override
    public Statement createStatement() throws SQLException {
        Statement s = pinnedDriver().createStatement();
        return opened(new StatementWrapper(this, s, readRetryable() ? PLAIN : null, null));
    }

    @Override
    public Statement createStatement(int resultSetType, int resultSetConcurrency) throws SQLException {
        Statement s = pinnedDriver().createStatement(resultSetType, resultSetConcurrency);
        return opened(new StatementWrapper(this, s, readRetryable() ? (c, q) -> c.createStatement(resultSetType, resultSetConcurrency) : null, null));
    }

    @Override
    public Statement createStatement(int resultSetType, int resultSetConcurrency, int resultSetHoldability) throws SQLException {
        Statement s = pinnedDriver().createStatement(resultSetType, resultSetConcurrency, resultSetHoldability);
        return opened(new StatementWrapper(this, s, readRetryable()
                ? (c, q) -> c.createStatement(resultSetType, resultSetConcurrency, resultSetHoldability) : null, null));
    }

    @Override
    public PreparedStatement prepareStatement(String sql) throws SQLException {
        LogicalConnection side = readSideFor(sql);
        if (side != null) {
            return side.prepareStatement(sql);
        }
        PreparedStatement s = driver().prepareStatement(sql);
        return opened(new PreparedStatementWrapper(this, s, readRetryable() ? PREPARED : null, sql));
    }

    @Override
    public PreparedStatement prepareStatement(String sql, int resultSetType, int resultSetConcurrency) throws SQLException {
        LogicalConnection side = readSideFor(sql);
        if (side != null) {
            return side.prepareStatement(sql, resultSetType, resultSetConcurrency);
        }
        PreparedStatement s = driver().prepareStatement(sql, resultSetType, resultSetConcurrency);
        return opened(new PreparedStatementWrapper(this, s, readRetryable()
                ? (c, q) -> c.prepareStatement(q, resultSetType, resultSetConcurrency) : null, sql));
    }

    @Override
    public PreparedStatement prepareStatement(String sql, int resultSetType, int resultSetConcurrency, int resultSetHoldability)
            throws SQLException {
        LogicalConnection side = readSideFor(sql);
        if (side != null) {
            return side.prepareStatement(sql, resultSetType, resultSetConcurrency, resultSetHoldability);
        }
        PreparedStatement s = driver().prepareStatement(sql, resultSetType, resultSetConcurrency, resultSetHoldability);
        return opened(new PreparedStatementWrapper(this, s, readRetryable()
                ? (c, q) -> c.prepareStatement(q, resultSetType, resultSetConcurrency, resultSetHoldability) : null, sql));
    }

    @Override
    public PreparedStatement prepareStatement(String sql, int autoGeneratedKeys) throws SQLException {
        if (autoGeneratedKeys == Statement.NO_GENERATED_KEYS) { // what some frameworks use for every query
            LogicalConnection side = readSideFor(sql);
            if (side != null) {
                return side.prepareStatement(sql);
            }
        }
        return opened(new PreparedStatementWrapper(this, pinnedDriver().prepareStatement(sql, autoGeneratedKeys)));
    }

    @Override
    public PreparedStatement prepareStatement(String sql, int[] columnIndexes) throws SQLException {
        return opened(new PreparedStatementWrapper(this, pinnedDriver().prepareStatement(sql, columnIndexes)));
    }

    @Override
    public PreparedStatement prepareStatement(String sql, String[] columnNames) throws SQLException {
        return opened(new PreparedStatementWrapper(this, pinnedDriver().prepareStatement(sql, columnNames)));
    }

    @Override
    public CallableStatement prepareCall(String sql) throws SQLException {
        return opened(new CallableStatementWrapper(this, pinnedDriver().prepareCall(sql)));
    }

    @Override
    public CallableStatement prepareCall(String sql, int resultSetType, int resultSetConcurrency) throws SQLException {
        return opened(new CallableStatementWrapper(this, pinnedDriver().prepareCall(sql, resultSetType, resultSetConcurrency)));
    }

    @Override
    public CallableStatement prepareCall(String sql, int resultSetType, int resultSetConcurrency, int resultSetHoldability)
            throws SQLException {
        return opened(new CallableStatementWrapper(this,
                pinnedDriver().prepareCall(sql, resultSetType, resultSetConcurrency, resultSetHoldability)));
    }

    @Override
    public String nativeSQL(String sql) throws SQLException {
        return physical().nativeSQL(sql);
    }

    // ---- lifecycle -------------------------------------------------------------------------------------------

    @Override
    public void close() throws SQLException {
        if (closed) {
            return;
        }
        CLOSED.setRelease(this, true);
        LogicalConnection side = takeReadSide();
        try {
            release();
        } finally {
            if (side != null) {
                side.close();
            }
        }
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    @Override
    public boolean isValid(int timeout) throws SQLException {
        if (timeout < 0) {
            throw new SQLException("Timeout must not be negative, but was " + timeout);
        }
        if (closed || router.isClosed()) {
            return false;
        }
        try {
            return physical().isValid(timeout);
        } catch (SQLException e) {
            return false;
        }
    }

    @Override
    public void abort(Executor executor) throws SQLException {
        if (executor == null) {
            throw new SQLException("abort needs an executor");
        }
        if (closed) {
            return;
        }
        closed = true;
        LogicalConnection side = takeReadSide();
        Connection c = (Connection) PHYSICAL.getAndSet(this, null); // see attach: the owner may be attaching now
        Node n = node;
        node = null;
        try {
            if (c != null) {
                try {
                    c.abort(executor);
                } finally {
                    n.evict(c);
                }
            }
        } finally {
            if (side != null) {
                side.abort(executor);
            }
        }
    }

    // ---- pass-through ----------------------------------------------------------------------------------------

    @Override
    public DatabaseMetaData getMetaData() throws SQLException {
        return new DatabaseMetaDataWrapper(this, physical().getMetaData());
    }

    @Override
    public SQLWarning getWarnings() throws SQLException {
        checkOpen();
        return physical == null ? null : physical.getWarnings();
    }

    @Override
    public void clearWarnings() throws SQLException {
        checkOpen();
        if (physical != null) {
            physical.clearWarnings();
        }
    }

    @Override
    public Map<String, Class<?>> getTypeMap() throws SQLException {
        checkOpen();
        if (physical == null && rarelySet != null && rarelySet.typeMap != null) {
            return rarelySet.typeMap;
        }
        return physical().getTypeMap();
    }

    @Override
    public void setTypeMap(Map<String, Class<?>> map) throws SQLException {
        checkOpen();
        if (map == null) {
            throw new SQLException("The type map must not be null; give an empty map to map no types");
        }
        if (physical != null) {
            reset().beforeTypeMap(physical);
            physical.setTypeMap(map);
        }
        rarelySet().typeMap = map;
        LogicalConnection side = readSide();
        if (side != null) {
            side.setTypeMap(map);
        }
    }

    @Override
    public Clob createClob() throws SQLException {
        return physical().createClob();
    }

    @Override
    public Blob createBlob() throws SQLException {
        return physical().createBlob();
    }

    @Override
    public NClob createNClob() throws SQLException {
        return physical().createNClob();
    }

    @Override
    public SQLXML createSQLXML() throws SQLException {
        return physical().createSQLXML();
    }

    @Override
    public Array createArrayOf(String typeName, Object[] elements) throws SQLException {
        return physical().createArrayOf(typeName, elements);
    }

    @Override
    public Struct createStruct(String typeName, Object[] attributes) throws SQLException {
        return physical().createStruct(typeName, attributes);
    }

    /**
     * This connection for {@link ReplicaAwareConnection} and {@link Connection} (no physical connection taken);
     * otherwise the physical connection, HikariCP's proxy or the driver's own connection beneath it.
     */
    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        if (iface.isInstance(this)) {
            return iface.cast(this);
        }
        Connection c = pinned(); // the application may change the session behind our back
        if (iface.isInstance(c)) {
            return iface.cast(c);
        }
        return c.unwrap(iface);
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) throws SQLException {
        if (iface.isInstance(this)) {
            return true;
        }
        Connection c = physical();
        return iface.isInstance(c) || c.isWrapperFor(iface);
    }

    @Override
    public String toString() {
        Node n = node;
        return "ReplicaAwareConnection[cluster=" + router.cluster() + ", node=" + (n == null ? "none yet" : n.name())
                + ", readOnly=" + readOnly + ", autoCommit=" + autoCommit + (closed ? ", closed" : "") + "]";
    }
}
