package dev.replicaware.jdbc;

import dev.replicaware.support.StubCluster;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Nothing a logical connection hands out leads to the pool's or the driver's objects: closing a connection reached
 * through a result set, a statement or the metadata closes the logical connection, not the physical one under it.
 */
class PhysicalObjectsTest {
    private StubCluster cluster;

    @AfterEach
    void close() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void resultSetsLeadBackToTheStatementTheApplicationHolds() throws SQLException {
        cluster = StubCluster.start(1);
        try (Connection c = cluster.dataSource.getConnection()) {
            Statement s = c.createStatement();
            assertThat(s.executeQuery("SELECT server").getStatement()).isSameAs(s);
            assertThat(s.execute("SELECT server")).isTrue();
            ResultSet current = s.getResultSet();
            assertThat(current.getStatement()).isSameAs(s);
            assertThat(s.getResultSet()).as("the same result set while it is current").isSameAs(current);
            s.executeUpdate("INSERT INTO t VALUES (1)", Statement.RETURN_GENERATED_KEYS);
            assertThat(s.getGeneratedKeys().getStatement()).isSameAs(s);

            PreparedStatement ps = c.prepareStatement("SELECT server");
            assertThat(ps.executeQuery().getStatement()).isSameAs(ps);
            CallableStatement cs = c.prepareCall("SELECT server");
            assertThat(cs.executeQuery().getStatement()).isSameAs(cs);
            assertThat(cs.executeQuery().getStatement().getConnection()).isSameAs(c);
        }
    }

    @Test
    void metaDataAndItsResultSetsLeadBackToTheLogicalConnection() throws SQLException {
        cluster = StubCluster.start(1);
        try (Connection c = cluster.dataSource.getConnection()) {
            DatabaseMetaData md = c.getMetaData();
            assertThat(md.getConnection()).isSameAs(c);
            try (ResultSet tables = md.getTables(null, null, "%", null)) {
                Statement s = tables.getStatement();
                if (s != null) { // JDBC lets a metadata result set have no statement
                    assertThat(s.getConnection()).isSameAs(c);
                }
            }
        }
    }

    @Test
    void closingTheConnectionReachedThroughAResultSetClosesTheLogicalOne() throws SQLException {
        cluster = StubCluster.start(1);
        Connection c = cluster.dataSource.getConnection();
        ResultSet rs = c.createStatement().executeQuery("SELECT server");
        rs.getStatement().getConnection().close();
        assertThat(c.isClosed()).isTrue();
        assertThat(cluster.dataSource.routingTopology().nodes()).allSatisfy(n -> assertThat(n.activeConnections()).isZero());
    }
}
