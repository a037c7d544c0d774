package dev.replicaware.failover;

import dev.replicaware.testkit.ClusterNode;
import dev.replicaware.testkit.MariaDbCluster;
import dev.replicaware.testkit.ReplicatedCluster;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** {@link FailoverContract} on MariaDB with GTID replication, semi-synchronous where the test needs it. */
class MariaDbFailoverTest extends FailoverContract {

    /** A hung primary keeps the replicas' IO threads running until {@code slave_net_timeout}: 3 s here. */
    @Override
    ReplicatedCluster startCluster(boolean synchronous) {
        return MariaDbCluster.builder().replicas(2).semiSynchronous(synchronous).setting("slave_net_timeout", "3").start();
    }

    @Override
    boolean isPrimary(ReplicatedCluster c, ClusterNode node) throws SQLException {
        return !bool(c, node, "SELECT @@read_only");
    }

    @Override
    boolean isReadOnlyFenced(ReplicatedCluster c, ClusterNode node) throws SQLException {
        return bool(c, node, "SELECT @@read_only");
    }

    @Override
    void stopReceiving(ReplicatedCluster c, ClusterNode replica) throws SQLException {
        try (Connection conn = c.connectAdmin(replica); Statement s = conn.createStatement()) {
            s.execute("STOP SLAVE IO_THREAD");
        }
    }

    @Override
    boolean oldPrimaryRejoinsAfterSwitchover() {
        return true;
    }

    @Override
    long primaryPosition(ReplicatedCluster c) throws SQLException {
        try (Connection conn = c.connectAdmin(c.primary()); Statement s = conn.createStatement();
             ResultSet rs = s.executeQuery("SELECT @@gtid_binlog_pos")) {
            rs.next();
            long total = 0;
            for (String gtid : rs.getString(1).split(",")) {
                total += Long.parseLong(gtid.trim().split("-")[2]);
            }
            return total;
        }
    }

    @Override
    String replicationState(ReplicatedCluster c, ClusterNode replica) {
        try (Connection conn = c.connectAdmin(replica); Statement s = conn.createStatement();
             ResultSet rs = s.executeQuery("SHOW SLAVE STATUS")) {
            if (!rs.next()) {
                return "no replication configured";
            }
            return "IO=" + rs.getString("Slave_IO_Running") + " SQL=" + rs.getString("Slave_SQL_Running") + " host="
                    + rs.getString("Master_Port") + " io_error=" + rs.getString("Last_IO_Error") + " sql_error=" + rs.getString("Last_SQL_Error");
        } catch (SQLException e) {
            return "unreachable: " + e.getMessage();
        }
    }

    @Override
    String whichPortSql() {
        return "SELECT @@port";
    }

    private static boolean bool(ReplicatedCluster c, ClusterNode node, String sql) throws SQLException {
        try (Connection conn = c.connectAdmin(node); Statement s = conn.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getBoolean(1);
        }
    }
}
