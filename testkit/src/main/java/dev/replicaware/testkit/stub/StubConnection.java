package dev.replicaware.testkit.stub;

import java.sql.CallableStatement;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.SQLClientInfoException;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLWarning;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Executor;

/**
 * A physical connection of the {@link StubDriver}. It keeps its state like a real one, records each state call made on
 * it ({@code "setReadOnly(true)"}, {@code "setAutoCommit(false)"}, {@code "commit"}...) in {@link #stateCalls()}, and
 * behaves like pgjdbc where it matters to routing: changing the read-only flag inside a transaction fails with SQLState 25001.
 */
public final class StubConnection extends UnsupportedConnection {
    private final StubServer server;
    private final String user;
    private final int generation;
    private final List<String> stateCalls = Collections.synchronizedList(new ArrayList<>());
    private final StubDatabaseMetaData metaData;
    private volatile boolean closed;
    private boolean readOnly;
    private boolean autoCommit = true;
    private boolean inTransaction;
    private int isolation = TRANSACTION_READ_COMMITTED;
    private String catalog = StubDatabaseMetaData.CATALOG;
    private String schema = StubDatabaseMetaData.SCHEMA;
    private int holdability = java.sql.ResultSet.CLOSE_CURSORS_AT_COMMIT;
    private int networkTimeout;
    private final Properties clientInfo = new Properties();
    private Map<String, Class<?>> typeMap = new HashMap<>();
    private volatile String lastSql;
    private int savepoints;

    StubConnection(StubServer server, String user, int generation) {
        this.server = server;
        this.user = user;
        this.generation = generation;
        this.metaData = new StubDatabaseMetaData(this);
    }

    /** The server this connection is connected to. */
    public StubServer server() {
        return server;
    }

    /** The user it logged in as, or {@code null}. */
    public String user() {
        return user;
    }

    /** The state calls made on this connection, oldest first, while its server records them. */
    public List<String> stateCalls() {
        synchronized (stateCalls) {
            return List.copyOf(stateCalls);
        }
    }

    public void clearStateCalls() {
        stateCalls.clear();
    }

    /** True while statements have run with autocommit off and no commit or rollback has ended them. */
    public boolean inTransaction() {
        return inTransaction;
    }

    /** The SQL of the last statement executed, or {@code null}. */
    public String lastSql() {
        return lastSql;
    }

    private void record(String call) {
        if (server.recordsStateCalls()) {
            stateCalls.add(call);
        }
    }

    /** {@code method(argument)}, built only while recording, so that a benchmark's cycle allocates no call log. */
    private void record(String method, Object argument) {
        if (server.recordsStateCalls()) {
            stateCalls.add(method + "(" + argument + ")");
        }
    }

    /** A server that broke its connections fails their next round trip with SQLState 08006. */
    private void checkNotBroken() throws SQLException {
        if (generation != server.generation()) {
            throw new SQLNonTransientConnectionException("Stub server '" + server.name() + "' broke this connection", "08006");
        }
    }

    void checkOpen() throws SQLException {
        if (closed) {
            throw new SQLNonTransientConnectionException("This stub connection to '" + server.name() + "' is closed", "08003");
        }
    }

    /** A statement is about to run on this connection. */
    void execute(String sql) throws SQLException {
        checkOpen();
        checkNotBroken();
        lastSql = sql;
        if (!autoCommit) {
            inTransaction = true;
        }
        server.served();
    }

    // ---- state -----------------------------------------------------------------------------------------------

    @Override
    public void setReadOnly(boolean readOnly) throws SQLException {
        checkOpen();
        if (inTransaction && readOnly != this.readOnly) {
            throw new SQLException("Cannot change transaction read-only property in the middle of a transaction.", "25001");
        }
        record("setReadOnly", readOnly);
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
        record("setAutoCommit", autoCommit);
        if (autoCommit && !this.autoCommit) {
            inTransaction = false;
        }
        this.autoCommit = autoCommit;
    }

    @Override
    public boolean getAutoCommit() throws SQLException {
        checkOpen();
        return autoCommit;
    }

    @Override
    public void commit() throws SQLException {
        checkOpen();
        if (autoCommit) {
            throw new SQLException("Cannot commit when autoCommit is enabled.", "25P01");
        }
        checkNotBroken();
        record("commit");
        inTransaction = false;
    }

    @Override
    public void rollback() throws SQLException {
        checkOpen();
        if (autoCommit) {
            throw new SQLException("Cannot rollback when autoCommit is enabled.", "25P01");
        }
        checkNotBroken();
        record("rollback");
        inTransaction = false;
    }

    @Override
    public void setTransactionIsolation(int level) throws SQLException {
        checkOpen();
        record("setTransactionIsolation", level);
        isolation = level;
    }

    @Override
    public int getTransactionIsolation() throws SQLException {
        checkOpen();
        return isolation;
    }

    @Override
    public void setCatalog(String catalog) throws SQLException {
        checkOpen();
        record("setCatalog", catalog);
        this.catalog = catalog;
    }

    @Override
    public String getCatalog() throws SQLException {
        checkOpen();
        return catalog;
    }

    @Override
    public void setSchema(String schema) throws SQLException {
        checkOpen();
        record("setSchema", schema);
        this.schema = schema;
    }

    @Override
    public String getSchema() throws SQLException {
        checkOpen();
        return schema;
    }

    @Override
    public void setHoldability(int holdability) throws SQLException {
        checkOpen();
        record("setHoldability", holdability);
        this.holdability = holdability;
    }

    @Override
    public int getHoldability() throws SQLException {
        checkOpen();
        return holdability;
    }

