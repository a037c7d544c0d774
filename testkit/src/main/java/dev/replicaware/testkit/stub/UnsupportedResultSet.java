package dev.replicaware.testkit.stub;

import java.io.InputStream;
import java.io.Reader;
import java.math.BigDecimal;
import java.net.URL;
import java.sql.*;
import java.util.Calendar;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Executor;

/** Every method of {@link ResultSet} throws {@link SQLFeatureNotSupportedException}; the stub overrides what it supports. Generated. */
abstract class UnsupportedResultSet implements ResultSet {

    SQLFeatureNotSupportedException unsupported(String method) {
        return new SQLFeatureNotSupportedException("The stub driver's result set does not support " + method);
    }

    @Override
    public boolean absolute(int arg0) throws SQLException {
        throw unsupported("absolute");
    }

    @Override
    public void afterLast() throws SQLException {
        throw unsupported("afterLast");
    }

    @Override
    public void beforeFirst() throws SQLException {
        throw unsupported("beforeFirst");
    }

    @Override
    public void cancelRowUpdates() throws SQLException {
        throw unsupported("cancelRowUpdates");
    }

    @Override
    public void clearWarnings() throws SQLException {
        throw unsupported("clearWarnings");
    }

    @Override
    public void close() throws SQLException {
        throw unsupported("close");
    }

    @Override
    public void deleteRow() throws SQLException {
        throw unsupported("deleteRow");
    }

    @Override
    public int findColumn(String arg0) throws SQLException {
        throw unsupported("findColumn");
    }

    @Override
    public boolean first() throws SQLException {
        throw unsupported("first");
    }

    @Override
    public Array getArray(String name) throws SQLException {
        throw unsupported("getArray");
    }

    @Override
    public Array getArray(int index) throws SQLException {
        throw unsupported("getArray");
    }

    @Override
    public InputStream getAsciiStream(String name) throws SQLException {
        throw unsupported("getAsciiStream");
    }

    @Override
    public InputStream getAsciiStream(int index) throws SQLException {
        throw unsupported("getAsciiStream");
    }

    @Override
    public BigDecimal getBigDecimal(String name, int arg1) throws SQLException {
        throw unsupported("getBigDecimal");
    }

    @Override
    public BigDecimal getBigDecimal(String name) throws SQLException {
        throw unsupported("getBigDecimal");
    }

    @Override
    public BigDecimal getBigDecimal(int index, int arg1) throws SQLException {
        throw unsupported("getBigDecimal");
    }

    @Override
    public BigDecimal getBigDecimal(int index) throws SQLException {
        throw unsupported("getBigDecimal");
    }

    @Override
    public InputStream getBinaryStream(String name) throws SQLException {
        throw unsupported("getBinaryStream");
    }

    @Override
    public InputStream getBinaryStream(int index) throws SQLException {
        throw unsupported("getBinaryStream");
    }

    @Override
    public Blob getBlob(String name) throws SQLException {
        throw unsupported("getBlob");
    }

    @Override
    public Blob getBlob(int index) throws SQLException {
        throw unsupported("getBlob");
    }

    @Override
    public boolean getBoolean(String name) throws SQLException {
        throw unsupported("getBoolean");
    }

    @Override
    public boolean getBoolean(int index) throws SQLException {
        throw unsupported("getBoolean");
    }

    @Override
    public byte getByte(String name) throws SQLException {
        throw unsupported("getByte");
    }

    @Override
    public byte getByte(int index) throws SQLException {
        throw unsupported("getByte");
    }

    @Override
    public byte[] getBytes(String name) throws SQLException {
        throw unsupported("getBytes");
    }

    @Override
    public byte[] getBytes(int index) throws SQLException {
        throw unsupported("getBytes");
    }

    @Override
    public Reader getCharacterStream(String name) throws SQLException {
        throw unsupported("getCharacterStream");
    }

    @Override
    public Reader getCharacterStream(int index) throws SQLException {
        throw unsupported("getCharacterStream");
    }

    @Override
    public Clob getClob(String name) throws SQLException {
        throw unsupported("getClob");
    }

    @Override
    public Clob getClob(int index) throws SQLException {
        throw unsupported("getClob");
    }

    @Override
    public int getConcurrency() throws SQLException {
        throw unsupported("getConcurrency");
    }

    @Override
    public String getCursorName() throws SQLException {
        throw unsupported("getCursorName");
    }

    @Override
    public Date getDate(String name, Calendar arg1) throws SQLException {
        throw unsupported("getDate");
    }

    @Override
    public Date getDate(String name) throws SQLException {
        throw unsupported("getDate");
    }

