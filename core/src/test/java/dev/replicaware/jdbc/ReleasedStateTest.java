package dev.replicaware.jdbc;

import dev.replicaware.support.StubCluster;
import dev.replicaware.testkit.stub.StubConnection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import java.util.Properties;

import static dev.replicaware.support.StubCluster.servedBy;
import static org.assertj.core.api.Assertions.assertThat;

/** What one borrower of a pooled connection set must not reach the next, and what it set must follow it when rerouted. */
class ReleasedStateTest {
    private StubCluster cluster;

    @AfterEach
    void close() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void holdabilityClientInfoAndTypeMapDoNotReachTheNextBorrower() throws SQLException {
        cluster = StubCluster.start(1, b -> b.pool("maximumPoolSize", "1")); // every borrower gets the same physical connection
        StubConnection physical;
        int holdability;
        Properties clientInfo;
        Map<String, Class<?>> typeMap;
        try (Connection first = cluster.dataSource.getConnection()) {
            physical = first.unwrap(StubConnection.class);
            holdability = physical.getHoldability();
            clientInfo = physical.getClientInfo();
            typeMap = physical.getTypeMap();
        }
        int other = holdability == ResultSet.HOLD_CURSORS_OVER_COMMIT ? ResultSet.CLOSE_CURSORS_AT_COMMIT : ResultSet.HOLD_CURSORS_OVER_COMMIT;

        try (Connection c = cluster.dataSource.getConnection()) {
            servedBy(c); // holds the physical connection while it sets the state
            c.setHoldability(other);
            c.setClientInfo("ApplicationName", "first borrower");
            c.setTypeMap(Map.of("money", String.class));
        }
        try (Connection c = cluster.dataSource.getConnection()) { // set before routing: replayed, then reset too
            c.setHoldability(other);
            c.setClientInfo("ApplicationName", "second borrower");
            c.setTypeMap(Map.of("money", String.class));
            servedBy(c);
        }

        try (Connection next = cluster.dataSource.getConnection()) {
            assertThat(next.unwrap(StubConnection.class)).isSameAs(physical);
            assertThat(physical.getHoldability()).as("holdability").isEqualTo(holdability);
            assertThat(physical.getClientInfo()).as("client info").isEqualTo(clientInfo);
            assertThat(physical.getTypeMap()).as("type map").isEqualTo(typeMap);
        }
    }

    @Test
    void aTypeMapSetBeforeRoutingFollowsTheConnectionToItsNode() throws SQLException {
        cluster = StubCluster.start(1);
        Map<String, Class<?>> typeMap = Map.of("money", String.class);
        try (Connection c = cluster.dataSource.getConnection()) {
            c.setTypeMap(typeMap);
            c.setReadOnly(true);
            assertThat(servedBy(c)).isEqualTo(cluster.replicas[0].name());
            assertThat(c.unwrap(StubConnection.class).getTypeMap()).isEqualTo(typeMap);
            assertThat(c.getTypeMap()).isEqualTo(typeMap);
        }
    }
}