    @Override
    public void setNetworkTimeout(Executor executor, int milliseconds) throws SQLException {
        checkOpen();
        record("setNetworkTimeout", milliseconds);
        this.networkTimeout = milliseconds;
    }

    @Override
    public int getNetworkTimeout() throws SQLException {
        checkOpen();
        return networkTimeout;
    }

    @Override
    public void setClientInfo(String name, String value) throws SQLClientInfoException {
        record("setClientInfo", name + "=" + value);
        if (value == null) {
            clientInfo.remove(name);
        } else {
            clientInfo.setProperty(name, value);
        }
    }

    @Override
    public void setClientInfo(Properties properties) throws SQLClientInfoException {
        record("setClientInfo", new java.util.TreeMap<>(properties));
        clientInfo.clear();
        clientInfo.putAll(properties);
    }

    @Override
    public String getClientInfo(String name) throws SQLException {
        checkOpen();
        return clientInfo.getProperty(name);
    }

    @Override
    public Properties getClientInfo() throws SQLException {
        checkOpen();
        Properties copy = new Properties();
        copy.putAll(clientInfo);
        return copy;
    }

    @Override
    public Map<String, Class<?>> getTypeMap() throws SQLException {
        checkOpen();
        return typeMap;
    }

    @Override
    public void setTypeMap(Map<String, Class<?>> map) throws SQLException {
        checkOpen();
        typeMap = map;
    }

    @Override
    public SQLWarning getWarnings() throws SQLException {
        checkOpen();
        return null;
    }

    @Override
    public void clearWarnings() throws SQLException {
        checkOpen();
    }

    // ---- savepoints ------------------------------------------------------------------------------------------

    @Override
    public Savepoint setSavepoint() throws SQLException {
        return setSavepoint(null);
    }

    @Override
    public Savepoint setSavepoint(String name) throws SQLException {
        checkOpen();
        if (autoCommit) {
            throw new SQLException("Cannot establish a savepoint in auto-commit mode.", "25P01");
        }
        record("setSavepoint");
        inTransaction = true;
        int id = ++savepoints;
        return new Savepoint() {
            @Override
            public int getSavepointId() throws SQLException {
                if (name != null) {
                    throw new SQLException("Cannot retrieve the id of a named savepoint.");
                }
                return id;
            }

            @Override
            public String getSavepointName() throws SQLException {
                if (name == null) {
                    throw new SQLException("Cannot retrieve the name of an unnamed savepoint.");
                }
                return name;
            }
        };
    }

    @Override
    public void rollback(Savepoint savepoint) throws SQLException {
        checkOpen();
        record("rollback(savepoint)");
    }

    @Override
    public void releaseSavepoint(Savepoint savepoint) throws SQLException {
        checkOpen();
        record("releaseSavepoint");
    }

    // ---- statements ------------------------------------------------------------------------------------------

    @Override
    public Statement createStatement() throws SQLException {
        checkOpen();
        return new StubStatement(this, null);
    }

    @Override
    public Statement createStatement(int resultSetType, int resultSetConcurrency) throws SQLException {
        return createStatement();
    }

    @Override
    public Statement createStatement(int resultSetType, int resultSetConcurrency, int resultSetHoldability) throws SQLException {
        return createStatement();
    }

    @Override
    public PreparedStatement prepareStatement(String sql) throws SQLException {
        checkOpen();
        return new StubStatement(this, sql);
    }

    @Override
    public PreparedStatement prepareStatement(String sql, int resultSetType, int resultSetConcurrency) throws SQLException {
        return prepareStatement(sql);
    }

    @Override
    public PreparedStatement prepareStatement(String sql, int resultSetType, int resultSetConcurrency, int resultSetHoldability)
            throws SQLException {
        return prepareStatement(sql);
    }

    @Override
    public PreparedStatement prepareStatement(String sql, int autoGeneratedKeys) throws SQLException {
        return prepareStatement(sql);
    }

    @Override
    public PreparedStatement prepareStatement(String sql, int[] columnIndexes) throws SQLException {
        return prepareStatement(sql);
    }

    @Override
    public PreparedStatement prepareStatement(String sql, String[] columnNames) throws SQLException {
        return prepareStatement(sql);
    }

    @Override
    public CallableStatement prepareCall(String sql) throws SQLException {
        checkOpen();
        return new StubStatement(this, sql);
    }

    @Override
    public CallableStatement prepareCall(String sql, int resultSetType, int resultSetConcurrency) throws SQLException {
        return prepareCall(sql);
    }

    @Override
    public CallableStatement prepareCall(String sql, int resultSetType, int resultSetConcurrency, int resultSetHoldability)
            throws SQLException {
        return prepareCall(sql);
    }

    @Override
    public String nativeSQL(String sql) throws SQLException {
        checkOpen();
        return sql;
    }

    @Override
    public DatabaseMetaData getMetaData() throws SQLException {
        checkOpen();
        return metaData;
    }

    // ---- lifecycle -------------------------------------------------------------------------------------------

    @Override
    public void close() {
        closed = true;
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    @Override
    public boolean isValid(int timeout) throws SQLException {
        if (timeout < 0) {
            throw new SQLException("timeout must not be negative");
        }
        return !closed && generation == server.generation();
    }

    @Override
    public void abort(Executor executor) {
        record("abort");
        closed = true;
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        if (iface.isInstance(this)) {
            return iface.cast(this);
        }
        throw new SQLException("A stub connection is not a wrapper for " + iface.getName());
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) {
        return iface.isInstance(this);
    }

    @Override
    public String toString() {
        return "StubConnection[" + server.name() + (closed ? ", closed" : "") + "]";
    }
}
