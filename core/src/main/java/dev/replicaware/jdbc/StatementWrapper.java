package dev.replicaware.jdbc;

import dev.replicaware.jdbc.delegate.DelegatingStatement;

import java.io.InputStream;
import java.io.Reader;
import java.math.BigDecimal;
import java.net.URL;
import java.sql.Array;
import java.sql.Blob;
import java.sql.CallableStatement;
import java.sql.Clob;
import java.sql.Connection;
import java.sql.Date;
import java.sql.NClob;
import java.sql.ParameterMetaData;
import java.sql.PreparedStatement;
import java.sql.Ref;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.RowId;
import java.sql.SQLException;
import java.sql.SQLType;
import java.sql.SQLWarning;
import java.sql.SQLXML;
import java.sql.Statement;
import java.sql.Time;
import java.sql.Timestamp;
import java.util.Calendar;
import java.util.Map;
import dev.replicaware.topology.Node;

/**
 * A statement handed out by a logical connection: {@link #getConnection()} answers the logical connection, executing
 * marks the transaction active when autocommit is off, and a connection error marks the serving node failed. The rest
 * delegates to the driver's statement. Result sets are wrapped ({@link ResultSetWrapper}) so that they lead back here.
 *
 * <p>The first query of a read-only transaction on a replica is retried once, on another node, when the replica fails
 * with a connection error before answering: nothing was returned to the application, and nothing was written, so
 * running it elsewhere is the same as having routed it there. Such a statement remembers how it was made and the
 * settings and parameters given to it; anything it cannot replay (a stream, a LOB, a batch) turns the retry off.
 * Writes are never retried.
 */
class StatementWrapper extends DelegatingStatement {
    // Slots of the calls a statement remembers: one per setting (the last call wins), then one per parameter index.
    static final int CLOSE_ON_COMPLETION = 0;
    static final int CURSOR_NAME = 1;
    static final int ESCAPE_PROCESSING = 2;
    static final int FETCH_DIRECTION = 3;
    static final int FETCH_SIZE = 4;
    static final int MAX_ROWS = 5; // setMaxRows and setLargeMaxRows set the same limit
    static final int MAX_FIELD_SIZE = 6;
    static final int POOLABLE = 7;
    static final int QUERY_TIMEOUT = 8;
    private static final int SETTINGS = 9;

    /**
     * The logical connection serving this statement: the one it was made on, or, for a read that follows the
     * connection's state ({@link #followState}), the owner or its replica side, whichever served its last run.
     */
    LogicalConnection connection;
    private StatementFactory factory;
    private final String sql; // what a prepared statement was prepared with, for a retry; null for a plain one
    /**
     * The attachment of {@code connection} this statement was made on; stored complemented ({@code ~generation},
     * negative) for a read that follows the connection's state ({@link #followState}), so that such a read takes the
     * slow path of {@link #beforeExecute} with no field of its own and no extra test for the others.
     */
    private int generation;
    private Node madeOn;
    private SqlAction[] replay; // by slot, see above; null until a call is remembered
    private ResultSetWrapper current; // the result set last handed out

    StatementWrapper(LogicalConnection connection, Statement delegate) {
        this(connection, delegate, null, null);
    }

    /**
     * @param factory how to make this statement again on another connection; null: never retried
     * @param sql     the SQL a prepared statement was made with, handed to the factory (so that the common factories
     *                capture nothing and cost no allocation)
     */
    StatementWrapper(LogicalConnection connection, Statement delegate, StatementFactory factory, String sql) {
        super(delegate);
        this.connection = connection;
        this.factory = factory;
        this.sql = sql;
        this.generation = connection.generation();
        this.madeOn = connection.node();
    }

    /**
     * This statement is a classified read made on {@code connection}'s replica side: from now on each run is routed
     * by the owner's state then ({@link ReadSide#forExecution}).
     */
    final void followState() {
        generation = ~generation;
    }

    /** True for a read that follows the connection's state: it remembers all its calls, not only its first run's. */
    private boolean followsState() {
        return generation < 0;
    }

    /** The attachment this statement was made on. */
    private int madeAt() {
        int g = generation;
        return g < 0 ? ~g : g;
    }

