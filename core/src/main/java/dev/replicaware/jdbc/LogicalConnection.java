package dev.replicaware.jdbc;

import dev.replicaware.ConsistencyToken;
import dev.replicaware.ReadConsistency;
import dev.replicaware.ReplicaAwareConnection;
import dev.replicaware.jdbc.delegate.DelegatingConnection;
import dev.replicaware.routing.CausalReads;
import dev.replicaware.routing.RoutedConnection;
import dev.replicaware.routing.Router;
import dev.replicaware.topology.Node;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.SQLClientInfoException;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.Executor;


/**
 * The connection an application holds. It takes no physical connection until a call needs the database; until then
 * it records the state the caller sets. The first such call asks the {@link Router} for a physical connection, routed by
 * the read-only flag at that moment, and the state that differs from the pool's defaults is replayed onto it.
 *
 * <p>Changing the read-only flag (or the read consistency) at a transaction boundary releases the physical connection,
 * so the next statement routes afresh; inside a transaction the change is refused. A transaction is active once a
 * statement has run with autocommit off, until commit, rollback or autocommit on.
 *
 * <p>This class holds the connection's life: routing, attach, release, the read-only flag, autocommit and close. It
 * delegates the rest, each to a class of its own that works on this one's fields (static methods: no allocation):
 * the session state and its replay ({@link SessionState}), the statements it makes and tracks ({@link Statements},
 * {@link OpenStatements}), the commit path ({@link Transactions}), giving the physical connection back ({@link Release})
 * and the replica side for reads outside transactions ({@link ReadSide}). Pure pass-through is in
 * {@link DelegatingConnection}.
 *
 * <p>Used by one thread at a time, as JDBC intends; only {@link #abort} and {@link #isClosed} may come from another.
 */
final class LogicalConnection extends DelegatingConnection implements ReplicaAwareConnection, RoutedConnection {
    private static final String IN_TRANSACTION = "25001";
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

    final Router router;
    private ReadConsistency consistency;
    volatile boolean closed;

    Connection physical;  // HikariCP's proxy: connection state, transactions and close go through it
    Connection driver;            // the driver's connection beneath it: statements are made here (one wrapper, ours)
    Object openStatements;           // see OpenStatements
    boolean evictOnRelease;          // a failure left the physical connection unfit for reuse (BrokenConnection)
    Node node;
    boolean transactionActive;
    boolean beginDeferred;    // the server's connection is still in autocommit: see Transactions.deferBegin
    boolean autoCommitStale;  // autoCommit may differ from the driver's, sent before the next statement (Node.autoCommitFloats)
    private int generation;   // counts attachments, so a statement can tell it is still on the connection it was made on
    int executions;           // statements run on the current attachment
    ConsistencyToken lastCommit;     // where this connection's last write transaction committed; null before one
    boolean autoCommitWritePending;  // statements ran in autocommit on a read-write connection since the last position
    // routing.autocommitReads: replica (see ReadSide); the read side and its owner are in RarelySetState
    boolean pinnedToPrimary;         // ran something other than a classified read: stays on the primary

    // State the caller set; replayed onto each physical connection where it differs from the pool's defaults.
    boolean readOnly;
    boolean autoCommit;
    int isolation = RarelySetState.UNSET;
    RarelySetState rarelySet; // null until the caller sets one of them

    LogicalConnection(Router router, ReadConsistency consistency, boolean autoCommit) {
        this.router = router;
        this.consistency = consistency;
        this.autoCommit = autoCommit;
    }

    // ---- routing ---------------------------------------------------------------------------------------------

