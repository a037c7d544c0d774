package dev.replicaware.failover;

import dev.replicaware.testkit.ClusterNode;
import dev.replicaware.testkit.PostgresCluster;
import dev.replicaware.testkit.ReplicatedCluster;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

/** {@link FailoverContract} on PostgreSQL: sync replication is {@code ANY 1 (replica1, replica2)}. */
class PostgresFailoverTest extends FailoverContract {

    /**
     * A hung primary keeps its replicas "streaming" until {@code wal_receiver_timeout} (default 60 s); until then
     * Replicaware cannot tell it from a live primary that only the application lost, and does not promote.
     */
    @Override
    ReplicatedCluster startCluster(boolean synchronous) {
        return PostgresCluster.builder().replicas(2).synchronousReplicas(synchronous ? 1 : 0)
                .setting("wal_receiver_timeout", "2s").start();
    }

    @Override
    boolean isPrimary(ReplicatedCluster c, ClusterNode node) throws SQLException {
        return !bool(c, node, "SELECT pg_is_in_recovery()");
    }

    @Override
    boolean isReadOnlyFenced(ReplicatedCluster c, ClusterNode node) throws SQLException {
        return bool(c, node, "SELECT current_setting('default_transaction_read_only')::boolean");
    }

    @Override
    void stopReceiving(ReplicatedCluster c, ClusterNode replica) throws SQLException {
        try (Connection conn = c.connectAdmin(replica); Statement s = conn.createStatement()) {
            s.execute("ALTER SYSTEM SET primary_conninfo = ''");
            s.execute("SELECT pg_reload_conf()");
        }
        await(replica.name() + "'s walreceiver stops", Duration.ofSeconds(10),
                () -> !bool(c, replica, "SELECT count(*) > 0 FROM pg_stat_wal_receiver"), () -> "still there");
    }

    @Override
    boolean oldPrimaryRejoinsAfterSwitchover() {
        return false;
    }

    @Override
    long primaryPosition(ReplicatedCluster c) throws SQLException {
        try (Connection conn = c.connectAdmin(c.primary()); Statement s = conn.createStatement();
             ResultSet rs = s.executeQuery("SELECT (pg_current_wal_lsn() - '0/0')::bigint")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Override
    String whichPortSql() {
        return "SELECT inet_server_port()";
    }

    private static boolean bool(ReplicatedCluster c, ClusterNode node, String sql) throws SQLException {
        try (Connection conn = c.connectAdmin(node); Statement s = conn.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getBoolean(1);
        }
    }
}