    @Override
    public Date getDate(int index, Calendar arg1) throws SQLException {
        throw unsupported("getDate");
    }

    @Override
    public Date getDate(int index) throws SQLException {
        throw unsupported("getDate");
    }

    @Override
    public double getDouble(String name) throws SQLException {
        throw unsupported("getDouble");
    }

    @Override
    public double getDouble(int index) throws SQLException {
        throw unsupported("getDouble");
    }

    @Override
    public int getFetchDirection() throws SQLException {
        throw unsupported("getFetchDirection");
    }

    @Override
    public int getFetchSize() throws SQLException {
        throw unsupported("getFetchSize");
    }

    @Override
    public float getFloat(String name) throws SQLException {
        throw unsupported("getFloat");
    }

    @Override
    public float getFloat(int index) throws SQLException {
        throw unsupported("getFloat");
    }

    @Override
    public int getHoldability() throws SQLException {
        throw unsupported("getHoldability");
    }

    @Override
    public int getInt(String name) throws SQLException {
        throw unsupported("getInt");
    }

    @Override
    public int getInt(int index) throws SQLException {
        throw unsupported("getInt");
    }

    @Override
    public long getLong(String name) throws SQLException {
        throw unsupported("getLong");
    }

    @Override
    public long getLong(int index) throws SQLException {
        throw unsupported("getLong");
    }

    @Override
    public ResultSetMetaData getMetaData() throws SQLException {
        throw unsupported("getMetaData");
    }

    @Override
    public Reader getNCharacterStream(String name) throws SQLException {
        throw unsupported("getNCharacterStream");
    }

    @Override
    public Reader getNCharacterStream(int index) throws SQLException {
        throw unsupported("getNCharacterStream");
    }

    @Override
    public NClob getNClob(String name) throws SQLException {
        throw unsupported("getNClob");
    }

    @Override
    public NClob getNClob(int index) throws SQLException {
        throw unsupported("getNClob");
    }

    @Override
    public String getNString(String name) throws SQLException {
        throw unsupported("getNString");
    }

    @Override
    public String getNString(int index) throws SQLException {
        throw unsupported("getNString");
    }

    @Override
    public <T> T getObject(String name, Class<T> type) throws SQLException {
        throw unsupported("getObject");
    }

    @Override
    public Object getObject(String name, Map<String, Class<?>> arg1) throws SQLException {
        throw unsupported("getObject");
    }

    @Override
    public Object getObject(String name) throws SQLException {
        throw unsupported("getObject");
    }

    @Override
    public <T> T getObject(int index, Class<T> type) throws SQLException {
        throw unsupported("getObject");
    }

    @Override
    public Object getObject(int index, Map<String, Class<?>> arg1) throws SQLException {
        throw unsupported("getObject");
    }

    @Override
    public Object getObject(int index) throws SQLException {
        throw unsupported("getObject");
    }

    @Override
    public Ref getRef(String name) throws SQLException {
        throw unsupported("getRef");
    }

    @Override
    public Ref getRef(int index) throws SQLException {
        throw unsupported("getRef");
    }

    @Override
    public int getRow() throws SQLException {
        throw unsupported("getRow");
    }

    @Override
    public RowId getRowId(String name) throws SQLException {
        throw unsupported("getRowId");
    }

    @Override
    public RowId getRowId(int index) throws SQLException {
        throw unsupported("getRowId");
    }

    @Override
    public SQLXML getSQLXML(String name) throws SQLException {
        throw unsupported("getSQLXML");
    }

    @Override
    public SQLXML getSQLXML(int index) throws SQLException {
        throw unsupported("getSQLXML");
    }

    @Override
    public short getShort(String name) throws SQLException {
        throw unsupported("getShort");
    }

    @Override
    public short getShort(int index) throws SQLException {
        throw unsupported("getShort");
    }

    @Override
    public Statement getStatement() throws SQLException {
        throw unsupported("getStatement");
    }

    @Override
    public String getString(String name) throws SQLException {
        throw unsupported("getString");
    }

    @Override
    public String getString(int index) throws SQLException {
        throw unsupported("getString");
    }

    @Override
    public Time getTime(String name, Calendar arg1) throws SQLException {
        throw unsupported("getTime");
    }

    @Override
    public Time getTime(String name) throws SQLException {
        throw unsupported("getTime");
    }

    @Override
    public Time getTime(int index, Calendar arg1) throws SQLException {
        throw unsupported("getTime");
    }

    @Override
    public Time getTime(int index) throws SQLException {
        throw unsupported("getTime");
    }

