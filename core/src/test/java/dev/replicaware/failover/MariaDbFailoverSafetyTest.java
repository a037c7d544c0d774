package dev.replicaware.failover;

import dev.replicaware.testkit.ClusterNode;
import dev.replicaware.testkit.MariaDbCluster;
import dev.replicaware.testkit.ReplicatedCluster;
import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** {@link FailoverSafetyContract} on MariaDB with GTID replication, semi-synchronous where the test needs it. */
class MariaDbFailoverSafetyTest extends FailoverSafetyContract {

    @Override
    ReplicatedCluster startCluster(int replicas, boolean synchronous) {
        return MariaDbCluster.builder().replicas(replicas).semiSynchronous(synchronous).setting("slave_net_timeout", "3").start();
    }

    @Override
    boolean isPrimary(ReplicatedCluster c, ClusterNode node) throws SQLException {
        try (Connection conn = c.connectAdmin(node); Statement s = conn.createStatement();
             ResultSet rs = s.executeQuery("SELECT @@read_only")) {
            rs.next();
            return !rs.getBoolean(1);
        }
    }

    @Override
    String sessionsOfUserSql() {
        return "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE USER = ? AND ID <> CONNECTION_ID()";
    }

    @Override
    boolean takesWrites(Connection conn) throws SQLException {
        try (Statement s = conn.createStatement(); ResultSet rs = s.executeQuery("SELECT @@read_only")) {
            rs.next();
            return !rs.getBoolean(1);
        }
    }

    @Override
    boolean refusesWrites(ReplicatedCluster c, ClusterNode node) throws SQLException {
        return !isPrimary(c, node); // @@read_only
    }

    @Override
    boolean restartDuringFailoverNeedsSynchronousReplication() {
        return true;
    }

    @Override
    boolean fenceLeavesOpenTransactionsRunning() {
        return false;
    }

    @Override
    String sleepSql(int seconds) {
        return "DO SLEEP(" + seconds + ")";
    }

    @Override
    boolean oldPrimaryRejoinsAfterSwitchover() {
        return true;
    }

    @Override
    String createAdminThatCannotPromote(ReplicatedCluster c) throws SQLException {
        try (Connection conn = c.connectAdmin(c.primary()); Statement s = conn.createStatement()) {
            s.execute("CREATE USER 'weak_admin'@'%' IDENTIFIED BY 'weak'");
            s.execute("GRANT SLAVE MONITOR, BINLOG MONITOR ON *.* TO 'weak_admin'@'%'");
            s.execute("GRANT SELECT ON " + c.database() + ".* TO 'weak_admin'@'%'");
        }
        return "weak_admin";
    }

    @Override
    boolean runsEngineIndependentTests() {
        return false;
    }

    @Override
    String promotionGrant() {
        return "GRANT RELOAD";
    }

    @Override
    String missingPromotionPrivilege() {
        return "lacks RELOAD (needed by RESET SLAVE ALL, to promote) on node ";
    }

    @Override
    void assertReplicating(ReplicatedCluster c, ClusterNode node, boolean streaming) throws SQLException {
        try (Connection conn = c.connectAdmin(node); Statement s = conn.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT @@read_only")) {
                rs.next();
                assertThat(rs.getBoolean(1)).as("read_only of %s", node).isTrue();
            }
            try (ResultSet rs = s.executeQuery("SHOW SLAVE STATUS")) {
                assertThat(rs.next()).as("%s is configured as a replica", node).isTrue();
                assertThat(rs.getString("Slave_SQL_Running")).as("Slave_SQL_Running of %s (Last_SQL_Error %s)", node,
                        rs.getString("Last_SQL_Error")).isEqualTo("Yes");
                assertThat(rs.getString("Slave_IO_Running")).as("Slave_IO_Running of %s (Last_IO_Error %s)", node,
                        rs.getString("Last_IO_Error")).isIn(streaming ? java.util.List.of("Yes") : java.util.List.of("Yes", "Connecting"));
            }
        }
    }
}
