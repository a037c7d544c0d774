package dev.replicaware.it;

import dev.replicaware.ReplicaAwareDataSource;
import dev.replicaware.testkit.ClusterExtension;
import dev.replicaware.testkit.PostgresCluster;
import dev.replicaware.topology.Node;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.Connection;
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

/** Waiting for a connection of the primary's pool, on a real PostgreSQL primary with a pool of one connection. */
class PostgresPoolWaitTest {
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
                assertThatThrownBy(() -> port(late))
                        .isInstanceOf(SQLTransientConnectionException.class)
                        .hasMessageContaining("'" + CLUSTER.get().primary().name() + "'")
                        .hasMessageContaining("connectionTimeout of 2500 ms")
                        .hasMessageContaining("active=1")
                        .hasMessageContaining("waited ")
                        .hasMessageNotContaining("1000ms");
            }
        }
    }
}