    @Override
    public Timestamp getTimestamp(String name, Calendar arg1) throws SQLException {
        throw unsupported("getTimestamp");
    }

    @Override
    public Timestamp getTimestamp(String name) throws SQLException {
        throw unsupported("getTimestamp");
    }

    @Override
    public Timestamp getTimestamp(int index, Calendar arg1) throws SQLException {
        throw unsupported("getTimestamp");
    }

    @Override
    public Timestamp getTimestamp(int index) throws SQLException {
        throw unsupported("getTimestamp");
    }

    @Override
    public int getType() throws SQLException {
        throw unsupported("getType");
    }

    @Override
    public URL getURL(String name) throws SQLException {
        throw unsupported("getURL");
    }

    @Override
    public URL getURL(int index) throws SQLException {
        throw unsupported("getURL");
    }

    @Override
    public InputStream getUnicodeStream(String name) throws SQLException {
        throw unsupported("getUnicodeStream");
    }

    @Override
    public InputStream getUnicodeStream(int index) throws SQLException {
        throw unsupported("getUnicodeStream");
    }

    @Override
    public SQLWarning getWarnings() throws SQLException {
        throw unsupported("getWarnings");
    }

    @Override
    public void insertRow() throws SQLException {
        throw unsupported("insertRow");
    }

    @Override
    public boolean isAfterLast() throws SQLException {
        throw unsupported("isAfterLast");
    }

    @Override
    public boolean isBeforeFirst() throws SQLException {
        throw unsupported("isBeforeFirst");
    }

    @Override
    public boolean isClosed() throws SQLException {
        throw unsupported("isClosed");
    }

    @Override
    public boolean isFirst() throws SQLException {
        throw unsupported("isFirst");
    }

    @Override
    public boolean isLast() throws SQLException {
        throw unsupported("isLast");
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) throws SQLException {
        throw unsupported("isWrapperFor");
    }

    @Override
    public boolean last() throws SQLException {
        throw unsupported("last");
    }

    @Override
    public void moveToCurrentRow() throws SQLException {
        throw unsupported("moveToCurrentRow");
    }

    @Override
    public void moveToInsertRow() throws SQLException {
        throw unsupported("moveToInsertRow");
    }

    @Override
    public boolean next() throws SQLException {
        throw unsupported("next");
    }

    @Override
    public boolean previous() throws SQLException {
        throw unsupported("previous");
    }

    @Override
    public void refreshRow() throws SQLException {
        throw unsupported("refreshRow");
    }

    @Override
    public boolean relative(int arg0) throws SQLException {
        throw unsupported("relative");
    }

    @Override
    public boolean rowDeleted() throws SQLException {
        throw unsupported("rowDeleted");
    }

    @Override
    public boolean rowInserted() throws SQLException {
        throw unsupported("rowInserted");
    }

    @Override
    public boolean rowUpdated() throws SQLException {
        throw unsupported("rowUpdated");
    }

    @Override
    public void setFetchDirection(int fetchDirection) throws SQLException {
        throw unsupported("setFetchDirection");
    }

    @Override
    public void setFetchSize(int fetchSize) throws SQLException {
        throw unsupported("setFetchSize");
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        throw unsupported("unwrap");
    }

    @Override
    public void updateArray(String name, Array x) throws SQLException {
        throw unsupported("updateArray");
    }

    @Override
    public void updateArray(int index, Array x) throws SQLException {
        throw unsupported("updateArray");
    }

    @Override
    public void updateAsciiStream(String name, InputStream x, int length) throws SQLException {
        throw unsupported("updateAsciiStream");
    }

    @Override
    public void updateAsciiStream(String name, InputStream x, long length) throws SQLException {
        throw unsupported("updateAsciiStream");
    }

    @Override
    public void updateAsciiStream(String name, InputStream x) throws SQLException {
        throw unsupported("updateAsciiStream");
    }

    @Override
    public void updateAsciiStream(int index, InputStream x, int length) throws SQLException {
        throw unsupported("updateAsciiStream");
    }

    @Override
    public void updateAsciiStream(int index, InputStream x, long length) throws SQLException {
        throw unsupported("updateAsciiStream");
    }

    @Override
    public void updateAsciiStream(int index, InputStream x) throws SQLException {
        throw unsupported("updateAsciiStream");
    }

    @Override
    public void updateBigDecimal(String name, BigDecimal x) throws SQLException {
        throw unsupported("updateBigDecimal");
    }

    @Override
    public void updateBigDecimal(int index, BigDecimal x) throws SQLException {
        throw unsupported("updateBigDecimal");
    }

