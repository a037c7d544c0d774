package dev.replicaware.testkit.stub;

import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The answer of a {@link StubDatabaseMetaData} catalog call ({@code getTables}, {@code getColumns}...): fixed rows
 * under the column labels JDBC names for that call, forward only. Values are Strings, Integers, Shorts, Booleans or null.
 */
final class StubMetaDataResultSet extends UnsupportedResultSet {
    private final StubResultSetMetaData metaData;
    private final List<Object[]> rows;
    private int row; // 1-based; 0 before the first row
    private boolean closed;
    private boolean wasNull;

    private StubMetaDataResultSet(StubResultSetMetaData metaData, List<Object[]> rows) {
        this.metaData = metaData;
        this.rows = rows;
    }

    /** Column labels with their JDBC types, label then type: {@code columns("TABLE_NAME", Types.VARCHAR, ...)}. */
    static StubResultSetMetaData columns(Object... labelsAndTypes) {
        List<String> labels = new ArrayList<>();
        List<Integer> types = new ArrayList<>();
        for (int i = 0; i < labelsAndTypes.length; i += 2) {
            labels.add((String) labelsAndTypes[i]);
            types.add((Integer) labelsAndTypes[i + 1]);
        }
        return new StubResultSetMetaData(labels, types);
    }

    static StubMetaDataResultSet of(StubResultSetMetaData metaData, List<Object[]> rows) {
        for (Object[] r : rows) {
            if (r.length != metaData.getColumnCount()) {
                throw new IllegalArgumentException("A row of " + r.length + " values for " + metaData + ": " + Arrays.toString(r));
            }
        }
        return new StubMetaDataResultSet(metaData, List.copyOf(rows));
    }

    private void checkOpen() throws SQLException {
        if (closed) {
            throw new SQLException("This stub result set is closed", "HY010");
        }
    }

    private Object value(int column) throws SQLException {
        checkOpen();
        if (row < 1 || row > rows.size()) {
            throw new SQLException("The stub result set is not on a row; call next() first", "24000");
        }
        if (column < 1 || column > metaData.getColumnCount()) {
            throw new SQLException("Column index " + column + " is out of range 1.." + metaData.getColumnCount(), "07009");
        }
        Object v = rows.get(row - 1)[column - 1];
        wasNull = v == null;
        return v;
    }

    @Override
    public int findColumn(String label) throws SQLException {
        checkOpen();
        List<String> labels = metaData.labels();
        for (int i = 0; i < labels.size(); i++) {
            if (labels.get(i).equalsIgnoreCase(label)) {
                return i + 1;
            }
        }
        throw new SQLException("No column '" + label + "' in " + labels, "42703");
    }

    @Override
    public boolean next() throws SQLException {
        checkOpen();
        if (row <= rows.size()) {
            row++;
        }
        return row <= rows.size();
    }

    @Override
    public String getString(int column) throws SQLException {
        Object v = value(column);
        return v == null ? null : v.toString();
    }

    @Override
    public String getString(String label) throws SQLException {
        return getString(findColumn(label));
    }

    @Override
    public Object getObject(int column) throws SQLException {
        return value(column);
    }

    @Override
    public Object getObject(String label) throws SQLException {
        return getObject(findColumn(label));
    }

    @Override
    public int getInt(int column) throws SQLException {
        Object v = value(column);
        if (v == null) {
            return 0;
        }
        if (v instanceof Number n) {
            return n.intValue();
        }
        if (v instanceof Boolean b) {
            return b ? 1 : 0;
        }
        throw new SQLException("Column " + column + " holds '" + v + "', not a number", "22018");
    }

    @Override
    public int getInt(String label) throws SQLException {
        return getInt(findColumn(label));
    }

    @Override
    public long getLong(int column) throws SQLException {
        return getInt(column);
    }

    @Override
    public long getLong(String label) throws SQLException {
        return getInt(findColumn(label));
    }

    @Override
    public short getShort(int column) throws SQLException {
        return (short) getInt(column);
    }

    @Override
    public short getShort(String label) throws SQLException {
        return getShort(findColumn(label));
    }

    @Override
    public boolean getBoolean(int column) throws SQLException {
        Object v = value(column);
        if (v instanceof Boolean b) {
            return b;
        }
        return v != null && getInt(column) != 0;
    }

    @Override
    public boolean getBoolean(String label) throws SQLException {
        return getBoolean(findColumn(label));
    }

    @Override
    public boolean wasNull() {
        return wasNull;
    }

    @Override
    public ResultSetMetaData getMetaData() throws SQLException {
        checkOpen();
        return metaData;
    }

    @Override
    public int getRow() {
        return row >= 1 && row <= rows.size() ? row : 0;
    }

    @Override
    public int getType() {
        return TYPE_FORWARD_ONLY;
    }

    @Override
    public int getConcurrency() {
        return CONCUR_READ_ONLY;
    }

    @Override
    public Statement getStatement() {
        return null; // JDBC: a result set made by DatabaseMetaData has no statement
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