    /** This statement is now on attachment {@code g} of {@code connection}. */
    private void madeAt(int g) {
        generation = followsState() ? ~g : g;
    }

    /** Makes a statement of the same kind on a connection. */
    @FunctionalInterface
    interface StatementFactory {
        Statement create(Connection connection, String sql) throws SQLException;
    }

    /**
     * The result set of an {@code executeQuery}, wrapped so that its {@code getStatement()} answers this statement and
     * not the driver's. A new wrapper each time, kept nowhere: the common {@code try (ResultSet rs = ps.executeQuery())}
     * then lets the JIT remove the allocation (as HikariCP's own result-set proxy is removed), which a wrapper kept for
     * {@link #getResultSet()} prevents.
     */
    final ResultSet wrapQueryResult(ResultSet rs) {
        return rs == null ? null : new ResultSetWrapper(connection, this, rs);
    }

    /**
     * {@code rs} as the application may see it: wrapped, so that its {@code getStatement()} answers this statement
     * and not the driver's; the same wrapper again while the driver answers the same result set.
     */
    final ResultSet wrap(ResultSet rs) {
        if (rs == null) {
            return null;
        }
        ResultSetWrapper c = current;
        if (c == null || !c.wraps(rs)) {
            c = new ResultSetWrapper(connection, this, rs);
            current = c;
        }
        return c;
    }

    /** A call to replay on the new statement. */
    @FunctionalInterface
    interface SqlAction {
        void apply(Statement statement) throws SQLException;
    }

    /**
     * True while calls must be remembered for a retry; callers test it before building the action. Only a statement's
     * first run on its connection can be retried ({@link Statements#retryRead}): once anything has run there,
     * what was remembered is dropped, so a statement reused many times does not keep every parameter it was given.
     */
    final boolean remembering() {
        if (factory == null) {
            return false;
        }
        if (followsState() || connection.nothingRunSince(generation)) {
            return true;
        }
        forgetRetry();
        return false;
    }

    /** How many calls are kept for replay; for tests. */
    final int rememberedCalls() {
        int n = 0;
        if (replay != null) {
            for (SqlAction a : replay) {
                n += a == null ? 0 : 1;
            }
        }
        return n;
    }

    /** Remembers a setting's call ({@link #FETCH_SIZE}...): it replaces the one before. */
    final void remember(int slot, SqlAction action) {
        SqlAction[] r = replay;
        if (r == null) {
            r = new SqlAction[SETTINGS + 4];
            replay = r;
        } else if (slot >= r.length) {
            r = java.util.Arrays.copyOf(r, Math.max(slot + 1, r.length * 2));
            replay = r;
        }
        r[slot] = action;
    }

    /** Remembers the call that set parameter {@code index} (the driver accepted it, so it is 1 or more). */
    final void rememberParameter(int index, SqlAction action) {
        remember(SETTINGS - 1 + index, action);
    }

    /** clearParameters: the parameters remembered so far are no longer set. */
    final void forgetParameters() {
        SqlAction[] r = replay;
        if (r != null) {
            java.util.Arrays.fill(r, SETTINGS, r.length, null);
        }
    }

    /** Replays the remembered calls onto {@code next}: settings, then parameters by index. */
    private void replayOnto(Statement next) throws SQLException {
        SqlAction[] r = replay;
        if (r != null) {
            for (SqlAction a : r) {
                if (a != null) {
                    a.apply(next);
                }
            }
        }
    }

    /** Something that cannot be replayed was done: this statement is no longer retried. */
    final void forgetRetry() {
        factory = null;
        replay = null;
    }

    /**
     * After {@code failure} (already passed through {@code connection.onError}): moves this statement to a freshly
     * routed connection and replays its settings, if the connection allows a retry now. True when it did.
     */
    final boolean moveForRetry(SQLException failure) throws SQLException {
        if (factory == null) {
            return false;
        }
        Connection fresh = Statements.retryRead(connection, madeAt(), failure);
        if (fresh == null) {
            return false;
        }
        Statement next = factory.create(fresh, sql);
        replayOnto(next);
        replaceDelegate(next);
        madeAt(connection.generation());
        madeOn = connection.node();
        if (!followsState()) {
            factory = null; // one retry (Statements.retryRead allows one anyway); a following read keeps it to move
        }
        return true;
    }

