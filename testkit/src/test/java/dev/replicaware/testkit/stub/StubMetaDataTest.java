package dev.replicaware.testkit.stub;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StubMetaDataTest {
    private final StubServer server = StubServer.named("stub-metadata-test");

    @BeforeEach
    void reset() {
        server.reset();
        StubDriver.register();
    }

    @Test
    void queryResultDescribesItsOneServerColumn() throws SQLException {
        try (Connection c = DriverManager.getConnection(server.url());
             PreparedStatement ps = c.prepareStatement("SELECT x FROM t");
             ResultSet rs = ps.executeQuery()) {
            ResultSetMetaData md = rs.getMetaData();
            assertThat(md.getColumnCount()).isEqualTo(1);
            assertThat(md.getColumnLabel(1)).isEqualTo("server");
            assertThat(md.getColumnType(1)).isEqualTo(Types.VARCHAR);
            assertThat(md.getColumnClassName(1)).isEqualTo(String.class.getName());
            assertThat(rs.findColumn("anything")).isEqualTo(1);
            assertThat(ps.executeQuery().getMetaData()).as("shared, allocates nothing").isSameAs(md);
            assertThatThrownBy(() -> md.getColumnType(2)).isInstanceOf(SQLException.class).hasMessageContaining("out of range");
        }
    }

    @Test
    void noTablesUntilOneIsDeclared() throws SQLException {
        try (Connection c = DriverManager.getConnection(server.url())) {
            assertThat(names(c.getMetaData().getTables(null, null, "%", null), "TABLE_NAME")).isEmpty();
        }
    }

    @Test
    void declaredTableIsReportedWithItsColumns() throws SQLException {
        server.declareTable("t", "x", "y");
        server.declareTable("orders", "id");
        try (Connection c = DriverManager.getConnection(server.url())) {
            DatabaseMetaData md = c.getMetaData();
            assertThat(names(md.getTables(c.getCatalog(), c.getSchema(), "%", new String[] {"TABLE", "VIEW"}), "TABLE_NAME"))
                    .containsExactly("t", "orders");
            assertThat(names(md.getTables(null, null, "t", null), "TABLE_NAME")).containsExactly("t");
            assertThat(names(md.getTables(null, null, "o_d%", null), "TABLE_NAME")).containsExactly("orders");
            assertThat(names(md.getTables(null, null, "t", new String[] {"VIEW"}), "TABLE_NAME")).isEmpty();
            assertThat(names(md.getTables(null, "other", "t", null), "TABLE_NAME")).isEmpty();

            try (ResultSet rs = md.getColumns(c.getCatalog(), c.getSchema(), "t", "%")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString("TABLE_SCHEM")).isEqualTo("public");
                assertThat(rs.getString("COLUMN_NAME")).isEqualTo("x");
                assertThat(rs.getInt("DATA_TYPE")).isEqualTo(Types.INTEGER);
                assertThat(rs.getString("TYPE_NAME")).isEqualTo("INTEGER");
                assertThat(rs.getInt("ORDINAL_POSITION")).isEqualTo(1);
                assertThat(rs.getString("IS_NULLABLE")).isEqualTo("YES");
                assertThat(rs.getString("REMARKS")).isNull();
                assertThat(rs.wasNull()).isTrue();
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString("COLUMN_NAME")).isEqualTo("y");
                assertThat(rs.getInt("ORDINAL_POSITION")).isEqualTo(2);
                assertThat(rs.next()).isFalse();
                assertThat(rs.getMetaData().getColumnLabel(4)).isEqualTo("COLUMN_NAME");
            }
        }
    }

    @Test
    void declaredTablesHaveNoKeysOrIndexes() throws SQLException {
        server.declareTable("t", "x");
        try (Connection c = DriverManager.getConnection(server.url())) {
            DatabaseMetaData md = c.getMetaData();
            try (ResultSet keys = md.getPrimaryKeys(null, null, "t"); ResultSet indexes = md.getIndexInfo(null, null, "t", false, false)) {
                assertThat(keys.next()).isFalse();
                assertThat(keys.findColumn("COLUMN_NAME")).isEqualTo(4);
                assertThat(indexes.next()).isFalse();
                assertThat(indexes.findColumn("INDEX_NAME")).isEqualTo(6);
            }
        }
    }

    @Test
    void typeInfoListsTheTypesStubColumnsHave() throws SQLException {
        try (Connection c = DriverManager.getConnection(server.url());
             ResultSet rs = c.getMetaData().getTypeInfo()) {
            List<Integer> types = new ArrayList<>();
            while (rs.next()) {
                types.add(rs.getInt("DATA_TYPE"));
                assertThat(rs.getString("TYPE_NAME")).isNotBlank();
            }
            assertThat(types).containsExactly(Types.INTEGER, Types.SMALLINT, Types.VARCHAR, Types.BOOLEAN);
        }
    }

    @Test
    void resetForgetsDeclaredTables() {
        server.declareTable("t", "x");
        server.reset();
        assertThat(server.tables()).isEmpty();
    }

    @Test
    void aTableNeedsANameAndAColumn() {
        assertThatThrownBy(() -> server.declareTable(" ", "x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> server.declareTable("t")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'t'");
    }

    @Test
    void catalogResultSetFailsOffItsRowsAndWhenClosed() throws SQLException {
        server.declareTable("t", "x");
        try (Connection c = DriverManager.getConnection(server.url())) {
            ResultSet rs = c.getMetaData().getTables(null, null, "t", null);
            assertThatThrownBy(() -> rs.getString(1)).isInstanceOf(SQLException.class).hasMessageContaining("next()");
            assertThatThrownBy(() -> rs.findColumn("NOPE")).isInstanceOf(SQLException.class).hasMessageContaining("NOPE");
            rs.close();
            assertThatThrownBy(rs::next).isInstanceOf(SQLException.class).hasMessageContaining("closed");
        }
    }

    @Test
    void searchPatternsFollowJdbc() {
        assertThat(StubDatabaseMetaData.matches(null, "t")).isTrue();
        assertThat(StubDatabaseMetaData.matches("%", "t")).isTrue();
        assertThat(StubDatabaseMetaData.matches("t_", "tx")).isTrue();
        assertThat(StubDatabaseMetaData.matches("t_", "t")).isFalse();
        assertThat(StubDatabaseMetaData.matches("a\\_b", "a_b")).isTrue();
        assertThat(StubDatabaseMetaData.matches("a\\_b", "axb")).isFalse();
        assertThat(StubDatabaseMetaData.matches("T", "t")).isFalse();
    }

    private static List<String> names(ResultSet rs, String column) throws SQLException {
        List<String> out = new ArrayList<>();
        try (rs) {
            while (rs.next()) {
                out.add(rs.getString(column));
            }
        }
        return out;
    }
}
