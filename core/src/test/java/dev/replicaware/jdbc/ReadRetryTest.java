package dev.replicaware.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.replicaware.ReplicaAwareConnection;
import dev.replicaware.support.StubCluster;
import dev.replicaware.testkit.stub.StubServer;
import java.io.ByteArrayInputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The first query of a read-only transaction moves to another node when its replica dies under it; nothing else does. */
class ReadRetryTest {
    private StubCluster cluster;

    @AfterEach
    void close() {
        if (cluster != null) {
            cluster.dataSource.close();
        }
    }

    private StubServer serverOf(Connection c) throws SQLException {
        String node = c.unwrap(ReplicaAwareConnection.class).servingNode().orElseThrow();
        return node.equals("replica1") ? cluster.replicas[0] : node.equals("replica2") ? cluster.replicas[1] : cluster.primary;
    }

    @Test
    void aPreparedReadMovesWithItsSettingsAndParameters() throws SQLException {
        cluster = StubCluster.start(2);
        try (Connection c = cluster.dataSource.getConnection()) {
            c.setReadOnly(true);
            c.setAutoCommit(false);
            PreparedStatement ps = c.prepareStatement("SELECT server");
            ps.setInt(1, 42);
            ps.setString(2, "x");
            ps.setFetchSize(7);
            StubServer first = serverOf(c);
            first.breakConnections();
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                assertThat(rs.getString(1)).isNotEqualTo(first.name());
            }
            assertThat(serverOf(c)).isNotSameAs(first);
            assertThat(ps.getFetchSize()).isEqualTo(7);
            assertThat(ps.getConnection()).isSameAs(c);
            c.commit();
        }
    }

    @Test
    void aPlainReadMovesToo() throws SQLException {
        cluster = StubCluster.start(2);
        try (Connection c = cluster.dataSource.getConnection()) {
            c.setReadOnly(true);
            c.setAutoCommit(false);
            Statement s = c.createStatement();
            StubServer first = serverOf(c);
            first.breakConnections();
            try (ResultSet rs = s.executeQuery("SELECT server")) {
                rs.next();
                assertThat(rs.getString(1)).isNotEqualTo(first.name());
            }
        }
    }

    @Test
    void aLaterStatementOfTheTransactionIsNotRetried() throws SQLException {
        cluster = StubCluster.start(2);
        try (Connection c = cluster.dataSource.getConnection()) {
            c.setReadOnly(true);
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.executeQuery("SELECT server").close();
            }
            serverOf(c).breakConnections();
            try (Statement s = c.createStatement()) {
                assertThatThrownBy(() -> s.executeQuery("SELECT server"))
                        .isInstanceOf(SQLException.class).satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("08006"));
            }
        }
    }

    @Test
    void aWriteIsNeverRetried() throws SQLException {
        cluster = StubCluster.start(2);
        try (Connection c = cluster.dataSource.getConnection()) {
            Statement s = c.createStatement();
            cluster.primary.breakConnections();
            assertThatThrownBy(() -> s.execute("UPDATE t SET x = 1")).isInstanceOf(SQLException.class);
        }
    }

    @Test
    void aStreamParameterTurnsTheRetryOff() throws SQLException {
        cluster = StubCluster.start(2);
        try (Connection c = cluster.dataSource.getConnection()) {
            c.setReadOnly(true);
            PreparedStatement ps = c.prepareStatement("SELECT server");
            ps.setBinaryStream(1, new ByteArrayInputStream(new byte[] {1}));
            serverOf(c).breakConnections();
            assertThatThrownBy(ps::executeQuery).isInstanceOf(SQLException.class);
        }
    }

    @Test
    void aReadOnlyTransactionWhoseServerDiesAtCommitEndsCleanly() throws SQLException {
        cluster = StubCluster.start(1);
        try (Connection c = cluster.dataSource.getConnection()) {
            c.setReadOnly(true);
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.executeQuery("SELECT server").close();
            }
            cluster.replicas[0].breakConnections();
            c.commit(); // nothing was written: nothing is lost
            assertThat(c.unwrap(ReplicaAwareConnection.class).servingNode()).isEmpty();
        }
    }
}
