package dev.replicaware.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.replicaware.NoPrimaryAvailableException;
import dev.replicaware.ReplicaAwareConnection;
import dev.replicaware.ReplicaAwareDataSource;
import dev.replicaware.config.ClusterConfig;
import dev.replicaware.config.NodeConfig;
import dev.replicaware.dialect.Role;
import dev.replicaware.testkit.ClusterNode;
import dev.replicaware.testkit.ReplicatedCluster;
import dev.replicaware.topology.NodeState;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The servers, not the configuration, say who is primary; two primaries make writes fail closed; and a node whose
 * whole pool is borrowed is still watched. Each test starts its own small cluster: some of them break it.
 */
abstract class ObservedRoleContract {
    private final List<AutoCloseable> toClose = new ArrayList<>();

    abstract ReplicatedCluster startCluster();

    abstract String whichNodeSql();

    /** Makes a replica accept writes while the primary still runs: a split brain. */
    abstract void makeReplicaClaimPrimary(ReplicatedCluster cluster, ClusterNode replica) throws SQLException;

    @AfterEach
    void closeAll() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
    }

    private <T extends AutoCloseable> T closing(T t) {
        toClose.add(t);
        return t;
    }

    @Test
    void writesFollowTheServerThatSaysItIsPrimaryWhateverTheConfigSays() throws SQLException {
        ReplicatedCluster c = closing(startCluster());
        ClusterNode realPrimary = c.primary();
        ClusterNode realReplica = c.replicas().get(0);
        // configured the wrong way round
        ReplicaAwareDataSource ds = closing(new ReplicaAwareDataSource(ClusterConfig.builder("swapped")
                .primary(NodeConfig.of(realReplica.name(), realReplica.jdbcUrl()))
                .replica(NodeConfig.of(realPrimary.name(), realPrimary.jdbcUrl()))
                .username(c.app().username()).password(c.app().password())
                // the read after the CREATE TABLE must reach the replica: it waits there for the commit rather than
                // going to the primary, which is what this test tells apart
                .readYourWritesWait(dev.replicaware.config.RoutingConfig.ReadYourWritesWait.ALWAYS).build()));
        assertThat(ds.topology().node(realPrimary.name()).orElseThrow().role()).isEqualTo(Role.PRIMARY);
        try (Connection conn = ds.getConnection()) {
            assertThat(port(conn)).isEqualTo(realPrimary.port());
            try (Statement s = conn.createStatement()) {
                s.execute("CREATE TABLE role_probe (id INT)");
            }
        }
        try (Connection conn = ds.getConnection()) {
            conn.setReadOnly(true);
            assertThat(port(conn)).isEqualTo(realReplica.port());
        }
    }

    @Test
    void twoPrimariesMakeWritesFailClosedNamingBoth() throws SQLException {
        ReplicatedCluster c = closing(startCluster());
        ReplicaAwareDataSource ds = closing(RoutingContractTest.dataSource(c, b -> { }));
        ClusterNode replica = c.replicas().get(0);
        makeReplicaClaimPrimary(c, replica);
        LagAwareRoutingContract.awaitStatus(ds, replica.name(), s -> s.role() == Role.PRIMARY, Duration.ofSeconds(10));
        assertThatThrownBy(() -> {
            try (Connection conn = ds.getConnection(); Statement s = conn.createStatement()) {
                s.execute("CREATE TABLE never_written (id INT)");
            }
        }).isInstanceOf(NoPrimaryAvailableException.class)
                .hasMessageContaining("Cluster 'it'")
                .hasMessageContaining("nodes " + c.primary().name() + " and " + replica.name() + " both claim to be the primary")
                .satisfies(e -> assertThat(((SQLException) e).getSQLState()).startsWith("08"));
        // no write reached either server
        for (ClusterNode n : c.nodes()) {
            try (Connection conn = c.connectAdmin(n); Statement s = conn.createStatement();
                 ResultSet rs = s.executeQuery("SELECT count(*) FROM information_schema.tables WHERE table_name = 'never_written'")) {
                rs.next();
                assertThat(rs.getInt(1)).as("table on %s", n.name()).isZero();
            }
        }
    }

    @Test
    void aNodeWhosePoolIsFullyBorrowedIsStillSeenGoingDown() throws SQLException {
        ReplicatedCluster c = closing(startCluster());
        ClusterNode replica = c.replicas().get(0);
        ReplicaAwareDataSource ds = closing(RoutingContractTest.dataSource(c, b -> b.pool(Map.of("maximumPoolSize", "2"))));
        List<Connection> held = new ArrayList<>();
        try {
            for (int i = 0; i < 2; i++) {
                Connection conn = ds.getConnection();
                held.add(conn);
                conn.setReadOnly(true);
                assertThat(port(conn)).isEqualTo(replica.port()); // the only replica: both its pool connections now held
            }
            assertThat(ds.routingTopology().node(replica.name()).orElseThrow().activeConnections()).isEqualTo(2);
            c.pause(replica);
            try {
                LagAwareRoutingContract.awaitStatus(ds, replica.name(), s -> s.state() == NodeState.DOWN, Duration.ofSeconds(5));
            } finally {
                c.resume(replica);
            }
        } finally {
            for (Connection conn : held) {
                conn.close();
            }
        }
        LagAwareRoutingContract.awaitStatus(ds, replica.name(), s -> s.state() == NodeState.UP, Duration.ofSeconds(10));
    }

    private int port(Connection conn) throws SQLException {
        try (Statement s = conn.createStatement(); ResultSet rs = s.executeQuery(whichNodeSql())) {
            rs.next();
            return rs.getInt(1);
        }
    }

    static String servingNode(Connection conn) throws SQLException {
        return conn.unwrap(ReplicaAwareConnection.class).servingNode().orElse("none");
    }
}