    /** The physical connection, borrowed and routed now if there is none yet. */
    Connection physical() throws SQLException {
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

    @Override
    protected Connection delegate() throws SQLException {
        return physical();
    }

    /** The driver's connection beneath the physical one, borrowed and routed now if there is none yet. */
    Connection driver() throws SQLException {
        physical();
        return driver;
    }

    /**
     * {@link #driver()} for something that may leave state in the session or write (a statement other than a
     * classified read): from now on, statements outside transactions stay on the primary.
     */
    Connection pinnedDriver() throws SQLException {
        pinnedToPrimary = true;
        physical();
        return driver;
    }

    /** Called by the router: replays the recorded state onto {@code connection} and holds it. */
    @Override
    public void attach(Node target, Connection connection) throws SQLException {
        Connection beneath;
        try {
            beneath = connection.unwrap(Connection.class);
            SessionState.replay(this, target, connection, beneath);
        } catch (SQLException e) {
            if (SessionState.resetForNextBorrower(this, target, connection)) { // what the replay changed before it failed
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

    /**
     * Statement {@code s} is about to run {@code sql} (null: not known, or not a statement): with autocommit off, a
     * transaction is now active; where its BEGIN was deferred, it begins now unless this is a lone read.
     */
    void beforeExecute(StatementWrapper s, String sql) throws SQLException {
        executions++;
        if (autoCommitStale) {
            SessionState.syncAutoCommit(this);
        }
        if (!autoCommit) {
            if (beginDeferred) {
                Transactions.beforeDeferredStatement(this, s, sql);
            }
            transactionActive = true;
        } else if (!readOnly) {
            autoCommitWritePending = true; // its position is read once, when the connection is given up
        }
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

    /** The node serving now; null when no physical connection is held. */
    Node node() {
        return node;
    }

    /** Notes a connection error against the serving node, and returns {@code e} for the caller to throw. */
    SQLException onError(SQLException e) {
        Node n = node;
        return n == null ? e : onError(n, e);
    }

    SQLException onError(Node n, SQLException e) {
        return BrokenConnection.afterError(this, n, e);
    }

    void checkOpen() throws SQLException {
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
        Release.release(this);
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
        LogicalConnection side = ReadSide.of(this);
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

    // ---- the flags that decide routing and transactions ------------------------------------------------------

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
        if (physical != null && node.autoCommitFloats()) {
            // sent before the next statement if it still differs then (see Node.autoCommitFloats); at once when it
            // ends a transaction, which switching autocommit on commits
            this.autoCommit = autoCommit;
            autoCommitStale = true;
            if (autoCommit && transactionActive) {
                SessionState.syncAutoCommit(this);
                if (!readOnly) {
                    autoCommitWritePending = true;
                }
            }
        } else if (physical != null) {
            boolean wasDeferred = beginDeferred; // the server's connection is still in autocommit
            beginDeferred = !autoCommit && Transactions.deferBegin(this, node, physical);
            if (!wasDeferred && !beginDeferred) {
                try {
                    physical.setAutoCommit(autoCommit);
                } catch (SQLException e) {
                    throw onError(e);
                }
                if (autoCommit && transactionActive && !readOnly) {
                    autoCommitWritePending = true; // switching autocommit on committed the transaction
                }
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

    // ---- delegated: each JDBC method below is one line into the class that holds its concern ------------------

    // session state, recorded and replayed: SessionState
    @Override public void setTransactionIsolation(int level) throws SQLException {
        SessionState.setTransactionIsolation(this, level);
    }
    @Override public int getTransactionIsolation() throws SQLException { return SessionState.transactionIsolation(this); }
    @Override public void setCatalog(String catalog) throws SQLException { SessionState.setCatalog(this, catalog); }
    @Override public String getCatalog() throws SQLException { return SessionState.catalog(this); }
    @Override public void setSchema(String schema) throws SQLException { SessionState.setSchema(this, schema); }
    @Override public String getSchema() throws SQLException { return SessionState.schema(this); }
    @Override public void setHoldability(int holdability) throws SQLException { SessionState.setHoldability(this, holdability); }
    @Override public int getHoldability() throws SQLException { return SessionState.holdability(this); }
    @Override public void setNetworkTimeout(Executor executor, int milliseconds) throws SQLException {
        SessionState.setNetworkTimeout(this, executor, milliseconds);
    }
    @Override public int getNetworkTimeout() throws SQLException { return SessionState.networkTimeout(this); }
    @Override public void setClientInfo(String name, String value) throws SQLClientInfoException {
        SessionState.setClientInfo(this, name, value);
    }
    @Override public void setClientInfo(Properties properties) throws SQLClientInfoException {
        SessionState.setClientInfo(this, properties);
    }
    @Override public String getClientInfo(String name) throws SQLException { return SessionState.clientInfo(this, name); }
    @Override public Properties getClientInfo() throws SQLException { return SessionState.clientInfo(this); }
    @Override public Map<String, Class<?>> getTypeMap() throws SQLException { return SessionState.typeMap(this); }
    @Override public void setTypeMap(Map<String, Class<?>> map) throws SQLException { SessionState.setTypeMap(this, map); }
    @Override public SQLWarning getWarnings() throws SQLException { return SessionState.warnings(this); }
    @Override public void clearWarnings() throws SQLException { SessionState.clearWarnings(this); }

    // the commit path: Transactions
    @Override public void commit() throws SQLException { Transactions.commit(this); }
    @Override public void rollback() throws SQLException { Transactions.rollback(this); }
    @Override public Savepoint setSavepoint() throws SQLException { return Transactions.setSavepoint(this); }
    @Override public Savepoint setSavepoint(String name) throws SQLException { return Transactions.setSavepoint(this, name); }
    @Override public void rollback(Savepoint savepoint) throws SQLException {
        Transactions.savepointConnection(this).rollback(savepoint);
    }
    @Override public void releaseSavepoint(Savepoint savepoint) throws SQLException {
        Transactions.savepointConnection(this).releaseSavepoint(savepoint);
    }

    // the statements handed out, made and tracked: Statements
    @Override public Statement createStatement() throws SQLException { return Statements.create(this); }
    @Override public Statement createStatement(int resultSetType, int resultSetConcurrency) throws SQLException {
        return Statements.create(this, resultSetType, resultSetConcurrency);
    }
    @Override public Statement createStatement(int resultSetType, int resultSetConcurrency, int resultSetHoldability)
            throws SQLException {
        return Statements.create(this, resultSetType, resultSetConcurrency, resultSetHoldability);
    }
    @Override public PreparedStatement prepareStatement(String sql) throws SQLException { return Statements.prepare(this, sql); }
    @Override public PreparedStatement prepareStatement(String sql, int resultSetType, int resultSetConcurrency) throws SQLException {
        return Statements.prepare(this, sql, resultSetType, resultSetConcurrency);
    }
    @Override public PreparedStatement prepareStatement(String sql, int resultSetType, int resultSetConcurrency, int resultSetHoldability)
            throws SQLException {
        return Statements.prepare(this, sql, resultSetType, resultSetConcurrency, resultSetHoldability);
    }
    @Override public PreparedStatement prepareStatement(String sql, int autoGeneratedKeys) throws SQLException {
        return Statements.prepare(this, sql, autoGeneratedKeys);
    }
    @Override public PreparedStatement prepareStatement(String sql, int[] columnIndexes) throws SQLException {
        return Statements.prepare(this, sql, columnIndexes);
    }
    @Override public PreparedStatement prepareStatement(String sql, String[] columnNames) throws SQLException {
        return Statements.prepare(this, sql, columnNames);
    }
    @Override public CallableStatement prepareCall(String sql) throws SQLException { return Statements.call(this, sql); }
    @Override public CallableStatement prepareCall(String sql, int resultSetType, int resultSetConcurrency) throws SQLException {
        return Statements.call(this, sql, resultSetType, resultSetConcurrency);
    }
    @Override public CallableStatement prepareCall(String sql, int resultSetType, int resultSetConcurrency, int resultSetHoldability)
            throws SQLException {
        return Statements.call(this, sql, resultSetType, resultSetConcurrency, resultSetHoldability);
    }

    // ---- lifecycle -------------------------------------------------------------------------------------------

    @Override
    public void close() throws SQLException {
        if (closed) {
            return;
        }
        CLOSED.setRelease(this, true);
        LogicalConnection side = ReadSide.take(this);
        try {
            Release.release(this);
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
        LogicalConnection side = ReadSide.take(this);
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

    // ---- what leads back here ----------------------------------------------------------------------------------

    @Override
    public DatabaseMetaData getMetaData() throws SQLException {
        return new DatabaseMetaDataWrapper(this, physical().getMetaData());
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
        pinnedToPrimary = true; // the application may change the session behind our back
        Connection c = physical();
        if (beginDeferred) {
            Transactions.begin(this); // what it runs there must be inside the transaction
        }
        if (autoCommitStale) {
            SessionState.syncAutoCommit(this); // what it runs there must find the autocommit this connection has
        }
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
