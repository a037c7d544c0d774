package dev.replicaware.jdbc;

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

/** A prepared statement of a logical connection; see {@link StatementWrapper}. */
class PreparedStatementWrapper extends StatementWrapper implements PreparedStatement {
    private PreparedStatement delegate;

    PreparedStatementWrapper(LogicalConnection connection, PreparedStatement delegate) {
        this(connection, delegate, null, null);
    }

    PreparedStatementWrapper(LogicalConnection connection, PreparedStatement delegate, StatementFactory factory, String sql) {
        super(connection, delegate, factory, sql);
        this.delegate = delegate;
    }

    @Override
    void replaceDelegate(java.sql.Statement next) {
        super.replaceDelegate(next);
        this.delegate = (PreparedStatement) next;
    }

    @Override
    public void addBatch() throws SQLException {
        forgetRetry();
        delegate.addBatch();
    }

    @Override
    public void clearParameters() throws SQLException {
        delegate.clearParameters();
        forgetParameters();
    }

    @Override
    public boolean execute() throws SQLException {
        beforeExecute();
        boolean result = false;
        SQLException failed = null;
        try {
            result = delegate.execute();
        } catch (SQLException e) {
            failed = e; // handled below, in a branch: see retryAfter
        }
        if (failed != null) {
            retryAfter(failed);
            try {
                result = delegate.execute();
            } catch (SQLException e) {
                throw connection.onError(e);
            }
        }
        return result;
    }

    @Override
    public long executeLargeUpdate() throws SQLException {
        beforeExecute();
        try {
            return delegate.executeLargeUpdate();
        } catch (SQLException e) {
            throw connection.onError(e);
        }
    }

    @Override
    public ResultSet executeQuery() throws SQLException {
        beforeExecute();
        ResultSet rs = null;
        SQLException failed = null;
        try {
            rs = delegate.executeQuery();
        } catch (SQLException e) {
            failed = e; // handled below, in a branch: see retryAfter
        }
        if (failed != null) {
            retryAfter(failed);
            try {
                rs = delegate.executeQuery();
            } catch (SQLException e) {
                throw connection.onError(e);
            }
        }
        return wrapQueryResult(rs);
    }

    @Override
    public int executeUpdate() throws SQLException {
        beforeExecute();
        try {
            return delegate.executeUpdate();
        } catch (SQLException e) {
            throw connection.onError(e);
        }
    }

    @Override
    public ResultSetMetaData getMetaData() throws SQLException {
        return delegate.getMetaData();
    }

    @Override
    public ParameterMetaData getParameterMetaData() throws SQLException {
        return delegate.getParameterMetaData();
    }

    @Override
    public void setArray(int index, Array x) throws SQLException {
        forgetRetry();
        delegate.setArray(index, x);
    }

    @Override
    public void setAsciiStream(int index, InputStream x, int length) throws SQLException {
        forgetRetry();
        delegate.setAsciiStream(index, x, length);
    }

    @Override
    public void setAsciiStream(int index, InputStream x, long length) throws SQLException {
        forgetRetry();
        delegate.setAsciiStream(index, x, length);
    }

    @Override
    public void setAsciiStream(int index, InputStream x) throws SQLException {
        forgetRetry();
        delegate.setAsciiStream(index, x);
    }

    @Override
    public void setBigDecimal(int index, BigDecimal x) throws SQLException {
        delegate.setBigDecimal(index, x);
        if (remembering()) {
            rememberParameter(index, st -> ((PreparedStatement) st).setBigDecimal(index, x));
        }
    }

    @Override
    public void setBinaryStream(int index, InputStream x, int length) throws SQLException {
        forgetRetry();
        delegate.setBinaryStream(index, x, length);
    }

    @Override
    public void setBinaryStream(int index, InputStream x, long length) throws SQLException {
        forgetRetry();
        delegate.setBinaryStream(index, x, length);
    }

    @Override
    public void setBinaryStream(int index, InputStream x) throws SQLException {
        forgetRetry();
        delegate.setBinaryStream(index, x);
    }

    @Override
    public void setBlob(int index, InputStream x, long length) throws SQLException {
        forgetRetry();
        delegate.setBlob(index, x, length);
    }

    @Override
    public void setBlob(int index, InputStream x) throws SQLException {
        forgetRetry();
        delegate.setBlob(index, x);
    }

