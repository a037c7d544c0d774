package dev.replicaware.it;

import dev.replicaware.ReplicaAwareDataSource;
import dev.replicaware.testkit.ClusterExtension;
import dev.replicaware.testkit.PostgresCluster;
import dev.replicaware.topology.Node;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static dev.replicaware.it.RoutingContractTest.await;
import static dev.replicaware.it.RoutingContractTest.awaitNoActiveConnections;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The connection contract where the real driver and pool matter, on a real PostgreSQL primary: waiting for a pool of
 * one connection, and that the driver's own objects (metadata result sets, generated keys) lead back to the logical
 * connection.
 */
class PostgresConnectionContractTest {
    @RegisterExtension
    static final ClusterExtension<PostgresCluster> CLUSTER = ClusterExtension.of(() -> PostgresCluster.builder().replicas(1).start());

    private static ReplicaAwareDataSource poolOfOne(long connectionTimeoutMillis) {
        return RoutingContractTest.dataSource(CLUSTER.get(), b -> b.pool(Map.of("maximumPoolSize", "1", "minimumIdle", "0",
                "connectionTimeout", Long.toString(connectionTimeoutMillis))));
    }

    private static Node primary(ReplicaAwareDataSource ds) {
        return ds.routingTopology().primary();
    }

    private static int port(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT inet_server_port()")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    @Test
    void abortWhileWaitingForThePoolGivesBackTheConnectionItGetsLater() throws Exception {
        ExecutorService waiterThread = Executors.newSingleThreadExecutor();
        try (ReplicaAwareDataSource ds = poolOfOne(20_000)) {
            Connection holder = ds.getConnection();
            port(holder); // takes the pool's one connection
            Connection waiter = ds.getConnection();
            Future<Integer> waiting = waiterThread.submit(() -> port(waiter));
            await("a request waiting for the primary's pool", Duration.ofSeconds(10),
                    () -> primary(ds).pool().getHikariPoolMXBean().getThreadsAwaitingConnection() == 1,
                    () -> "waiting=" + primary(ds).pool().getHikariPoolMXBean().getThreadsAwaitingConnection());

            waiter.abort(Runnable::run);
            holder.close(); // the waiter now gets the connection, for a logical connection that is closed

            assertThatThrownBy(() -> waiting.get(30, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class).cause()
                    .isInstanceOf(SQLException.class).hasMessageContaining("closed");
            awaitNoActiveConnections(ds);
            try (Connection next = ds.getConnection()) {
                assertThat(port(next)).isEqualTo(CLUSTER.get().primary().port());
            }
        } finally {
            waiterThread.shutdownNow();
        }
    }

    @Test
    void aPoolTimeoutSaysTheRealWaitTheNodeAndThePoolState() throws Exception {
        try (ReplicaAwareDataSource ds = poolOfOne(2_500); Connection holder = ds.getConnection()) {
            port(holder);
            try (Connection late = ds.getConnection()) {
                long start = System.nanoTime();
                assertThatThrownBy(() -> port(late))
                        .isInstanceOf(SQLTransientConnectionException.class)
                        .hasMessageContaining("'" + CLUSTER.get().primary().name() + "'")
                        .hasMessageContaining("connectionTimeout of 2500 ms")
                        .hasMessageContaining("active=1")
                        .hasMessageContaining("waited ")
                        .hasMessageNotContaining("1000ms");
                // The router reads the clock only after the first failed slice; the request still waits it all.
                assertThat(Duration.ofNanos(System.nanoTime() - start)).as("how long the request waited")
                        .isGreaterThanOrEqualTo(Duration.ofMillis(2_500));
            }
        }
    }

    @Test
    void theDriversResultSetsLeadBackToTheLogicalConnection() throws Exception {
        try (ReplicaAwareDataSource ds = poolOfOne(5_000)) {
            Connection c = ds.getConnection();
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE IF NOT EXISTS contract_keys (id SERIAL PRIMARY KEY, note TEXT)");
                s.executeUpdate("INSERT INTO contract_keys (note) VALUES ('x')", Statement.RETURN_GENERATED_KEYS);
                try (ResultSet keys = s.getGeneratedKeys()) {
                    assertThat(keys.getStatement()).isSameAs(s);
                }
            }
            DatabaseMetaData md = c.getMetaData();
            assertThat(md.getConnection()).isSameAs(c);
            ResultSet tables = md.getTables(null, null, "contract_keys", null);
            assertThat(tables.next()).isTrue();
            Statement behindTables = tables.getStatement();
            assertThat(behindTables).as("pgjdbc's metadata result sets have a statement").isNotNull();
            assertThat(behindTables.getConnection()).isSameAs(c);

            behindTables.getConnection().close(); // what an application reaching the connection this way would do
            assertThat(c.isClosed()).isTrue();
            awaitNoActiveConnections(ds);
        }
    }

    private static String applicationName(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW application_name")) {
            rs.next();
            return rs.getString(1);
        }
    }

    @Test
    void anApplicationNameOneBorrowerSetsIsGoneForTheNext() throws Exception {
        try (ReplicaAwareDataSource ds = poolOfOne(5_000)) {
            String before;
            try (Connection c = ds.getConnection()) {
                before = applicationName(c);
            }
            try (Connection c = ds.getConnection()) {
                c.setClientInfo("ApplicationName", "first-borrower");
                assertThat(applicationName(c)).isEqualTo("first-borrower");
            }
            try (Connection next = ds.getConnection()) { // the pool's one connection again
                assertThat(applicationName(next)).as("application_name on the server").isEqualTo(before);
            }
        }
    }
}