    /**
     * A retryable statement's first run failed with {@code failed}: notes the failure against the node, then moves this
     * statement for its one retry, or throws. Callers catch the failure into a local and call this in an {@code if}
     * after the {@code try}, not in the handler: the JIT compiles a branch never taken as a trap, but a handler in
     * full, and a call there that takes this wrapper would keep it (and the result-set wrapper) from being
     * scalar-replaced on every run.
     */
    final void retryAfter(SQLException failed) throws SQLException {
        SQLException failure = connection.onError(failed);
        if (!moveForRetry(failure)) {
            throw failure;
        }
        beforeExecute();
    }

    /**
     * A statement is about to run. One made on a physical connection the logical connection has given up since (a read
     * retry moved the transaction to another node, or a change of the read-only flag released it) would run on a closed
     * connection, and its failure would be charged to the node serving now: it is made again on the current connection,
     * with its settings and parameters, or, when it cannot be, fails naming both nodes.
     */
    final void beforeExecute() throws SQLException {
        beforeExecute(sql);
    }

    /** {@link #beforeExecute()} for a statement about to run {@code runs}, given when it runs (a plain statement). */
    final void beforeExecute(String runs) throws SQLException {
        if (generation != connection.generation()) { // always, for a read that follows the connection's state
            if (followsState()) {
                follow();
            } else {
                remake();
            }
        }
        connection.beforeExecute(this, runs);
    }

    /**
     * A read made on the replica side runs where the owner's state says now: on the replica side outside transactions
     * until the owner runs anything else on the primary, otherwise on the owner (inside its transaction, or on the
     * primary that has its writes). A few field reads when it stays; made again, with its calls, when it moves.
     */
    private void follow() throws SQLException {
        LogicalConnection target = ReadSide.forExecution(ReadSide.owner(connection));
        if (target != connection) {
            moveTo(target);
        } else if (madeAt() != connection.generation()) {
            remake();
        }
    }

    private void moveTo(LogicalConnection target) throws SQLException {
        if (factory == null) {
            Node n = target.node();
            throw new SQLException("A read of cluster '" + target.router.cluster() + "' prepared outside a transaction"
                    + " ran on the replica side (node '" + (madeOn == null ? "none" : madeOn.name()) + "'); the"
                    + " connection is now in a transaction or has written, so it must run on " + (n == null
                    ? "the primary" : "node '" + n.name() + "'") + ", where it cannot be made again (it was given a"
                    + " stream, a LOB or a batch): prepare the statement again from the connection", "25000");
        }
        Connection d = target.driver();
        Statement next;
        try {
            next = factory.create(d, sql);
        } catch (SQLException e) {
            throw target.onError(e);
        }
        try {
            replayOnto(next);
        } catch (SQLException e) {
            next.close();
            throw target.onError(e);
        }
        OpenStatements.remove(connection, delegate);
        connection = target;
        replaceDelegate(next); // tracks it on target and closes the statement of the side it leaves
        madeAt(target.generation());
        madeOn = target.node();
    }

    private void remake() throws SQLException {
        Connection current = connection.driver();
        Node now = connection.node();
        if (factory == null) {
            throw new SQLException("A statement of cluster '" + madeOn.cluster() + "' was made on node '" + madeOn.name()
                    + "', whose connection this logical connection has given up since (a read retry moved it, or the"
                    + " read-only flag changed); it now runs on node '" + now.name() + "', where this statement cannot"
                    + " be made again (it was given a stream, a LOB or a batch, or made for generated keys or as a call):"
                    + " make the statement again from the connection", "08003");
        }
        Statement next = factory.create(current, sql);
        replayOnto(next);
        replaceDelegate(next);
        madeAt(connection.generation());
        madeOn = now;
    }

    void replaceDelegate(Statement next) {
        Statement old = delegate;
        delegate = next;
        OpenStatements.remove(connection, old);
        OpenStatements.add(connection, next); // made on the connection's current physical connection
        try {
            old.close();
        } catch (SQLException ignored) {
            // it belonged to the connection that just failed
        }
    }

    @Override
    public final Connection getConnection() {
        return ReadSide.owner(connection);
    }

