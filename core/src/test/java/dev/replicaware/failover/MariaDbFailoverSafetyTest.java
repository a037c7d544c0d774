package dev.replicaware.failover;

import dev.replicaware.testkit.ClusterNode;
import dev.replicaware.testkit.MariaDbCluster;
import dev.replicaware.testkit.ReplicatedCluster;
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
}