    @Override
    public void updateBinaryStream(String name, InputStream x, int length) throws SQLException {
        throw unsupported("updateBinaryStream");
    }

    @Override
    public void updateBinaryStream(String name, InputStream x, long length) throws SQLException {
        throw unsupported("updateBinaryStream");
    }

    @Override
    public void updateBinaryStream(String name, InputStream x) throws SQLException {
        throw unsupported("updateBinaryStream");
    }

    @Override
    public void updateBinaryStream(int index, InputStream x, int length) throws SQLException {
        throw unsupported("updateBinaryStream");
    }

    @Override
    public void updateBinaryStream(int index, InputStream x, long length) throws SQLException {
        throw unsupported("updateBinaryStream");
    }

    @Override
    public void updateBinaryStream(int index, InputStream x) throws SQLException {
        throw unsupported("updateBinaryStream");
    }

    @Override
    public void updateBlob(String name, InputStream x, long arg2) throws SQLException {
        throw unsupported("updateBlob");
    }

    @Override
    public void updateBlob(String name, InputStream x) throws SQLException {
        throw unsupported("updateBlob");
    }

    @Override
    public void updateBlob(String name, Blob x) throws SQLException {
        throw unsupported("updateBlob");
    }

    @Override
    public void updateBlob(int index, InputStream x, long arg2) throws SQLException {
        throw unsupported("updateBlob");
    }

    @Override
    public void updateBlob(int index, InputStream x) throws SQLException {
        throw unsupported("updateBlob");
    }

    @Override
    public void updateBlob(int index, Blob x) throws SQLException {
        throw unsupported("updateBlob");
    }

    @Override
    public void updateBoolean(String name, boolean x) throws SQLException {
        throw unsupported("updateBoolean");
    }

    @Override
    public void updateBoolean(int index, boolean x) throws SQLException {
        throw unsupported("updateBoolean");
    }

    @Override
    public void updateByte(String name, byte x) throws SQLException {
        throw unsupported("updateByte");
    }

    @Override
    public void updateByte(int index, byte x) throws SQLException {
        throw unsupported("updateByte");
    }

    @Override
    public void updateBytes(String name, byte[] x) throws SQLException {
        throw unsupported("updateBytes");
    }

    @Override
    public void updateBytes(int index, byte[] x) throws SQLException {
        throw unsupported("updateBytes");
    }

    @Override
    public void updateCharacterStream(String name, Reader x, int length) throws SQLException {
        throw unsupported("updateCharacterStream");
    }

    @Override
    public void updateCharacterStream(String name, Reader x, long length) throws SQLException {
        throw unsupported("updateCharacterStream");
    }

    @Override
    public void updateCharacterStream(String name, Reader x) throws SQLException {
        throw unsupported("updateCharacterStream");
    }

    @Override
    public void updateCharacterStream(int index, Reader x, int length) throws SQLException {
        throw unsupported("updateCharacterStream");
    }

    @Override
    public void updateCharacterStream(int index, Reader x, long length) throws SQLException {
        throw unsupported("updateCharacterStream");
    }

    @Override
    public void updateCharacterStream(int index, Reader x) throws SQLException {
        throw unsupported("updateCharacterStream");
    }

    @Override
    public void updateClob(String name, Reader x, long arg2) throws SQLException {
        throw unsupported("updateClob");
    }

    @Override
    public void updateClob(String name, Reader x) throws SQLException {
        throw unsupported("updateClob");
    }

    @Override
    public void updateClob(String name, Clob x) throws SQLException {
        throw unsupported("updateClob");
    }

    @Override
    public void updateClob(int index, Reader x, long arg2) throws SQLException {
        throw unsupported("updateClob");
    }

    @Override
    public void updateClob(int index, Reader x) throws SQLException {
        throw unsupported("updateClob");
    }

    @Override
    public void updateClob(int index, Clob x) throws SQLException {
        throw unsupported("updateClob");
    }

    @Override
    public void updateDate(String name, Date x) throws SQLException {
        throw unsupported("updateDate");
    }

    @Override
    public void updateDate(int index, Date x) throws SQLException {
        throw unsupported("updateDate");
    }

    @Override
    public void updateDouble(String name, double x) throws SQLException {
        throw unsupported("updateDouble");
    }

    @Override
    public void updateDouble(int index, double x) throws SQLException {
        throw unsupported("updateDouble");
    }

    @Override
    public void updateFloat(String name, float x) throws SQLException {
        throw unsupported("updateFloat");
    }

    @Override
    public void updateFloat(int index, float x) throws SQLException {
        throw unsupported("updateFloat");
    }

