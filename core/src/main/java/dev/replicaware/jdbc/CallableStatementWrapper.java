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

/** A callable statement of a logical connection; see {@link StatementWrapper}. */
final class CallableStatementWrapper extends PreparedStatementWrapper implements CallableStatement {
    private final CallableStatement delegate;

    CallableStatementWrapper(LogicalConnection connection, CallableStatement delegate) {
        super(connection, delegate);
        this.delegate = delegate;
    }

    @Override
    public Array getArray(String name) throws SQLException {
        return delegate.getArray(name);
    }

    @Override
    public Array getArray(int index) throws SQLException {
        return delegate.getArray(index);
    }

    @Override
    public BigDecimal getBigDecimal(String name) throws SQLException {
        return delegate.getBigDecimal(name);
    }

    @Override
    @Deprecated
    public BigDecimal getBigDecimal(int index, int scale) throws SQLException {
        return delegate.getBigDecimal(index, scale);
    }

    @Override
    public BigDecimal getBigDecimal(int index) throws SQLException {
        return delegate.getBigDecimal(index);
    }

    @Override
    public Blob getBlob(String name) throws SQLException {
        return delegate.getBlob(name);
    }

    @Override
    public Blob getBlob(int index) throws SQLException {
        return delegate.getBlob(index);
    }

    @Override
    public boolean getBoolean(String name) throws SQLException {
        return delegate.getBoolean(name);
    }

    @Override
    public boolean getBoolean(int index) throws SQLException {
        return delegate.getBoolean(index);
    }

    @Override
    public byte getByte(String name) throws SQLException {
        return delegate.getByte(name);
    }

    @Override
    public byte getByte(int index) throws SQLException {
        return delegate.getByte(index);
    }

    @Override
    public byte[] getBytes(String name) throws SQLException {
        return delegate.getBytes(name);
    }

    @Override
    public byte[] getBytes(int index) throws SQLException {
        return delegate.getBytes(index);
    }

    @Override
    public Reader getCharacterStream(String name) throws SQLException {
        return delegate.getCharacterStream(name);
    }

    @Override
    public Reader getCharacterStream(int index) throws SQLException {
        return delegate.getCharacterStream(index);
    }

    @Override
    public Clob getClob(String name) throws SQLException {
        return delegate.getClob(name);
    }

    @Override
    public Clob getClob(int index) throws SQLException {
        return delegate.getClob(index);
    }

    @Override
    public Date getDate(String name, Calendar cal) throws SQLException {
        return delegate.getDate(name, cal);
    }

    @Override
    public Date getDate(String name) throws SQLException {
        return delegate.getDate(name);
    }

    @Override
    public Date getDate(int index, Calendar cal) throws SQLException {
        return delegate.getDate(index, cal);
    }

    @Override
    public Date getDate(int index) throws SQLException {
        return delegate.getDate(index);
    }

    @Override
    public double getDouble(String name) throws SQLException {
        return delegate.getDouble(name);
    }

    @Override
    public double getDouble(int index) throws SQLException {
        return delegate.getDouble(index);
    }

    @Override
    public float getFloat(String name) throws SQLException {
        return delegate.getFloat(name);
    }

    @Override
    public float getFloat(int index) throws SQLException {
        return delegate.getFloat(index);
    }

    @Override
    public int getInt(String name) throws SQLException {
        return delegate.getInt(name);
    }

    @Override
    public int getInt(int index) throws SQLException {
        return delegate.getInt(index);
    }

    @Override
    public long getLong(String name) throws SQLException {
        return delegate.getLong(name);
    }

    @Override
    public long getLong(int index) throws SQLException {
        return delegate.getLong(index);
    }

    @Override
    public Reader getNCharacterStream(String name) throws SQLException {
        return delegate.getNCharacterStream(name);
    }

    @Override
    public Reader getNCharacterStream(int index) throws SQLException {
        return delegate.getNCharacterStream(index);
    }

