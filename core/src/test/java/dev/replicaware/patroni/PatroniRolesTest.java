package dev.replicaware.patroni;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.replicaware.NoPrimaryAvailableException;
import dev.replicaware.ReplicaAwareDataSource;
import dev.replicaware.config.ClusterConfig;
import dev.replicaware.config.FailoverConfig;
import dev.replicaware.config.HealthConfig;
import dev.replicaware.config.NodeConfig;
import dev.replicaware.config.PatroniConfig;
import dev.replicaware.testkit.ClusterNode;
import dev.replicaware.testkit.PostgresCluster;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Patroni as a second source of truth, on a real PostgreSQL cluster whose Patroni REST API is played by a local HTTP
 * server: what Patroni says is set by each test, what the servers say is what they are. Where each statement ran is
 * asked of the server ({@code inet_server_port()}).
 */
class PatroniRolesTest {
    static PostgresCluster cluster;
    static HttpServer patroni;
    static final AtomicReference<String> clusterJson = new AtomicReference<>();
    static final AtomicInteger status = new AtomicInteger(200);
    static ReplicaAwareDataSource ds;

    @BeforeAll
    static void start() throws Exception {
        cluster = PostgresCluster.builder().replicas(2).start();
        patroni = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        patroni.createContext("/cluster", exchange -> {
            byte[] body = clusterJson.get().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(status.get(), body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        patroni.start();
        clusterJson.set(json(cluster.primary(), Set.of()));
        ClusterConfig.Builder b = ClusterConfig.builder("patroni-roles")
                .primary(NodeConfig.of(cluster.primary().name(), cluster.primary().jdbcUrl()))
                .username(cluster.app().username()).password(cluster.app().password())
                .pool(Map.of("maximumPoolSize", "4", "minimumIdle", "1"))
                .health(new HealthConfig(Duration.ofMillis(200), Duration.ofSeconds(1), 3, 1))
                .failover(new FailoverConfig(FailoverConfig.Mode.EXTERNAL, null, Duration.ofMillis(500), null, null, false,
                        new PatroniConfig(List.of("http://127.0.0.1:1", "http://127.0.0.1:" + patroni.getAddress().getPort()))));
        // reads right after a write must reach a replica (waiting there for the commit), not the primary: where
        // reads go is what these tests tell apart
        b.readYourWritesWait(dev.replicaware.config.RoutingConfig.ReadYourWritesWait.ALWAYS);
        for (ClusterNode r : cluster.replicas()) {
            b.replica(NodeConfig.of(r.name(), r.jdbcUrl()));
        }
        ds = new ReplicaAwareDataSource(b.build());
    }

    @AfterAll
    static void stop() {
        if (ds != null) {
            ds.close();
        }
        if (patroni != null) {
            patroni.stop(0);
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @BeforeEach
    void patroniAgreesWithTheServers() throws Exception {
        status.set(200);
        clusterJson.set(json(cluster.primary(), Set.of()));
        awaitWritesOn(cluster.primary());
    }

    /** Patroni's /cluster: {@code leader} is the leader, the others replicas, those in {@code noloadbalance} so tagged. */
    static String json(ClusterNode leader, Set<ClusterNode> noloadbalance) {
        StringBuilder sb = new StringBuilder("{\"members\": [");
        for (ClusterNode n : cluster.nodes()) {
            sb.append(sb.charAt(sb.length() - 1) == '[' ? "" : ", ")
                    .append("{\"name\": \"").append(n.name()).append("\", \"role\": \"").append(n == leader ? "leader" : "replica")
                    .append("\", \"state\": \"running\", \"host\": \"127.0.0.1\", \"port\": ").append(n.port())
                    .append(", \"timeline\": 1")
                    .append(noloadbalance.contains(n) ? ", \"tags\": {\"noloadbalance\": true}" : "").append('}');
        }
        return sb.append("]}").toString();
    }

    static int write() throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS patroni_writes (id serial PRIMARY KEY)");
            try (ResultSet rs = s.executeQuery("INSERT INTO patroni_writes DEFAULT VALUES RETURNING inet_server_port()")) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    static int read() throws SQLException {
        try (Connection c = ds.getConnection()) {
            c.setReadOnly(true);
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT inet_server_port()")) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    static void awaitWritesOn(ClusterNode node) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        Object last = null;
        while (System.nanoTime() < deadline) {
            try {
                last = write();
                if ((int) last == node.port()) {
                    return;
                }
            } catch (SQLException e) {
                last = e;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("writes did not reach " + node + " within 20 s; last: " + last);
    }

    @Test
    void writesGoToTheNodeThatPatroniNamesLeaderAndItsProbeConfirms() throws Exception {
        assertThat(write()).isEqualTo(cluster.primary().port());
    }

    @Test
    void aPrimaryThatPatroniDoesNotNameLeaderTakesNoWrites() throws Exception {
        ClusterNode replica = cluster.replicas().get(0);
        clusterJson.set(json(replica, Set.of())); // Patroni names a replica leader; the servers have not changed
        awaitNoPrimary();
        assertThatThrownBy(PatroniRolesTest::write).isInstanceOf(NoPrimaryAvailableException.class);
        assertThat(ds.topology().node(cluster.primary().name()).orElseThrow().lastError())
                .contains("Patroni names " + replica.name() + " leader");
    }

    /** Writes fail with NoPrimaryAvailableException (after the 500 ms write wait), within 20 s. */
    static void awaitNoPrimary() throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        Object last = null;
        while (System.nanoTime() < deadline) {
            try {
                last = write();
            } catch (NoPrimaryAvailableException e) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("writes still succeed 20 s after Patroni stopped naming the primary leader; last on port " + last);
    }

    @Test
    void aReplicaTaggedNoloadbalanceServesNoReads() throws Exception {
        ClusterNode tagged = cluster.replicas().get(0);
        ClusterNode other = cluster.replicas().get(1);
        Set<Integer> before = new HashSet<>();
        for (int i = 0; i < 40 && before.size() < 2; i++) {
            before.add(read());
        }
        assertThat(before).as("reads before the tag").contains(tagged.port(), other.port());

        clusterJson.set(json(cluster.primary(), Set.of(tagged)));
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        int inARow = 0;
        while (inARow < 20) {
            inARow = read() == other.port() ? inARow + 1 : 0;
            assertThat(System.nanoTime()).as("reads still reach %s tagged noloadbalance", tagged).isLessThan(deadline);
        }
        for (int i = 0; i < 50; i++) {
            assertThat(read()).as("read %d after the tag", i).isEqualTo(other.port());
        }
    }

    @Test
    void switchoverIsLeftToPatroni() {
        assertThatThrownBy(() -> ds.switchover(cluster.replicas().get(0).name())).isInstanceOf(SQLException.class)
                .hasMessageContaining("patronictl switchover");
    }

    @Test
    void whenPatroniFallsSilentTheProbesAloneDecide() throws Exception {
        clusterJson.set(json(cluster.replicas().get(0), Set.of()));
        awaitNoPrimary();
        status.set(503); // no member answers: what it last said goes stale
        awaitWritesOn(cluster.primary());
    }
}