    @Override
    public void updateInt(String name, int x) throws SQLException {
        throw unsupported("updateInt");
    }

    @Override
    public void updateInt(int index, int x) throws SQLException {
        throw unsupported("updateInt");
    }

    @Override
    public void updateLong(String name, long x) throws SQLException {
        throw unsupported("updateLong");
    }

    @Override
    public void updateLong(int index, long x) throws SQLException {
        throw unsupported("updateLong");
    }

    @Override
    public void updateNCharacterStream(String name, Reader x, long length) throws SQLException {
        throw unsupported("updateNCharacterStream");
    }

    @Override
    public void updateNCharacterStream(String name, Reader x) throws SQLException {
        throw unsupported("updateNCharacterStream");
    }

    @Override
    public void updateNCharacterStream(int index, Reader x, long length) throws SQLException {
        throw unsupported("updateNCharacterStream");
    }

    @Override
    public void updateNCharacterStream(int index, Reader x) throws SQLException {
        throw unsupported("updateNCharacterStream");
    }

    @Override
    public void updateNClob(String name, Reader x, long arg2) throws SQLException {
        throw unsupported("updateNClob");
    }

    @Override
    public void updateNClob(String name, Reader x) throws SQLException {
        throw unsupported("updateNClob");
    }

    @Override
    public void updateNClob(String name, NClob x) throws SQLException {
        throw unsupported("updateNClob");
    }

    @Override
    public void updateNClob(int index, Reader x, long arg2) throws SQLException {
        throw unsupported("updateNClob");
    }

    @Override
    public void updateNClob(int index, Reader x) throws SQLException {
        throw unsupported("updateNClob");
    }

    @Override
    public void updateNClob(int index, NClob x) throws SQLException {
        throw unsupported("updateNClob");
    }

    @Override
    public void updateNString(String name, String x) throws SQLException {
        throw unsupported("updateNString");
    }

    @Override
    public void updateNString(int index, String x) throws SQLException {
        throw unsupported("updateNString");
    }

    @Override
    public void updateNull(String name) throws SQLException {
        throw unsupported("updateNull");
    }

    @Override
    public void updateNull(int arg0) throws SQLException {
        throw unsupported("updateNull");
    }

    @Override
    public void updateObject(String name, Object x, int arg2) throws SQLException {
        throw unsupported("updateObject");
    }

    @Override
    public void updateObject(String name, Object x) throws SQLException {
        throw unsupported("updateObject");
    }

    @Override
    public void updateObject(int index, Object x, int arg2) throws SQLException {
        throw unsupported("updateObject");
    }

    @Override
    public void updateObject(int index, Object x) throws SQLException {
        throw unsupported("updateObject");
    }

    @Override
    public void updateRef(String name, Ref x) throws SQLException {
        throw unsupported("updateRef");
    }

    @Override
    public void updateRef(int index, Ref x) throws SQLException {
        throw unsupported("updateRef");
    }

    @Override
    public void updateRow() throws SQLException {
        throw unsupported("updateRow");
    }

    @Override
    public void updateRowId(String name, RowId x) throws SQLException {
        throw unsupported("updateRowId");
    }

    @Override
    public void updateRowId(int index, RowId x) throws SQLException {
        throw unsupported("updateRowId");
    }

    @Override
    public void updateSQLXML(String name, SQLXML x) throws SQLException {
        throw unsupported("updateSQLXML");
    }

    @Override
    public void updateSQLXML(int index, SQLXML x) throws SQLException {
        throw unsupported("updateSQLXML");
    }

    @Override
    public void updateShort(String name, short x) throws SQLException {
        throw unsupported("updateShort");
    }

    @Override
    public void updateShort(int index, short x) throws SQLException {
        throw unsupported("updateShort");
    }

    @Override
    public void updateString(String name, String x) throws SQLException {
        throw unsupported("updateString");
    }

    @Override
    public void updateString(int index, String x) throws SQLException {
        throw unsupported("updateString");
    }

    @Override
    public void updateTime(String name, Time x) throws SQLException {
        throw unsupported("updateTime");
    }

    @Override
    public void updateTime(int index, Time x) throws SQLException {
        throw unsupported("updateTime");
    }

    @Override
    public void updateTimestamp(String name, Timestamp x) throws SQLException {
        throw unsupported("updateTimestamp");
    }

    @Override
    public void updateTimestamp(int index, Timestamp x) throws SQLException {
        throw unsupported("updateTimestamp");
    }

    @Override
    public boolean wasNull() throws SQLException {
        throw unsupported("wasNull");
    }

}
