package dev.replicaware.testkit.stub;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StubDriverTest {
    private final StubServer server = StubServer.named("stub-test");

    @BeforeEach
    void reset() {
        server.reset();
    }

    @Test
    void queryAnswersTheServingServer() throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:stub:stub-test");
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT inet_server_port()")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("stub-test");
            assertThat(rs.getInt(1)).isEqualTo(server.id());
            assertThat(rs.next()).isFalse();
            assertThat(s.getConnection()).isSameAs(c);
        }
        assertThat(server.statements()).isEqualTo(1);
        assertThat(server.connectionsOpened()).isEqualTo(1);
        assertThat(server.openConnections()).isZero();
    }

    @Test
    void preparedStatementsReuseTheirResultSet() throws SQLException {
        try (Connection c = DriverManager.getConnection(server.url()); PreparedStatement ps = c.prepareStatement("SELECT ?")) {
            ps.setInt(1, 7);
            ResultSet first = ps.executeQuery();
            ResultSet second = ps.executeQuery();
            assertThat(second).isSameAs(first);
            assertThat(second.next()).isTrue();
        }
        assertThat(server.statements()).isEqualTo(2);
    }

    @Test
    void recordsStateCallsInOrder() throws SQLException {
        try (Connection c = DriverManager.getConnection(server.url())) {
            c.setReadOnly(true);
            c.setAutoCommit(false);
            c.setTransactionIsolation(Connection.TRANSACTION_SERIALIZABLE);
            c.setSchema("s1");
            c.setClientInfo("ApplicationName", "shop");
            c.commit();
            assertThat(((StubConnection) c).stateCalls()).containsExactly("setReadOnly(true)", "setAutoCommit(false)",
                    "setTransactionIsolation(8)", "setSchema(s1)", "setClientInfo(ApplicationName=shop)", "commit");
        }
    }

    @Test
    void changingReadOnlyInsideTransactionFailsLikePgjdbc() throws SQLException {
        try (Connection c = DriverManager.getConnection(server.url())) {
            c.setAutoCommit(false);
            c.createStatement().execute("UPDATE t SET x = 1");
            assertThatThrownBy(() -> c.setReadOnly(true)).isInstanceOf(SQLException.class)
                    .extracting(e -> ((SQLException) e).getSQLState()).isEqualTo("25001");
            c.rollback();
            c.setReadOnly(true);
            assertThat(c.isReadOnly()).isTrue();
        }
    }

    @Test
    void refusedConnectionsFailWithSqlState08001() {
        server.refuseConnections(true);
        assertThatThrownBy(() -> DriverManager.getConnection(server.url()))
                .isInstanceOf(SQLException.class).hasMessageContaining("stub-test refuses connections".replace("stub-test ", "'stub-test' "))
                .extracting(e -> ((SQLException) e).getSQLState()).isEqualTo("08001");
    }

    @Test
    void brokenConnectionsFailTheirNextStatementWithSqlState08006() throws SQLException {
        try (Connection c = DriverManager.getConnection(server.url())) {
            server.breakConnections();
            assertThat(c.isValid(1)).isFalse();
            assertThatThrownBy(() -> c.createStatement().executeQuery("SELECT 1"))
                    .isInstanceOf(SQLException.class).extracting(e -> ((SQLException) e).getSQLState()).isEqualTo("08006");
            try (Connection fresh = DriverManager.getConnection(server.url())) {
                assertThat(fresh.isValid(1)).isTrue();
            }
        }
    }
}
