package dev.replicaware.jdbc;

import dev.replicaware.ReadConsistency;
import dev.replicaware.ReplicaAwareConnection;
import dev.replicaware.support.StubCluster;
import dev.replicaware.testkit.stub.StubConnection;
import dev.replicaware.topology.Node;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.Executors;

import static dev.replicaware.support.StubCluster.servedBy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The JDBC contract of logical connections, on the stub driver. */
class LogicalConnectionTest {
    private StubCluster cluster;

    @AfterEach
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private List<Node> nodes() {
        return cluster.dataSource.routingTopology().nodes();
    }

    private int activeConnections() {
        return nodes().stream().mapToInt(Node::activeConnections).sum();
    }

    /** Borrows and returns one physical connection of each node, then forgets its state calls: pools of size 1 reuse it. */
    private void warmUpAndClearStateCalls() throws SQLException {
        for (Node n : nodes()) {
            try (Connection c = n.pool().getConnection()) {
                c.isValid(1);
            }
        }
        cluster.primary.clearStateCalls();
        for (var r : cluster.replicas) {
            r.clearStateCalls();
        }
    }

    @Test
    void getConnectionTouchesNoPool() throws SQLException {
        cluster = StubCluster.start(1);
        long probes = cluster.primary.connectionsOpened() + cluster.replicas[0].connectionsOpened(); // the monitor's own
        try (Connection c = cluster.dataSource.getConnection()) {
            c.setReadOnly(true);
            c.setAutoCommit(false);
            c.setTransactionIsolation(Connection.TRANSACTION_SERIALIZABLE);
            assertThat(c.unwrap(ReplicaAwareConnection.class).servingNode()).isEmpty();
            assertThat(activeConnections()).isZero();
            assertThat(cluster.primary.connectionsOpened() + cluster.replicas[0].connectionsOpened()).isEqualTo(probes);
        }
    }

    /** Found by the fault run: HikariCP threw a NullPointerException from close() after the commit had succeeded. */
    @Test
    void closingAfterThePrimarysPoolWasCutOffUnderTheConnectionDoesNotFailTheCommittedWork() throws SQLException {
        cluster = StubCluster.start(1);
        Node primary = cluster.dataSource.routingTopology().node("primary").orElseThrow();
        Connection c = cluster.dataSource.getConnection();
        c.setAutoCommit(false);
        c.setTransactionIsolation(Connection.TRANSACTION_SERIALIZABLE); // state the pool resets on return
        assertThat(servedBy(c)).isEqualTo(cluster.primary.name());
        c.commit();
        primary.cutOff(); // another node took over as primary while this connection was in use
        c.close();
        assertThat(c.isClosed()).isTrue();
        assertThat(activeConnections()).isZero();
    }

    @Test
    void writesRunOnThePrimaryAndReadOnlyOnAReplica() throws SQLException {
        cluster = StubCluster.start(1);
        try (Connection c = cluster.dataSource.getConnection()) {
            assertThat(servedBy(c)).isEqualTo(cluster.primary.name());
            assertThat(c.unwrap(ReplicaAwareConnection.class).servingNode()).contains("primary");
        }
        try (Connection c = cluster.dataSource.getConnection()) {
            c.setReadOnly(true);
            assertThat(servedBy(c)).isEqualTo(cluster.replicas[0].name());
            assertThat(c.unwrap(ReplicaAwareConnection.class).servingNode()).contains("replica1");
        }
    }

