package dev.replicaware.testkit.stub;

import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Statement;

/**
 * The one-row answer of every stub query: column 1 (any label) is the serving server, as its name from
 * {@code getString} and {@code getObject} or its id from {@code getInt} and {@code getLong}; its metadata says one
 * VARCHAR column labelled "server". Pre-built per statement
 * and reset for each execution, so a query allocates nothing.
 */
public final class StubResultSet extends UnsupportedResultSet {
    private final Statement statement;
    private final StubServer server;
    private int row;
    private boolean closed;

    StubResultSet(Statement statement, StubServer server) {
        this.statement = statement;
        this.server = server;
    }

    StubResultSet reset() {
        row = 0;
        closed = false;
        return this;
    }

    private void checkRow() throws SQLException {
        if (closed) {
            throw new SQLException("This stub result set is closed", "HY010");
        }
        if (row != 1) {
            throw new SQLException("The stub result set is not on its row; call next() first", "24000");
        }
    }

    @Override
    public boolean next() throws SQLException {
        if (closed) {
            throw new SQLException("This stub result set is closed", "HY010");
        }
        row++;
        return row == 1;
    }

    @Override
    public String getString(int index) throws SQLException {
        checkRow();
        return server.name();
    }

    @Override
    public String getString(String label) throws SQLException {
        return getString(1);
    }

    @Override
    public Object getObject(int index) throws SQLException {
        return getString(index);
    }

    @Override
    public Object getObject(String label) throws SQLException {
        return getString(1);
    }

    @Override
    public int getInt(int index) throws SQLException {
        checkRow();
        return server.id();
    }

    @Override
    public int getInt(String label) throws SQLException {
        return getInt(1);
    }

    @Override
    public long getLong(int index) throws SQLException {
        return getInt(index);
    }

    @Override
    public long getLong(String label) throws SQLException {
        return getInt(1);
    }

    /** Any label names column 1, the only one. */
    @Override
    public int findColumn(String label) throws SQLException {
        if (closed) {
            throw new SQLException("This stub result set is closed", "HY010");
        }
        return 1;
    }

    /** One VARCHAR column labelled "server" (shared, so this allocates nothing). */
    @Override
    public ResultSetMetaData getMetaData() throws SQLException {
        if (closed) {
            throw new SQLException("This stub result set is closed", "HY010");
        }
        return StubResultSetMetaData.QUERY;
    }

    @Override
    public boolean wasNull() {
        return false;
    }

    @Override
    public int getRow() {
        return row == 1 ? 1 : 0;
    }

    @Override
    public Statement getStatement() {
        return statement;
    }

    @Override
    public SQLWarning getWarnings() {
        return null;
    }

    @Override
    public void clearWarnings() {
        // no warnings to clear
    }

    @Override
    public void close() {
        closed = true;
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        if (iface.isInstance(this)) {
            return iface.cast(this);
        }
        throw new SQLException("A stub result set is not a wrapper for " + iface.getName());
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) {
        return iface.isInstance(this);
    }
}
