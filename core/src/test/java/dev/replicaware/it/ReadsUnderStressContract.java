package dev.replicaware.it;

import dev.replicaware.ReplicaAwareConnection;
import dev.replicaware.ReplicaAwareDataSource;
import dev.replicaware.config.ClusterConfig;
import dev.replicaware.config.NodeConfig;
import dev.replicaware.testkit.ClusterNode;
import dev.replicaware.testkit.ReplicatedCluster;
import dev.replicaware.topology.Node;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Reads when a replica is busy or dies under a transaction, on a real cluster of a primary and two replicas. Where a
 * statement ran is always read back from the server ({@link #whichNodeSql()}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class ReadsUnderStressContract {
    private ReplicatedCluster cluster;

    /** Starts a cluster of a primary and two replicas. */
    protected abstract ReplicatedCluster startCluster();

    /** SQL whose one row, one column answers the port of the server that ran it. */
    protected abstract String whichNodeSql();

    @BeforeAll
    void start() {
        cluster = startCluster();
    }

    @AfterAll
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    /** Round-robin over both replicas; replicas' pools hold {@code replicaPoolSize} connections. */
    private ReplicaAwareDataSource dataSource(int replicaPoolSize) {
        ClusterConfig.Builder b = ClusterConfig.builder("stress")
                .primary(NodeConfig.of(cluster.primary().name(), cluster.primary().jdbcUrl()))
                .username(cluster.app().username()).password(cluster.app().password())
                .pool(Map.of("maximumPoolSize", "4", "minimumIdle", "1"));
        for (ClusterNode r : cluster.replicas()) {
            b.replica(new NodeConfig(r.name(), r.jdbcUrl(), null, null,
                    Map.of("maximumPoolSize", String.valueOf(replicaPoolSize), "minimumIdle", "1"), 1));
        }
        return new ReplicaAwareDataSource(b.build());
    }

    private String servedBy(Connection connection) throws SQLException {
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(whichNodeSql())) {
            return nodeOf(rs);
        }
    }

    private String nodeOf(ResultSet rs) throws SQLException {
        rs.next();
        int port = rs.getInt(1);
        return cluster.nodes().stream().filter(n -> n.port() == port).findFirst().map(ClusterNode::name)
                .orElseThrow(() -> new AssertionError("No node of " + cluster + " listens on port " + port));
    }

    private String oneRead(ReplicaAwareDataSource ds) throws SQLException {
        try (Connection c = ds.getConnection()) {
            c.setReadOnly(true);
            return servedBy(c);
        }
    }

    private static Node node(ReplicaAwareDataSource ds, String name) {
        return ds.routingTopology().nodes().stream().filter(n -> n.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void aReplicaWhosePoolIsExhaustedIsSkippedNotBackedOffAndServesAgainAsSoonAsItIsFree() throws SQLException {
        try (ReplicaAwareDataSource ds = dataSource(1)) {
            Connection holder = ds.getConnection();
            String busy;
            try {
                holder.setReadOnly(true);
                holder.setAutoCommit(false);
                busy = servedBy(holder); // holds the busy replica's only connection
                assertThat(busy).isNotEqualTo(cluster.primary().name());
                String other = cluster.replicas().stream().map(ClusterNode::name).filter(n -> !n.equals(busy))
                        .findFirst().orElseThrow();
                List<String> whileBusy = new ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    whileBusy.add(oneRead(ds));
                }
                assertThat(whileBusy).as("reads while %s's pool of 1 is held", busy).containsOnly(other);
                assertThat(node(ds, busy).busy()).as("times %s was found busy", busy).isPositive();
                holder.commit();
            } finally {
                holder.close();
            }
            List<String> afterwards = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                afterwards.add(oneRead(ds));
            }
            assertThat(afterwards).as("reads right after %s's connection was returned", busy).contains(busy)
                    .doesNotContain(cluster.primary().name());
            assertThat(node(ds, busy).failures()).as("failures charged to the busy replica %s", busy).isZero();
        }
    }

    @Test
    void statementsPreparedBeforeAReadRetryAreRemadeOnTheNewReplicaAndTheDeadOneAloneIsCharged() throws SQLException {
        try (ReplicaAwareDataSource ds = dataSource(2); Connection c = ds.getConnection()) {
            c.setReadOnly(true);
            c.setAutoCommit(false);
            PreparedStatement first = c.prepareStatement(whichNodeSql());
            PreparedStatement earlier = c.prepareStatement(whichNodeSql());
            PreparedStatement notRemadeable = c.prepareStatement(whichNodeSql(), Statement.NO_GENERATED_KEYS);
            String dead = c.unwrap(ReplicaAwareConnection.class).servingNode().orElseThrow();
            ClusterNode deadNode = cluster.node(dead);
            String survivor = cluster.replicas().stream().map(ClusterNode::name).filter(n -> !n.equals(dead))
                    .findFirst().orElseThrow();
            cluster.kill(deadNode);
            try {
                String movedTo;
                try (ResultSet rs = first.executeQuery()) { // fails on the dead replica, retried elsewhere
                    movedTo = nodeOf(rs);
                }
                // the survivor, unless it could not serve at that moment: then the primary (fallbackToPrimary)
                assertThat(movedTo).as("the retried first statement; topology %s", ds.topology()).isNotEqualTo(dead);
                try (ResultSet rs = earlier.executeQuery()) {
                    assertThat(nodeOf(rs)).as("a statement prepared on %s before the retry", dead).isEqualTo(movedTo);
                }
                assertThatThrownBy(notRemadeable::executeQuery)
                        .as("a statement prepared on %s before the retry that cannot be made again", dead)
                        .isInstanceOf(SQLException.class)
                        .hasMessageContaining(dead).hasMessageContaining(movedTo);
                c.commit();
                assertThat(node(ds, movedTo).failures()).as("failures charged to %s, where the transaction moved", movedTo).isZero();
                if (!movedTo.equals(survivor)) {
                    System.out.println("[" + cluster.engine() + "] the read retry went to " + movedTo + "; topology " + ds.topology());
                } else {
                    assertThat(oneRead(ds)).as("a new read while %s is dead", dead).isEqualTo(survivor);
                }
            } finally {
                cluster.start(deadNode);
            }
        }
    }
}