    @Override
    public final void close() throws SQLException {
        OpenStatements.remove(connection, delegate);
        try {
            delegate.close();
        } catch (SQLException e) {
            throw connection.onError(e);
        }
    }

    /** The driver's statement beneath, for {@link OpenStatements}. */
    final Statement delegateStatement() {
        return delegate;
    }

    @Override
    public final boolean isClosed() throws SQLException {
        return delegate.isClosed();
    }

    @Override
    public final <T> T unwrap(Class<T> iface) throws SQLException {
        return iface.isInstance(this) ? iface.cast(this) : delegate.unwrap(iface);
    }

    @Override
    public final boolean isWrapperFor(Class<?> iface) throws SQLException {
        return iface.isInstance(this) || delegate.isWrapperFor(iface);
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + delegate + "]";
    }

    @Override
    public void addBatch(String sql) throws SQLException {
        forgetRetry();
        delegate.addBatch(sql);
    }

    @Override
    public void closeOnCompletion() throws SQLException {
        delegate.closeOnCompletion();
        if (remembering()) {
            remember(CLOSE_ON_COMPLETION, Statement::closeOnCompletion);
        }
    }

    @Override
    public boolean execute(String sql, int[] columnIndexes) throws SQLException {
        beforeExecute();
        try {
            return delegate.execute(sql, columnIndexes);
        } catch (SQLException e) {
            throw connection.onError(e);
        }
    }

    @Override
    public boolean execute(String sql, String[] columnNames) throws SQLException {
        beforeExecute();
        try {
            return delegate.execute(sql, columnNames);
        } catch (SQLException e) {
            throw connection.onError(e);
        }
    }

    @Override
    public boolean execute(String sql, int autoGeneratedKeys) throws SQLException {
        beforeExecute();
        try {
            return delegate.execute(sql, autoGeneratedKeys);
        } catch (SQLException e) {
            throw connection.onError(e);
        }
    }

    @Override
    public boolean execute(String sql) throws SQLException {
        beforeExecute(sql);
        boolean result = false;
        SQLException failed = null;
        try {
            result = delegate.execute(sql);
        } catch (SQLException e) {
            failed = e; // handled below, in a branch: see retryAfter
        }
        if (failed != null) {
            retryAfter(failed);
            try {
                result = delegate.execute(sql);
            } catch (SQLException e) {
                throw connection.onError(e);
            }
        }
        return result;
    }

    @Override
    public int[] executeBatch() throws SQLException {
        beforeExecute();
        try {
            return delegate.executeBatch();
        } catch (SQLException e) {
            throw connection.onError(e);
        }
    }

    @Override
    public long[] executeLargeBatch() throws SQLException {
        beforeExecute();
        try {
            return delegate.executeLargeBatch();
        } catch (SQLException e) {
            throw connection.onError(e);
        }
    }

    @Override
    public long executeLargeUpdate(String sql, int[] columnIndexes) throws SQLException {
        beforeExecute();
        try {
            return delegate.executeLargeUpdate(sql, columnIndexes);
        } catch (SQLException e) {
            throw connection.onError(e);
        }
    }

    @Override
    public long executeLargeUpdate(String sql, String[] columnNames) throws SQLException {
        beforeExecute();
        try {
            return delegate.executeLargeUpdate(sql, columnNames);
        } catch (SQLException e) {
            throw connection.onError(e);
        }
    }

    @Override
    public long executeLargeUpdate(String sql, int autoGeneratedKeys) throws SQLException {
        beforeExecute();
        try {
            return delegate.executeLargeUpdate(sql, autoGeneratedKeys);
        } catch (SQLException e) {
            throw connection.onError(e);
        }
    }

    @Override
    public long executeLargeUpdate(String sql) throws SQLException {
        beforeExecute();
        try {
            return delegate.executeLargeUpdate(sql);
        } catch (SQLException e) {
            throw connection.onError(e);
        }
    }

    @Override
    public ResultSet executeQuery(String sql) throws SQLException {
        beforeExecute(sql);
        ResultSet rs = null;
        SQLException failed = null;
        try {
            rs = delegate.executeQuery(sql);
        } catch (SQLException e) {
            failed = e; // handled below, in a branch: see retryAfter
        }
        if (failed != null) {
            retryAfter(failed);
            try {
                rs = delegate.executeQuery(sql);
            } catch (SQLException e) {
                throw connection.onError(e);
            }
        }
        return wrapQueryResult(rs);
    }

