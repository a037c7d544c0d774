package dev.replicaware.testkit.stub;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What a stub connection says about itself: product "Stub", the server's URL, and the basics frameworks ask for.
 * Its catalog calls report the tables the server {@linkplain StubServer#declareTable declared}, all in catalog
 * {@value #CATALOG}, schema {@value #SCHEMA}: columns INTEGER and nullable, no primary key, no index.
 */
public final class StubDatabaseMetaData extends UnsupportedDatabaseMetaData {
    /** The one catalog, also every stub connection's initial {@code getCatalog()}. */
    public static final String CATALOG = "stub";
    /** The one schema, also every stub connection's initial {@code getSchema()}. */
    public static final String SCHEMA = "public";

    private static final StubResultSetMetaData TABLES = StubMetaDataResultSet.columns(
            "TABLE_CAT", Types.VARCHAR, "TABLE_SCHEM", Types.VARCHAR, "TABLE_NAME", Types.VARCHAR, "TABLE_TYPE", Types.VARCHAR,
            "REMARKS", Types.VARCHAR, "TYPE_CAT", Types.VARCHAR, "TYPE_SCHEM", Types.VARCHAR, "TYPE_NAME", Types.VARCHAR,
            "SELF_REFERENCING_COL_NAME", Types.VARCHAR, "REF_GENERATION", Types.VARCHAR);
    private static final StubResultSetMetaData COLUMNS = StubMetaDataResultSet.columns(
            "TABLE_CAT", Types.VARCHAR, "TABLE_SCHEM", Types.VARCHAR, "TABLE_NAME", Types.VARCHAR, "COLUMN_NAME", Types.VARCHAR,
            "DATA_TYPE", Types.INTEGER, "TYPE_NAME", Types.VARCHAR, "COLUMN_SIZE", Types.INTEGER, "BUFFER_LENGTH", Types.INTEGER,
            "DECIMAL_DIGITS", Types.INTEGER, "NUM_PREC_RADIX", Types.INTEGER, "NULLABLE", Types.INTEGER, "REMARKS", Types.VARCHAR,
            "COLUMN_DEF", Types.VARCHAR, "SQL_DATA_TYPE", Types.INTEGER, "SQL_DATETIME_SUB", Types.INTEGER,
            "CHAR_OCTET_LENGTH", Types.INTEGER, "ORDINAL_POSITION", Types.INTEGER, "IS_NULLABLE", Types.VARCHAR,
            "SCOPE_CATALOG", Types.VARCHAR, "SCOPE_SCHEMA", Types.VARCHAR, "SCOPE_TABLE", Types.VARCHAR,
            "SOURCE_DATA_TYPE", Types.SMALLINT, "IS_AUTOINCREMENT", Types.VARCHAR, "IS_GENERATEDCOLUMN", Types.VARCHAR);
    private static final StubResultSetMetaData PRIMARY_KEYS = StubMetaDataResultSet.columns(
            "TABLE_CAT", Types.VARCHAR, "TABLE_SCHEM", Types.VARCHAR, "TABLE_NAME", Types.VARCHAR, "COLUMN_NAME", Types.VARCHAR,
            "KEY_SEQ", Types.SMALLINT, "PK_NAME", Types.VARCHAR);
    private static final StubResultSetMetaData INDEX_INFO = StubMetaDataResultSet.columns(
            "TABLE_CAT", Types.VARCHAR, "TABLE_SCHEM", Types.VARCHAR, "TABLE_NAME", Types.VARCHAR, "NON_UNIQUE", Types.BOOLEAN,
            "INDEX_QUALIFIER", Types.VARCHAR, "INDEX_NAME", Types.VARCHAR, "TYPE", Types.SMALLINT,
            "ORDINAL_POSITION", Types.SMALLINT, "COLUMN_NAME", Types.VARCHAR, "ASC_OR_DESC", Types.VARCHAR,
            "CARDINALITY", Types.INTEGER, "PAGES", Types.INTEGER, "FILTER_CONDITION", Types.VARCHAR);
    private static final StubResultSetMetaData TYPE_INFO = StubMetaDataResultSet.columns(
            "TYPE_NAME", Types.VARCHAR, "DATA_TYPE", Types.INTEGER, "PRECISION", Types.INTEGER, "LITERAL_PREFIX", Types.VARCHAR,
            "LITERAL_SUFFIX", Types.VARCHAR, "CREATE_PARAMS", Types.VARCHAR, "NULLABLE", Types.SMALLINT,
            "CASE_SENSITIVE", Types.BOOLEAN, "SEARCHABLE", Types.SMALLINT, "UNSIGNED_ATTRIBUTE", Types.BOOLEAN,
            "FIXED_PREC_SCALE", Types.BOOLEAN, "AUTO_INCREMENT", Types.BOOLEAN, "LOCAL_TYPE_NAME", Types.VARCHAR,
            "MINIMUM_SCALE", Types.SMALLINT, "MAXIMUM_SCALE", Types.SMALLINT, "SQL_DATA_TYPE", Types.INTEGER,
            "SQL_DATETIME_SUB", Types.INTEGER, "NUM_PREC_RADIX", Types.INTEGER);

    private final StubConnection connection;

    StubDatabaseMetaData(StubConnection connection) {
        this.connection = connection;
    }

    @Override
    public Connection getConnection() {
        return connection;
    }

    @Override
    public String getURL() {
        return connection.server().url();
    }

    @Override
    public String getUserName() {
        return connection.user();
    }

    @Override
    public String getDatabaseProductName() {
        return "Stub";
    }

    @Override
    public String getDatabaseProductVersion() {
        return "1.0";
    }

    @Override
    public int getDatabaseMajorVersion() {
        return 1;
    }

    @Override
    public int getDatabaseMinorVersion() {
        return 0;
    }

    @Override
    public String getDriverName() {
        return "Replicaware stub driver";
    }

    @Override
    public String getDriverVersion() {
        return "1.0";
    }

    @Override
    public int getDriverMajorVersion() {
        return 1;
    }

    @Override
    public int getDriverMinorVersion() {
        return 0;
    }

    @Override
    public int getJDBCMajorVersion() {
        return 4;
    }

    @Override
    public int getJDBCMinorVersion() {
        return 3;
    }

    @Override
    public boolean supportsTransactions() {
        return true;
    }

    @Override
    public boolean supportsSavepoints() {
        return true;
    }

    @Override
    public boolean isReadOnly() throws SQLException {
        return connection.isReadOnly();
    }

    // ---- catalog calls ---------------------------------------------------------------------------------------

    @Override
    public ResultSet getTables(String catalog, String schemaPattern, String tableNamePattern, String[] types) throws SQLException {
        connection.checkOpen();
        List<Object[]> rows = new ArrayList<>();
        if (inCatalogAndSchema(catalog, schemaPattern) && (types == null || List.of(types).contains("TABLE"))) {
            for (String table : connection.server().tables().keySet()) {
                if (matches(tableNamePattern, table)) {
                    rows.add(new Object[] {CATALOG, SCHEMA, table, "TABLE", null, null, null, null, null, null});
                }
            }
        }
        return StubMetaDataResultSet.of(TABLES, rows);
    }

    @Override
    public ResultSet getColumns(String catalog, String schemaPattern, String tableNamePattern, String columnNamePattern)
            throws SQLException {
        connection.checkOpen();
        List<Object[]> rows = new ArrayList<>();
        if (inCatalogAndSchema(catalog, schemaPattern)) {
            for (Map.Entry<String, List<String>> table : connection.server().tables().entrySet()) {
                if (!matches(tableNamePattern, table.getKey())) {
                    continue;
                }
                List<String> columns = table.getValue();
                for (int i = 0; i < columns.size(); i++) {
                    if (matches(columnNamePattern, columns.get(i))) {
                        rows.add(new Object[] {CATALOG, SCHEMA, table.getKey(), columns.get(i), Types.INTEGER, "INTEGER", 10, null,
                                0, 10, columnNullable, null, null, null, null, null, i + 1, "YES", null, null, null, null, "NO", "NO"});
                    }
                }
            }
        }
        return StubMetaDataResultSet.of(COLUMNS, rows);
    }

    /** Declared tables have no primary key: always empty. */
    @Override
    public ResultSet getPrimaryKeys(String catalog, String schema, String table) throws SQLException {
        connection.checkOpen();
        return StubMetaDataResultSet.of(PRIMARY_KEYS, List.of());
    }

    /** Declared tables have no index: always empty. */
    @Override
    public ResultSet getIndexInfo(String catalog, String schema, String table, boolean unique, boolean approximate)
            throws SQLException {
        connection.checkOpen();
        return StubMetaDataResultSet.of(INDEX_INFO, List.of());
    }

    /** The types the stub's columns have: INTEGER, SMALLINT, VARCHAR and BOOLEAN, ordered by DATA_TYPE as JDBC asks. */
    @Override
    public ResultSet getTypeInfo() throws SQLException {
        connection.checkOpen();
        short nullable = (short) typeNullable;
        short searchable = (short) typeSearchable;
        return StubMetaDataResultSet.of(TYPE_INFO, List.of(
                new Object[] {"INTEGER", Types.INTEGER, 10, null, null, null, nullable, false, searchable, false, false, false,
                        null, (short) 0, (short) 0, null, null, 10},
                new Object[] {"SMALLINT", Types.SMALLINT, 5, null, null, null, nullable, false, searchable, false, false, false,
                        null, (short) 0, (short) 0, null, null, 10},
                new Object[] {"VARCHAR", Types.VARCHAR, 255, "'", "'", "length", nullable, true, searchable, false, false, false,
                        null, (short) 0, (short) 0, null, null, null},
                new Object[] {"BOOLEAN", Types.BOOLEAN, 1, null, null, null, nullable, false, searchable, false, false, false,
                        null, (short) 0, (short) 0, null, null, null}));
    }

    /** JDBC: a null catalog or schema pattern does not narrow the search; "" means "without one", which no stub table is. */
    private static boolean inCatalogAndSchema(String catalog, String schemaPattern) {
        return (catalog == null || catalog.equals(CATALOG)) && matches(schemaPattern, SCHEMA);
    }

    /** A JDBC search pattern: {@code %} any run of characters, {@code _} one character, {@code \} escapes; null matches all. */
    static boolean matches(String pattern, String name) {
        if (pattern == null) {
            return true;
        }
        StringBuilder regex = new StringBuilder();
        for (int i = 0; i < pattern.length(); i++) {
            char ch = pattern.charAt(i);
            if (ch == '\\' && i + 1 < pattern.length()) {
                regex.append(Pattern.quote(String.valueOf(pattern.charAt(++i))));
            } else if (ch == '%') {
                regex.append(".*");
            } else if (ch == '_') {
                regex.append('.');
            } else {
                regex.append(Pattern.quote(String.valueOf(ch)));
            }
        }
        return Pattern.matches(regex.toString(), name);
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        if (iface.isInstance(this)) {
            return iface.cast(this);
        }
        throw new SQLException("Stub metadata is not a wrapper for " + iface.getName());
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) {
        return iface.isInstance(this);
    }
}
