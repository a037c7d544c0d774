package dev.replicaware.jdbc;

import dev.replicaware.jdbc.delegate.DelegatingResultSet;

import java.io.InputStream;
import java.io.Reader;
import java.math.BigDecimal;
import java.net.URL;
import java.sql.Array;
import java.sql.Blob;
import java.sql.Clob;
import java.sql.Date;
import java.sql.NClob;
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

/**
 * A result set handed out by a logical connection. {@link #getStatement()} answers the statement wrapper the
 * application holds (for a result set of the metadata, a wrapper of the driver's statement), never HikariCP's or the
 * driver's statement: closing the connection reached through it must close the logical connection, not return the
 * physical one to its pool while the logical connection still uses it. A result set read as a column value (a
 * PostgreSQL refcursor) is wrapped the same way. Everything else delegates to the driver's result set.
 */
final class ResultSetWrapper extends DelegatingResultSet {
    private final LogicalConnection connection;
    private Statement statement;

    /** @param statement the statement wrapper that made {@code delegate}; null for a result set of the metadata */
    ResultSetWrapper(LogicalConnection connection, Statement statement, ResultSet delegate) {
        super(delegate);
        this.connection = connection;
        this.statement = statement;
    }

    /** True when this wraps {@code rs}. */
    boolean wraps(ResultSet rs) {
        return delegate == rs;
    }

    /** A column's value; a result set is wrapped like this one. */
    private Object nested(Object value) {
        return value instanceof ResultSet rs && !(value instanceof ResultSetWrapper) ? new ResultSetWrapper(connection, statement, rs) : value;
    }

    @Override
    public String toString() {
        return "ResultSetWrapper[" + delegate + "]";
    }

@Override
    public boolean absolute(int row) throws SQLException {
        try {
            return delegate.absolute(row);
        } catch (SQLException e) {
            throw connection.onError(e);
        }
    }

    @Override
    public void close() throws SQLException {
        try {
            delegate.close();
        } catch (SQLException e) {
            throw connection.onError(e);
        }
    }

    @Override
    public boolean first() throws SQLException {
        try {
            return delegate.first();
        } catch (SQLException e) {
            throw connection.onError(e);
        }
    }

    @Override
    public <T> T getObject(String columnLabel, Class<T> type) throws SQLException {
        return type.cast(nested(delegate.getObject(columnLabel, type)));
    }

    @Override
    public Object getObject(String columnLabel, Map<String, Class<?>> map) throws SQLException {
        return nested(delegate.getObject(columnLabel, map));
    }

    @Override
    public Object getObject(String columnLabel) throws SQLException {
        return nested(delegate.getObject(columnLabel));
    }

    @Override
    public <T> T getObject(int columnIndex, Class<T> type) throws SQLException {
        return type.cast(nested(delegate.getObject(columnIndex, type)));
    }

    @Override
    public Object getObject(int columnIndex, Map<String, Class<?>> map) throws SQLException {
        return nested(delegate.getObject(columnIndex, map));
    }

    @Override
    public Object getObject(int columnIndex) throws SQLException {
        return nested(delegate.getObject(columnIndex));
    }

    /** The statement wrapper that made this result set; for one of the metadata, a wrapper of the driver's statement. */
    @Override
    public Statement getStatement() throws SQLException {
        Statement s = statement;
        if (s == null) {
            Statement physical = delegate.getStatement();
            if (physical == null) {
                return null; // JDBC: a result set of the metadata may have no statement
            }
            s = new StatementWrapper(connection, physical);
            statement = s;
        }
        return s;
    }

    @Override
    public boolean isClosed() throws SQLException {
        return delegate.isClosed();
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) throws SQLException {
        return iface.isInstance(this) || delegate.isWrapperFor(iface);
    }

    @Override
    public boolean last() throws SQLException {
        try {
            return delegate.last();
        } catch (SQLException e) {
            throw connection.onError(e);
        }
    }

    @Override
    public boolean next() throws SQLException {
        try {
            return delegate.next();
        } catch (SQLException e) {
            throw connection.onError(e); // the driver's result set: HikariCP's proxy no longer sees its failures
        }
    }

    @Override
    public boolean previous() throws SQLException {
        try {
            return delegate.previous();
        } catch (SQLException e) {
            throw connection.onError(e);
        }
    }

    @Override
    public boolean relative(int rows) throws SQLException {
        try {
            return delegate.relative(rows);
        } catch (SQLException e) {
            throw connection.onError(e);
        }
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        return iface.isInstance(this) ? iface.cast(this) : delegate.unwrap(iface);
    }

}
