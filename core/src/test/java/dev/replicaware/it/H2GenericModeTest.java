package dev.replicaware.it;

import dev.replicaware.ReplicaAwareDataSource;
import dev.replicaware.config.ClusterConfig;
import dev.replicaware.config.HealthConfig;
import dev.replicaware.topology.NodeState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.UUID;

import static dev.replicaware.it.SqliteGenericModeTest.awaitState;
import static dev.replicaware.it.MarkerRows.marker;
import static dev.replicaware.it.MarkerRows.readOnlyMarker;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Generic mode on H2, a driver that accepts the read-only flag on an open connection, built with the Java API: two
 * in-memory databases stand for the primary and its replica, each with a marker row naming it, so which database
 * served a statement is read back from the database. The replica's URL says {@code IFEXISTS=TRUE}, so once it is shut
 * down it cannot come back empty.
 */
class H2GenericModeTest {
    private String primaryUrl;
    private String replicaUrl;
    private Connection keepPrimary;
    private Connection keepReplica;

    @BeforeEach
    void databases() throws SQLException {
        String id = UUID.randomUUID().toString().substring(0, 8);
        primaryUrl = "jdbc:h2:mem:primary-" + id + ";DB_CLOSE_DELAY=-1";
        replicaUrl = "jdbc:h2:mem:replica-" + id + ";DB_CLOSE_DELAY=-1";
        keepPrimary = create(primaryUrl, "primary");
        keepReplica = create(replicaUrl, "replica");
        replicaUrl += ";IFEXISTS=TRUE";
    }

    private static Connection create(String url, String name) throws SQLException {
        Connection c = DriverManager.getConnection(url, "sa", "");
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE marker (name VARCHAR(16) NOT NULL)");
            s.execute("INSERT INTO marker VALUES ('" + name + "')");
            s.execute("CREATE TABLE orders (id INT AUTO_INCREMENT PRIMARY KEY, item VARCHAR(32) NOT NULL)");
        }
        return c;
    }

    @AfterEach
    void drop() throws SQLException {
        for (Connection c : new Connection[] {keepPrimary, keepReplica}) {
            if (!c.isClosed()) {
                try (Statement s = c.createStatement()) {
                    s.execute("SHUTDOWN");
                } catch (SQLException alreadyGone) {
                    // shut down by the test
                }
            }
        }
    }

    private ReplicaAwareDataSource dataSource() {
        return new ReplicaAwareDataSource(ClusterConfig.builder("h2")
                .primary("primary", primaryUrl).replica("replica", replicaUrl)
                .username("sa").password("")
                .health(new HealthConfig(Duration.ofMillis(100), Duration.ofMillis(500), 2, 1))
                .build());
    }

    @Test
    void readOnlyTransactionsReadTheReplicaAndWritesReachThePrimary() throws Exception {
        try (ReplicaAwareDataSource ds = dataSource()) {
            awaitState(ds, "replica", NodeState.UP);
            for (int i = 0; i < 3; i++) {
                assertThat(readOnlyMarker(ds)).isEqualTo("replica");
            }
            try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
                assertThat(marker(s)).isEqualTo("primary");
                assertThat(s.executeUpdate("INSERT INTO orders (item) VALUES ('book')")).isEqualTo(1);
            }
            assertThat(count(keepPrimary)).isEqualTo(1);
            assertThat(count(keepReplica)).isZero();
        }
    }

    @Test
    void replicaShutDownIsNoticedAndReadsFallBackToThePrimary() throws Exception {
        try (ReplicaAwareDataSource ds = dataSource()) {
            awaitState(ds, "replica", NodeState.UP);
            assertThat(readOnlyMarker(ds)).isEqualTo("replica");
            try (Statement s = keepReplica.createStatement()) {
                s.execute("SHUTDOWN");
            }
            awaitState(ds, "replica", NodeState.DOWN);
            assertThat(readOnlyMarker(ds)).isEqualTo("primary");
            assertThat(readOnlyMarker(ds)).isEqualTo("primary");
        }
    }

    private static long count(Connection direct) throws SQLException {
        try (Statement s = direct.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM orders")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
