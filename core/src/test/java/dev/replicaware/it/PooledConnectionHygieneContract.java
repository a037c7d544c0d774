package dev.replicaware.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.replicaware.ReplicaAwareDataSource;
import dev.replicaware.config.ClusterConfig;
import dev.replicaware.config.NodeConfig;
import dev.replicaware.testkit.ClusterNode;
import dev.replicaware.testkit.ReplicatedCluster;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * What a pool must do with a physical connection the application gave back, whoever makes its statements (HikariCP's
 * proxies, or Replicaware on the driver's connection): an uncommitted transaction is rolled back, statements left open
 * are closed, and a connection broken under a statement is not handed out again. Every node's pool holds one
 * connection, so the next borrow gets the same physical connection unless it was evicted; which session served is the
 * server's answer. A subclass names the engine.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class PooledConnectionHygieneContract {
    private ReplicatedCluster cluster;
    private ReplicaAwareDataSource ds;

    /** Starts a cluster of a primary and one replica. */
    abstract ReplicatedCluster startCluster();

    /** SQL whose one row, one column answers the server's id of the session that ran it. */
    abstract String sessionIdSql();

    /** SQL that ends session {@code id} from another session (as an administrator). */
    abstract String killSessionSql(long id);

    @BeforeAll
    void start() throws SQLException {
        cluster = startCluster();
        try (Connection c = cluster.connectApp(cluster.primary()); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE hygiene (id INT PRIMARY KEY)");
        }
        ClusterNode primary = cluster.primary();
        ClusterNode replica = cluster.replicas().get(0);
        ds = new ReplicaAwareDataSource(ClusterConfig.builder("hygiene")
                .primary(NodeConfig.of(primary.name(), primary.jdbcUrl()))
                .replica(NodeConfig.of(replica.name(), replica.jdbcUrl()))
                .username(cluster.app().username()).password(cluster.app().password())
                .pool(Map.of("maximumPoolSize", "1", "minimumIdle", "1"))
                .build());
    }

    @AfterAll
    void stop() {
        if (ds != null) {
            ds.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @BeforeEach
    void emptyTable() throws SQLException {
        try (Connection c = cluster.connectApp(cluster.primary()); Statement s = c.createStatement()) {
            s.execute("DELETE FROM hygiene");
        }
    }

    @Test
    void aConnectionClosedWithAnUncommittedWriteIsRolledBackBeforeTheNextBorrower() throws SQLException {
        long firstSession;
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            insert(c, 1);
            firstSession = sessionId(c);
            // closed without commit or rollback
        }
        assertThat(rowsSeenElsewhere()).as("rows another session sees after a write closed without commit").isEmpty();

        try (Connection c = ds.getConnection()) {
            assertThat(sessionId(c)).as("session of the next borrow (a pool of one: the same physical connection)")
                    .isEqualTo(firstSession);
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT id FROM hygiene")) {
                assertThat(rs.next()).as("the next borrower sees a row of the transaction closed without commit").isFalse();
            }
            c.setAutoCommit(false);
            insert(c, 2);
            c.commit(); // a fresh transaction: it must not carry the first one's insert with it
        }
        assertThat(rowsSeenElsewhere()).as("rows committed after the next borrower's commit").containsExactly(2);
    }

    @Test
    void statementsLeftOpenAreClosedWhenTheConnectionIsClosed() throws SQLException {
        PreparedStatement prepared;
        ResultSet result;
        Statement plain;
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            prepared = c.prepareStatement(sessionIdSql());
            result = prepared.executeQuery();
            assertThat(result.next()).isTrue();
            plain = c.createStatement();
            plain.executeQuery("SELECT id FROM hygiene");
            c.commit();
            // statements and result set left open
        }
        assertThat(prepared.isClosed()).as("prepared statement left open, after its connection was closed").isTrue();
        assertThat(result.isClosed()).as("result set left open, after its connection was closed").isTrue();
        assertThat(plain.isClosed()).as("statement left open, after its connection was closed").isTrue();
        try (Connection c = ds.getConnection()) {
            assertThat(sessionId(c)).as("the physical connection still serves").isPositive();
        }
    }

    @Test
    void aConnectionBrokenUnderAStatementIsNotHandedOutAgain() throws SQLException {
        long broken;
        try (Connection c = ds.getConnection()) {
            broken = sessionId(c);
            try (Connection admin = cluster.connectAdmin(cluster.primary()); Statement s = admin.createStatement()) {
                s.execute(killSessionSql(broken));
            }
            // the server ends the session asynchronously: a statement fails once it has
            SQLException failure = null;
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (failure == null && System.nanoTime() < deadline) {
                try {
                    sessionId(c);
                } catch (SQLException e) {
                    failure = e;
                }
            }
            assertThat((Object) failure).as("failure of a statement on session %d within 10 s of the server ending it", broken)
                    .isNotNull();
        }
        try (Connection c = ds.getConnection()) {
            assertThat(sessionId(c)).as("session of the next borrow, after session %d broke under a statement", broken)
                    .isNotEqualTo(broken);
        }
    }

    private static void insert(Connection c, int id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO hygiene (id) VALUES (?)")) {
            ps.setInt(1, id);
            ps.executeUpdate();
        }
    }

    private long sessionId(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sessionIdSql()); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private List<Integer> rowsSeenElsewhere() throws SQLException {
        List<Integer> ids = new ArrayList<>();
        try (Connection c = cluster.connectApp(cluster.primary()); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT id FROM hygiene ORDER BY id")) {
            while (rs.next()) {
                ids.add(rs.getInt(1));
            }
        }
        return ids;
    }
}