    @Override
    public void setBlob(int index, Blob x) throws SQLException {
        forgetRetry();
        delegate.setBlob(index, x);
    }

    @Override
    public void setBoolean(int index, boolean x) throws SQLException {
        delegate.setBoolean(index, x);
        if (remembering()) {
            rememberParameter(index, st -> ((PreparedStatement) st).setBoolean(index, x));
        }
    }

    @Override
    public void setByte(int index, byte x) throws SQLException {
        delegate.setByte(index, x);
        if (remembering()) {
            rememberParameter(index, st -> ((PreparedStatement) st).setByte(index, x));
        }
    }

    @Override
    public void setBytes(int index, byte[] x) throws SQLException {
        delegate.setBytes(index, x);
        if (remembering()) {
            rememberParameter(index, st -> ((PreparedStatement) st).setBytes(index, x));
        }
    }

    @Override
    public void setCharacterStream(int index, Reader x, int length) throws SQLException {
        forgetRetry();
        delegate.setCharacterStream(index, x, length);
    }

    @Override
    public void setCharacterStream(int index, Reader x, long length) throws SQLException {
        forgetRetry();
        delegate.setCharacterStream(index, x, length);
    }

    @Override
    public void setCharacterStream(int index, Reader x) throws SQLException {
        forgetRetry();
        delegate.setCharacterStream(index, x);
    }

    @Override
    public void setClob(int index, Reader x, long length) throws SQLException {
        forgetRetry();
        delegate.setClob(index, x, length);
    }

    @Override
    public void setClob(int index, Reader x) throws SQLException {
        forgetRetry();
        delegate.setClob(index, x);
    }

    @Override
    public void setClob(int index, Clob x) throws SQLException {
        forgetRetry();
        delegate.setClob(index, x);
    }

    @Override
    public void setDate(int index, Date x, Calendar cal) throws SQLException {
        delegate.setDate(index, x, cal);
        if (remembering()) {
            rememberParameter(index, st -> ((PreparedStatement) st).setDate(index, x, cal));
        }
    }

    @Override
    public void setDate(int index, Date x) throws SQLException {
        delegate.setDate(index, x);
        if (remembering()) {
            rememberParameter(index, st -> ((PreparedStatement) st).setDate(index, x));
        }
    }

    @Override
    public void setDouble(int index, double x) throws SQLException {
        delegate.setDouble(index, x);
        if (remembering()) {
            rememberParameter(index, st -> ((PreparedStatement) st).setDouble(index, x));
        }
    }

    @Override
    public void setFloat(int index, float x) throws SQLException {
        delegate.setFloat(index, x);
        if (remembering()) {
            rememberParameter(index, st -> ((PreparedStatement) st).setFloat(index, x));
        }
    }

    @Override
    public void setInt(int index, int x) throws SQLException {
        delegate.setInt(index, x);
        if (remembering()) {
            rememberParameter(index, st -> ((PreparedStatement) st).setInt(index, x));
        }
    }

    @Override
    public void setLong(int index, long x) throws SQLException {
        delegate.setLong(index, x);
        if (remembering()) {
            rememberParameter(index, st -> ((PreparedStatement) st).setLong(index, x));
        }
    }

    @Override
    public void setNCharacterStream(int index, Reader x, long length) throws SQLException {
        forgetRetry();
        delegate.setNCharacterStream(index, x, length);
    }

    @Override
    public void setNCharacterStream(int index, Reader x) throws SQLException {
        forgetRetry();
        delegate.setNCharacterStream(index, x);
    }

    @Override
    public void setNClob(int index, Reader x, long length) throws SQLException {
        forgetRetry();
        delegate.setNClob(index, x, length);
    }

    @Override
    public void setNClob(int index, Reader x) throws SQLException {
        forgetRetry();
        delegate.setNClob(index, x);
    }

    @Override
    public void setNClob(int index, NClob x) throws SQLException {
        forgetRetry();
        delegate.setNClob(index, x);
    }

    @Override
    public void setNString(int index, String x) throws SQLException {
        delegate.setNString(index, x);
        if (remembering()) {
            rememberParameter(index, st -> ((PreparedStatement) st).setNString(index, x));
        }
    }