    @Override
    public NClob getNClob(String name) throws SQLException {
        return delegate.getNClob(name);
    }

    @Override
    public NClob getNClob(int index) throws SQLException {
        return delegate.getNClob(index);
    }

    @Override
    public String getNString(String name) throws SQLException {
        return delegate.getNString(name);
    }

    @Override
    public String getNString(int index) throws SQLException {
        return delegate.getNString(index);
    }

    /** An OUT parameter's value; a result set (a PostgreSQL refcursor) is wrapped so that it leads back here. */
    private Object nested(Object value) {
        return value instanceof ResultSet rs && !(value instanceof ResultSetWrapper) ? new ResultSetWrapper(connection, this, rs) : value;
    }

    @Override
    public <T> T getObject(String name, Class<T> type) throws SQLException {
        return type.cast(nested(delegate.getObject(name, type)));
    }

    @Override
    public Object getObject(String name, Map<String, Class<?>> map) throws SQLException {
        return nested(delegate.getObject(name, map));
    }

    @Override
    public Object getObject(String name) throws SQLException {
        return nested(delegate.getObject(name));
    }

    @Override
    public <T> T getObject(int index, Class<T> type) throws SQLException {
        return type.cast(nested(delegate.getObject(index, type)));
    }

    @Override
    public Object getObject(int index, Map<String, Class<?>> map) throws SQLException {
        return nested(delegate.getObject(index, map));
    }

    @Override
    public Object getObject(int index) throws SQLException {
        return nested(delegate.getObject(index));
    }

    @Override
    public Ref getRef(String name) throws SQLException {
        return delegate.getRef(name);
    }

    @Override
    public Ref getRef(int index) throws SQLException {
        return delegate.getRef(index);
    }

    @Override
    public RowId getRowId(String name) throws SQLException {
        return delegate.getRowId(name);
    }

    @Override
    public RowId getRowId(int index) throws SQLException {
        return delegate.getRowId(index);
    }

    @Override
    public SQLXML getSQLXML(String name) throws SQLException {
        return delegate.getSQLXML(name);
    }

    @Override
    public SQLXML getSQLXML(int index) throws SQLException {
        return delegate.getSQLXML(index);
    }

    @Override
    public short getShort(String name) throws SQLException {
        return delegate.getShort(name);
    }

    @Override
    public short getShort(int index) throws SQLException {
        return delegate.getShort(index);
    }

    @Override
    public String getString(String name) throws SQLException {
        return delegate.getString(name);
    }

    @Override
    public String getString(int index) throws SQLException {
        return delegate.getString(index);
    }

    @Override
    public Time getTime(String name, Calendar cal) throws SQLException {
        return delegate.getTime(name, cal);
    }

    @Override
    public Time getTime(String name) throws SQLException {
        return delegate.getTime(name);
    }

    @Override
    public Time getTime(int index, Calendar cal) throws SQLException {
        return delegate.getTime(index, cal);
    }

    @Override
    public Time getTime(int index) throws SQLException {
        return delegate.getTime(index);
    }

    @Override
    public Timestamp getTimestamp(String name, Calendar cal) throws SQLException {
        return delegate.getTimestamp(name, cal);
    }

    @Override
    public Timestamp getTimestamp(String name) throws SQLException {
        return delegate.getTimestamp(name);
    }

    @Override
    public Timestamp getTimestamp(int index, Calendar cal) throws SQLException {
        return delegate.getTimestamp(index, cal);
    }

    @Override
    public Timestamp getTimestamp(int index) throws SQLException {
        return delegate.getTimestamp(index);
    }

    @Override
    public URL getURL(String name) throws SQLException {
        return delegate.getURL(name);
    }

    @Override
    public URL getURL(int index) throws SQLException {
        return delegate.getURL(index);
    }

    @Override
    public void registerOutParameter(String name, int sqlType, String typeName) throws SQLException {
        delegate.registerOutParameter(name, sqlType, typeName);
    }