    @Test
    void replaysTheRecordedStateThatDiffersFromThePoolDefaults() throws SQLException {
        cluster = StubCluster.start(1, b -> b.pool("maximumPoolSize", "1")
                .pool("transactionIsolation", "TRANSACTION_READ_COMMITTED"));
        warmUpAndClearStateCalls();
        try (Connection c = cluster.dataSource.getConnection()) {
            c.setReadOnly(true);
            c.setAutoCommit(false);
            c.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED); // the pool's default: not replayed
            c.setCatalog("shop");
            c.setSchema("sales");
            c.setHoldability(java.sql.ResultSet.HOLD_CURSORS_OVER_COMMIT);
            c.setNetworkTimeout(Runnable::run, 5000);
            c.setClientInfo("ApplicationName", "checkout");
            servedBy(c);
            StubConnection physical = c.unwrap(StubConnection.class);
            assertThat(physical.server()).isSameAs(cluster.replicas[0]);
            assertThat(physical.stateCalls()).containsExactly("setReadOnly(true)", "setAutoCommit(false)", "setCatalog(shop)",
                    "setSchema(sales)", "setHoldability(1)", "setNetworkTimeout(5000)", "setClientInfo({ApplicationName=checkout})");
            c.commit();
        }
    }

    @Test
    void replaysNothingWhenTheCallerChangedNothing() throws SQLException {
        cluster = StubCluster.start(0, b -> b.pool("maximumPoolSize", "1"));
        warmUpAndClearStateCalls();
        try (Connection c = cluster.dataSource.getConnection()) {
            c.setReadOnly(false);
            c.setAutoCommit(true);
            servedBy(c);
            assertThat(c.unwrap(StubConnection.class).stateCalls()).isEmpty();
        }
    }

    @Test
    void stateSetAfterRoutingGoesStraightToThePhysicalConnection() throws SQLException {
        cluster = StubCluster.start(0, b -> b.pool("maximumPoolSize", "1"));
        warmUpAndClearStateCalls();
        try (Connection c = cluster.dataSource.getConnection()) {
            servedBy(c);
            c.setTransactionIsolation(Connection.TRANSACTION_SERIALIZABLE);
            c.setSchema("audit");
            assertThat(c.unwrap(StubConnection.class).stateCalls()).containsExactly("setTransactionIsolation(8)", "setSchema(audit)");
            assertThat(c.getTransactionIsolation()).isEqualTo(Connection.TRANSACTION_SERIALIZABLE);
            assertThat(c.getSchema()).isEqualTo("audit");
        }
    }

    @Test
    void readOnlySetAfterAnEarlyPhysicalConnectionIsReportedAndRerouted() throws SQLException {
        cluster = StubCluster.start(1);
        List<String> heard = new java.util.ArrayList<>();
        cluster.dataSource.setLateReadOnlyListener((name, node, rerouted) -> heard.add(name + "/" + node + "/" + rerouted));
        try (Connection c = cluster.dataSource.getConnection()) {
            c.getMetaData(); // takes the primary's physical connection before the flag is set
            c.setReadOnly(true);
            assertThat(heard).containsExactly("stub/primary/true");
            assertThat(servedBy(c)).isEqualTo(cluster.replicas[0].name());
        }
        heard.clear();
        try (Connection c = cluster.dataSource.getConnection()) { // a connection used for a write, then read-only: not a trap
            servedBy(c);
            c.setReadOnly(true);
            assertThat(servedBy(c)).isEqualTo(cluster.replicas[0].name());
        }
        assertThat(heard).isEmpty();
    }

    @Test
    void readOnlyChangeInsideATransactionIsRefusedAndSaysWhy() throws SQLException {
        cluster = StubCluster.start(1);
        try (Connection c = cluster.dataSource.getConnection()) {
            c.setAutoCommit(false);
            servedBy(c);
            assertThatThrownBy(() -> c.setReadOnly(true))
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("inside a transaction").hasMessageContaining("'stub'").hasMessageContaining("'primary'")
                    .hasMessageContaining("commit or roll back first")
                    .extracting(e -> ((SQLException) e).getSQLState()).isEqualTo("25001");
            assertThat(c.isReadOnly()).isFalse();
            c.rollback();
            c.setReadOnly(true);
            assertThat(servedBy(c)).isEqualTo(cluster.replicas[0].name());
            c.commit();
        }
    }

    @Test
    void readOnlyChangeAtABoundaryReleasesThePhysicalConnection() throws SQLException {
        cluster = StubCluster.start(1);
        try (Connection c = cluster.dataSource.getConnection()) {
            c.setAutoCommit(false);
            assertThat(servedBy(c)).isEqualTo(cluster.primary.name());
            c.commit();
            c.setReadOnly(true);
            assertThat(c.unwrap(ReplicaAwareConnection.class).servingNode()).isEmpty();
            assertThat(activeConnections()).isZero();
            assertThat(servedBy(c)).isEqualTo(cluster.replicas[0].name());
        }
    }

    @Test
    void unchangedReadOnlyFlagIsANoOpEvenInATransaction() throws SQLException {
        cluster = StubCluster.start(1);
        try (Connection c = cluster.dataSource.getConnection()) {
            c.setReadOnly(true);
            c.setAutoCommit(false);
            servedBy(c);
            c.setReadOnly(true);
            assertThat(c.unwrap(ReplicaAwareConnection.class).servingNode()).contains("replica1");
            c.commit();
        }
    }

    @Test
    void commitAndRollbackWithoutAPhysicalConnectionAreNoOps() throws SQLException {
        cluster = StubCluster.start(1);
        long probes = cluster.primary.connectionsOpened(); // the monitor's own
        try (Connection c = cluster.dataSource.getConnection()) {
            c.setAutoCommit(false);
            c.commit();
            c.rollback();
            assertThat(c.unwrap(ReplicaAwareConnection.class).servingNode()).isEmpty();
        }
        assertThat(cluster.primary.connectionsOpened()).isEqualTo(probes);
    }

    @Test
    void statementsReportTheLogicalConnection() throws SQLException {
        cluster = StubCluster.start(1);
        try (Connection c = cluster.dataSource.getConnection()) {
            try (Statement s = c.createStatement()) {
                assertThat(s.getConnection()).isSameAs(c);
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT ?")) {
                assertThat(ps.getConnection()).isSameAs(c);
                ps.setInt(1, 1);
                assertThat(ps.executeQuery().next()).isTrue();
            }
            try (CallableStatement cs = c.prepareCall("{call f()}")) {
                assertThat(cs.getConnection()).isSameAs(c);
                assertThat(cs.unwrap(CallableStatement.class)).isSameAs(cs);
            }
            try (Statement s = c.createStatement(java.sql.ResultSet.TYPE_FORWARD_ONLY, java.sql.ResultSet.CONCUR_READ_ONLY)) {
                assertThat(s.getConnection()).isSameAs(c);
            }
        }
    }

    @Test
    void closeIsIdempotentAndReturnsThePhysicalConnection() throws SQLException {
        cluster = StubCluster.start(1);
        Connection c = cluster.dataSource.getConnection();
        servedBy(c);
        assertThat(activeConnections()).isEqualTo(1);
        c.close();
        c.close();
        assertThat(c.isClosed()).isTrue();
        assertThat(activeConnections()).isZero();
        assertThatThrownBy(c::createStatement).isInstanceOf(SQLException.class).hasMessageContaining("closed");
        assertThatThrownBy(() -> c.setReadOnly(true)).isInstanceOf(SQLException.class).hasMessageContaining("closed");
    }

    @Test
    void isValidAbortAndWarnings() throws SQLException {
        cluster = StubCluster.start(1);
        Connection c = cluster.dataSource.getConnection();
        assertThat((Object) c.getWarnings()).isNull();
        c.clearWarnings();
        assertThat(c.isValid(1)).isTrue();
        assertThat(activeConnections()).isEqualTo(1);
        c.abort(Executors.newSingleThreadExecutor());
        assertThat(c.isClosed()).isTrue();
        assertThat(c.isValid(1)).isFalse();
        assertThat(activeConnections()).isZero();
        assertThat(cluster.primary.connections()).anySatisfy(p -> assertThat(p.stateCalls()).contains("abort"));
    }

    @Test
    void unwrapsToItselfWithoutAConnectionAndToTheDriversConnection() throws SQLException {
        cluster = StubCluster.start(1);
        try (Connection c = cluster.dataSource.getConnection()) {
            ReplicaAwareConnection rc = c.unwrap(ReplicaAwareConnection.class);
            assertThat(rc).isSameAs(c);
            assertThat(c.isWrapperFor(ReplicaAwareConnection.class)).isTrue();
            assertThat(rc.servingNode()).isEmpty();
            c.setReadOnly(true);
            assertThat(c.isWrapperFor(StubConnection.class)).isTrue();
            assertThat(c.unwrap(StubConnection.class).server()).isSameAs(cluster.replicas[0]);
        }
    }

    @Test
    void metadataSavepointsAndNativeSql() throws SQLException {
        cluster = StubCluster.start(1);
        try (Connection c = cluster.dataSource.getConnection()) {
            assertThat(c.getMetaData().getDatabaseProductName()).isEqualTo("Stub");
            assertThat(c.nativeSQL("SELECT 1")).isEqualTo("SELECT 1");
            c.setAutoCommit(false);
            Savepoint sp = c.setSavepoint("before");
            assertThatThrownBy(() -> c.setReadOnly(true)).hasMessageContaining("inside a transaction");
            c.rollback(sp);
            c.releaseSavepoint(sp);
            c.rollback();
            c.setReadOnly(true);
            assertThatThrownBy(() -> c.rollback(sp)).isInstanceOf(SQLException.class).hasMessageContaining("No savepoint");
        }
    }

    @Test
    void readConsistencyPrimaryKeepsReadsOnThePrimary() throws SQLException {
        cluster = StubCluster.start(1);
        try (Connection c = cluster.dataSource.getConnection()) {
            ReplicaAwareConnection rc = c.unwrap(ReplicaAwareConnection.class);
            rc.setReadConsistency(ReadConsistency.PRIMARY);
            c.setReadOnly(true);
            assertThat(servedBy(c)).isEqualTo(cluster.primary.name());
            rc.setReadConsistency(ReadConsistency.ANY);
            assertThat(servedBy(c)).isEqualTo(cluster.replicas[0].name());
        }
        cluster.dataSource.setReadConsistency(ReadConsistency.PRIMARY);
        try (Connection c = cluster.dataSource.getConnection()) {
            c.setReadOnly(true);
            assertThat(c.unwrap(ReplicaAwareConnection.class).getReadConsistency()).isSameAs(ReadConsistency.PRIMARY);
            assertThat(servedBy(c)).isEqualTo(cluster.primary.name());
        }
    }

    @Test
    void aClosedDataSourceSaysItIsClosed() throws SQLException {
        cluster = StubCluster.start(1);
        Connection open = cluster.dataSource.getConnection();
        cluster.dataSource.close();
        cluster.dataSource.close();
        assertThatThrownBy(cluster.dataSource::getConnection).isInstanceOf(SQLException.class)
                .hasMessageContaining("cluster 'stub' is closed");
        assertThatThrownBy(open::createStatement).isInstanceOf(SQLException.class).hasMessageContaining("is closed");
    }
}