    @Override
    public int executeUpdate(String sql, int[] columnIndexes) throws SQLException {
        beforeExecute();
        try {
            return delegate.executeUpdate(sql, columnIndexes);
        } catch (SQLException e) {
            throw connection.onError(e);
        }
    }

    @Override
    public int executeUpdate(String sql, String[] columnNames) throws SQLException {
        beforeExecute();
        try {
            return delegate.executeUpdate(sql, columnNames);
        } catch (SQLException e) {
            throw connection.onError(e);
        }
    }

    @Override
    public int executeUpdate(String sql, int autoGeneratedKeys) throws SQLException {
        beforeExecute();
        try {
            return delegate.executeUpdate(sql, autoGeneratedKeys);
        } catch (SQLException e) {
            throw connection.onError(e);
        }
    }

    @Override
    public int executeUpdate(String sql) throws SQLException {
        beforeExecute();
        try {
            return delegate.executeUpdate(sql);
        } catch (SQLException e) {
            throw connection.onError(e);
        }
    }

    @Override
    public ResultSet getGeneratedKeys() throws SQLException {
        return wrap(delegate.getGeneratedKeys());
    }

    @Override
    public boolean getMoreResults() throws SQLException {
        try {
            return delegate.getMoreResults();
        } catch (SQLException e) {
            throw connection.onError(e);
        }
    }

    @Override
    public boolean getMoreResults(int current) throws SQLException {
        try {
            return delegate.getMoreResults(current);
        } catch (SQLException e) {
            throw connection.onError(e);
        }
    }

    @Override
    public ResultSet getResultSet() throws SQLException {
        return wrap(delegate.getResultSet());
    }

    @Override
    public void setCursorName(String name) throws SQLException {
        delegate.setCursorName(name);
        if (remembering()) {
            remember(CURSOR_NAME, st -> st.setCursorName(name));
        }
    }

    @Override
    public void setEscapeProcessing(boolean escapeProcessing) throws SQLException {
        delegate.setEscapeProcessing(escapeProcessing);
        if (remembering()) {
            remember(ESCAPE_PROCESSING, st -> st.setEscapeProcessing(escapeProcessing));
        }
    }

    @Override
    public void setFetchDirection(int fetchDirection) throws SQLException {
        delegate.setFetchDirection(fetchDirection);
        if (remembering()) {
            remember(FETCH_DIRECTION, st -> st.setFetchDirection(fetchDirection));
        }
    }

    @Override
    public void setFetchSize(int fetchSize) throws SQLException {
        delegate.setFetchSize(fetchSize);
        if (remembering()) {
            remember(FETCH_SIZE, st -> st.setFetchSize(fetchSize));
        }
    }

    @Override
    public void setLargeMaxRows(long largeMaxRows) throws SQLException {
        delegate.setLargeMaxRows(largeMaxRows);
        if (remembering()) {
            remember(MAX_ROWS, st -> st.setLargeMaxRows(largeMaxRows));
        }
    }

    @Override
    public void setMaxFieldSize(int maxFieldSize) throws SQLException {
        delegate.setMaxFieldSize(maxFieldSize);
        if (remembering()) {
            remember(MAX_FIELD_SIZE, st -> st.setMaxFieldSize(maxFieldSize));
        }
    }

    @Override
    public void setMaxRows(int maxRows) throws SQLException {
        delegate.setMaxRows(maxRows);
        if (remembering()) {
            remember(MAX_ROWS, st -> st.setMaxRows(maxRows));
        }
    }

    @Override
    public void setPoolable(boolean poolable) throws SQLException {
        delegate.setPoolable(poolable);
        if (remembering()) {
            remember(POOLABLE, st -> st.setPoolable(poolable));
        }
    }

    @Override
    public void setQueryTimeout(int queryTimeout) throws SQLException {
        delegate.setQueryTimeout(queryTimeout);
        if (remembering()) {
            remember(QUERY_TIMEOUT, st -> st.setQueryTimeout(queryTimeout));
        }
    }

}
