package dev.replicaware.testkit.stub;

import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Types;
import java.util.List;

/**
 * The shape of a stub result set: column labels and their JDBC types, nothing else (no table, no schema, not writable).
 * Immutable; the one of every query's answer ({@link #QUERY}) is shared, so asking for it allocates nothing.
 */
final class StubResultSetMetaData implements ResultSetMetaData {
    /** Every query's answer: one column, the serving server's name (a VARCHAR; {@code getInt} gives its id). */
    static final StubResultSetMetaData QUERY = new StubResultSetMetaData(List.of("server"), List.of(Types.VARCHAR));

    private final List<String> labels;
    private final List<Integer> types;

    StubResultSetMetaData(List<String> labels, List<Integer> types) {
        if (labels.size() != types.size()) {
            throw new IllegalArgumentException("labels and types differ in length: " + labels + ", " + types);
        }
        this.labels = List.copyOf(labels);
        this.types = List.copyOf(types);
    }

    List<String> labels() {
        return labels;
    }

    private int checked(int column) throws SQLException {
        if (column < 1 || column > labels.size()) {
            throw new SQLException("Column index " + column + " is out of range 1.." + labels.size(), "07009");
        }
        return column - 1;
    }

    @Override
    public int getColumnCount() {
        return labels.size();
    }

    @Override
    public String getColumnLabel(int column) throws SQLException {
        return labels.get(checked(column));
    }

    @Override
    public String getColumnName(int column) throws SQLException {
        return getColumnLabel(column);
    }

    @Override
    public int getColumnType(int column) throws SQLException {
        return types.get(checked(column));
    }

    @Override
    public String getColumnTypeName(int column) throws SQLException {
        return switch (getColumnType(column)) {
            case Types.INTEGER -> "INTEGER";
            case Types.SMALLINT -> "SMALLINT";
            case Types.BOOLEAN -> "BOOLEAN";
            default -> "VARCHAR";
        };
    }

    @Override
    public String getColumnClassName(int column) throws SQLException {
        return switch (getColumnType(column)) {
            case Types.INTEGER -> Integer.class.getName();
            case Types.SMALLINT -> Short.class.getName();
            case Types.BOOLEAN -> Boolean.class.getName();
            default -> String.class.getName();
        };
    }

    @Override
    public int getColumnDisplaySize(int column) throws SQLException {
        return getPrecision(column);
    }

    @Override
    public int getPrecision(int column) throws SQLException {
        return switch (getColumnType(column)) {
            case Types.INTEGER -> 10;
            case Types.SMALLINT -> 5;
            case Types.BOOLEAN -> 1;
            default -> 255;
        };
    }

    @Override
    public int getScale(int column) throws SQLException {
        checked(column);
        return 0;
    }

    @Override
    public boolean isAutoIncrement(int column) throws SQLException {
        checked(column);
        return false;
    }

    @Override
    public boolean isCaseSensitive(int column) throws SQLException {
        return getColumnType(column) == Types.VARCHAR;
    }

    @Override
    public boolean isSearchable(int column) throws SQLException {
        checked(column);
        return true;
    }

    @Override
    public boolean isCurrency(int column) throws SQLException {
        checked(column);
        return false;
    }

    @Override
    public int isNullable(int column) throws SQLException {
        checked(column);
        return columnNullableUnknown;
    }

    @Override
    public boolean isSigned(int column) throws SQLException {
        int type = getColumnType(column);
        return type == Types.INTEGER || type == Types.SMALLINT;
    }

    @Override
    public String getSchemaName(int column) throws SQLException {
        checked(column);
        return "";
    }

    @Override
    public String getTableName(int column) throws SQLException {
        checked(column);
        return "";
    }

    @Override
    public String getCatalogName(int column) throws SQLException {
        checked(column);
        return "";
    }

    @Override
    public boolean isReadOnly(int column) throws SQLException {
        checked(column);
        return true;
    }

    @Override
    public boolean isWritable(int column) throws SQLException {
        checked(column);
        return false;
    }

    @Override
    public boolean isDefinitelyWritable(int column) throws SQLException {
        checked(column);
        return false;
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        if (iface.isInstance(this)) {
            return iface.cast(this);
        }
        throw new SQLException("Stub result set metadata is not a wrapper for " + iface.getName());
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) {
        return iface.isInstance(this);
    }

    @Override
    public String toString() {
        return "StubResultSetMetaData" + labels;
    }
}