    @Override
    public void setNull(int index, int sqlType, String typeName) throws SQLException {
        delegate.setNull(index, sqlType, typeName);
        if (remembering()) {
            rememberParameter(index, st -> ((PreparedStatement) st).setNull(index, sqlType, typeName));
        }
    }

    @Override
    public void setNull(int index, int x) throws SQLException {
        delegate.setNull(index, x);
        if (remembering()) {
            rememberParameter(index, st -> ((PreparedStatement) st).setNull(index, x));
        }
    }

    @Override
    public void setObject(int index, Object x, int targetSqlType, int scaleOrLength) throws SQLException {
        delegate.setObject(index, x, targetSqlType, scaleOrLength);
        if (remembering()) {
            rememberParameter(index, st -> ((PreparedStatement) st).setObject(index, x, targetSqlType, scaleOrLength));
        }
    }

    @Override
    public void setObject(int index, Object x, int targetSqlType) throws SQLException {
        delegate.setObject(index, x, targetSqlType);
        if (remembering()) {
            rememberParameter(index, st -> ((PreparedStatement) st).setObject(index, x, targetSqlType));
        }
    }

    @Override
    public void setObject(int index, Object x, SQLType targetSqlType, int scaleOrLength) throws SQLException {
        delegate.setObject(index, x, targetSqlType, scaleOrLength);
        if (remembering()) {
            rememberParameter(index, st -> ((PreparedStatement) st).setObject(index, x, targetSqlType, scaleOrLength));
        }
    }

    @Override
    public void setObject(int index, Object x, SQLType targetSqlType) throws SQLException {
        delegate.setObject(index, x, targetSqlType);
        if (remembering()) {
            rememberParameter(index, st -> ((PreparedStatement) st).setObject(index, x, targetSqlType));
        }
    }

    @Override
    public void setObject(int index, Object x) throws SQLException {
        delegate.setObject(index, x);
        if (remembering()) {
            rememberParameter(index, st -> ((PreparedStatement) st).setObject(index, x));
        }
    }

    @Override
    public void setRef(int index, Ref x) throws SQLException {
        forgetRetry();
        delegate.setRef(index, x);
    }

    @Override
    public void setRowId(int index, RowId x) throws SQLException {
        forgetRetry();
        delegate.setRowId(index, x);
    }

    @Override
    public void setSQLXML(int index, SQLXML x) throws SQLException {
        forgetRetry();
        delegate.setSQLXML(index, x);
    }

    @Override
    public void setShort(int index, short x) throws SQLException {
        delegate.setShort(index, x);
        if (remembering()) {
            rememberParameter(index, st -> ((PreparedStatement) st).setShort(index, x));
        }
    }

    @Override
    public void setString(int index, String x) throws SQLException {
        delegate.setString(index, x);
        if (remembering()) {
            rememberParameter(index, st -> ((PreparedStatement) st).setString(index, x));
        }
    }

    @Override
    public void setTime(int index, Time x, Calendar cal) throws SQLException {
        delegate.setTime(index, x, cal);
        if (remembering()) {
            rememberParameter(index, st -> ((PreparedStatement) st).setTime(index, x, cal));
        }
    }

    @Override
    public void setTime(int index, Time x) throws SQLException {
        delegate.setTime(index, x);
        if (remembering()) {
            rememberParameter(index, st -> ((PreparedStatement) st).setTime(index, x));
        }
    }

    @Override
    public void setTimestamp(int index, Timestamp x, Calendar cal) throws SQLException {
        delegate.setTimestamp(index, x, cal);
        if (remembering()) {
            rememberParameter(index, st -> ((PreparedStatement) st).setTimestamp(index, x, cal));
        }
    }

    @Override
    public void setTimestamp(int index, Timestamp x) throws SQLException {
        delegate.setTimestamp(index, x);
        if (remembering()) {
            rememberParameter(index, st -> ((PreparedStatement) st).setTimestamp(index, x));
        }
    }

    @Override
    public void setURL(int index, URL x) throws SQLException {
        delegate.setURL(index, x);
        if (remembering()) {
            rememberParameter(index, st -> ((PreparedStatement) st).setURL(index, x));
        }
    }

    @Override
    @Deprecated
    public void setUnicodeStream(int index, InputStream x, int length) throws SQLException {
        forgetRetry();
        delegate.setUnicodeStream(index, x, length);
    }

}