    @Override
    public void registerOutParameter(String name, int sqlType, int scale) throws SQLException {
        delegate.registerOutParameter(name, sqlType, scale);
    }

    @Override
    public void registerOutParameter(String name, int sqlType) throws SQLException {
        delegate.registerOutParameter(name, sqlType);
    }

    @Override
    public void registerOutParameter(String name, SQLType sqlType, String typeName) throws SQLException {
        delegate.registerOutParameter(name, sqlType, typeName);
    }

    @Override
    public void registerOutParameter(String name, SQLType sqlType, int scale) throws SQLException {
        delegate.registerOutParameter(name, sqlType, scale);
    }

    @Override
    public void registerOutParameter(String name, SQLType sqlType) throws SQLException {
        delegate.registerOutParameter(name, sqlType);
    }

    @Override
    public void registerOutParameter(int index, int sqlType, String typeName) throws SQLException {
        delegate.registerOutParameter(index, sqlType, typeName);
    }

    @Override
    public void registerOutParameter(int index, int sqlType, int scale) throws SQLException {
        delegate.registerOutParameter(index, sqlType, scale);
    }

    @Override
    public void registerOutParameter(int index, int sqlType) throws SQLException {
        delegate.registerOutParameter(index, sqlType);
    }

    @Override
    public void registerOutParameter(int index, SQLType sqlType, String typeName) throws SQLException {
        delegate.registerOutParameter(index, sqlType, typeName);
    }

    @Override
    public void registerOutParameter(int index, SQLType sqlType, int scale) throws SQLException {
        delegate.registerOutParameter(index, sqlType, scale);
    }

    @Override
    public void registerOutParameter(int index, SQLType sqlType) throws SQLException {
        delegate.registerOutParameter(index, sqlType);
    }

    @Override
    public void setAsciiStream(String name, InputStream x, int length) throws SQLException {
        delegate.setAsciiStream(name, x, length);
    }

    @Override
    public void setAsciiStream(String name, InputStream x, long length) throws SQLException {
        delegate.setAsciiStream(name, x, length);
    }

    @Override
    public void setAsciiStream(String name, InputStream x) throws SQLException {
        delegate.setAsciiStream(name, x);
    }

    @Override
    public void setBigDecimal(String name, BigDecimal x) throws SQLException {
        delegate.setBigDecimal(name, x);
    }

    @Override
    public void setBinaryStream(String name, InputStream x, int length) throws SQLException {
        delegate.setBinaryStream(name, x, length);
    }

    @Override
    public void setBinaryStream(String name, InputStream x, long length) throws SQLException {
        delegate.setBinaryStream(name, x, length);
    }

    @Override
    public void setBinaryStream(String name, InputStream x) throws SQLException {
        delegate.setBinaryStream(name, x);
    }

    @Override
    public void setBlob(String name, InputStream x, long length) throws SQLException {
        delegate.setBlob(name, x, length);
    }

    @Override
    public void setBlob(String name, InputStream x) throws SQLException {
        delegate.setBlob(name, x);
    }

    @Override
    public void setBlob(String name, Blob x) throws SQLException {
        delegate.setBlob(name, x);
    }

    @Override
    public void setBoolean(String name, boolean x) throws SQLException {
        delegate.setBoolean(name, x);
    }

    @Override
    public void setByte(String name, byte x) throws SQLException {
        delegate.setByte(name, x);
    }

    @Override
    public void setBytes(String name, byte[] x) throws SQLException {
        delegate.setBytes(name, x);
    }

    @Override
    public void setCharacterStream(String name, Reader x, int length) throws SQLException {
        delegate.setCharacterStream(name, x, length);
    }

    @Override
    public void setCharacterStream(String name, Reader x, long length) throws SQLException {
        delegate.setCharacterStream(name, x, length);
    }

    @Override
    public void setCharacterStream(String name, Reader x) throws SQLException {
        delegate.setCharacterStream(name, x);
    }

    @Override
    public void setClob(String name, Reader x, long length) throws SQLException {
        delegate.setClob(name, x, length);
    }

    @Override
    public void setClob(String name, Reader x) throws SQLException {
        delegate.setClob(name, x);
    }

    @Override
    public void setClob(String name, Clob x) throws SQLException {
        delegate.setClob(name, x);
    }

    @Override
    public void setDate(String name, Date x, Calendar cal) throws SQLException {
        delegate.setDate(name, x, cal);
    }

    @Override
    public void setDate(String name, Date x) throws SQLException {
        delegate.setDate(name, x);
    }

    @Override
    public void setDouble(String name, double x) throws SQLException {
        delegate.setDouble(name, x);
    }

    @Override
    public void setFloat(String name, float x) throws SQLException {
        delegate.setFloat(name, x);
    }

    @Override
    public void setInt(String name, int x) throws SQLException {
        delegate.setInt(name, x);
    }

    @Override
    public void setLong(String name, long x) throws SQLException {
        delegate.setLong(name, x);
    }

    @Override
    public void setNCharacterStream(String name, Reader x, long length) throws SQLException {
        delegate.setNCharacterStream(name, x, length);
    }

    @Override
    public void setNCharacterStream(String name, Reader x) throws SQLException {
        delegate.setNCharacterStream(name, x);
    }

    @Override
    public void setNClob(String name, Reader x, long length) throws SQLException {
        delegate.setNClob(name, x, length);
    }

    @Override
    public void setNClob(String name, Reader x) throws SQLException {
        delegate.setNClob(name, x);
    }

    @Override
    public void setNClob(String name, NClob x) throws SQLException {
        delegate.setNClob(name, x);
    }

    @Override
    public void setNString(String name, String x) throws SQLException {
        delegate.setNString(name, x);
    }

    @Override
    public void setNull(String name, int sqlType, String typeName) throws SQLException {
        delegate.setNull(name, sqlType, typeName);
    }

    @Override
    public void setNull(String name, int x) throws SQLException {
        delegate.setNull(name, x);
    }

    @Override
    public void setObject(String name, Object x, int targetSqlType, int scaleOrLength) throws SQLException {
        delegate.setObject(name, x, targetSqlType, scaleOrLength);
    }

    @Override
    public void setObject(String name, Object x, int targetSqlType) throws SQLException {
        delegate.setObject(name, x, targetSqlType);
    }

    @Override
    public void setObject(String name, Object x, SQLType targetSqlType, int scaleOrLength) throws SQLException {
        delegate.setObject(name, x, targetSqlType, scaleOrLength);
    }

    @Override
    public void setObject(String name, Object x, SQLType targetSqlType) throws SQLException {
        delegate.setObject(name, x, targetSqlType);
    }

    @Override
    public void setObject(String name, Object x) throws SQLException {
        delegate.setObject(name, x);
    }

    @Override
    public void setRowId(String name, RowId x) throws SQLException {
        delegate.setRowId(name, x);
    }

    @Override
    public void setSQLXML(String name, SQLXML x) throws SQLException {
        delegate.setSQLXML(name, x);
    }

    @Override
    public void setShort(String name, short x) throws SQLException {
        delegate.setShort(name, x);
    }

    @Override
    public void setString(String name, String x) throws SQLException {
        delegate.setString(name, x);
    }

    @Override
    public void setTime(String name, Time x, Calendar cal) throws SQLException {
        delegate.setTime(name, x, cal);
    }

    @Override
    public void setTime(String name, Time x) throws SQLException {
        delegate.setTime(name, x);
    }

    @Override
    public void setTimestamp(String name, Timestamp x, Calendar cal) throws SQLException {
        delegate.setTimestamp(name, x, cal);
    }

    @Override
    public void setTimestamp(String name, Timestamp x) throws SQLException {
        delegate.setTimestamp(name, x);
    }

    @Override
    public void setURL(String name, URL x) throws SQLException {
        delegate.setURL(name, x);
    }

    @Override
    public boolean wasNull() throws SQLException {
        return delegate.wasNull();
    }

}
