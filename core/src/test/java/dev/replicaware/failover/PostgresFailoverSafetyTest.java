package dev.replicaware.failover;

import dev.replicaware.testkit.ClusterNode;
import dev.replicaware.testkit.PostgresCluster;
import dev.replicaware.testkit.ReplicatedCluster;
import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** {@link FailoverSafetyContract} on PostgreSQL; it also runs the tests whose outcome does not depend on the engine. */
class PostgresFailoverSafetyTest extends FailoverSafetyContract {

    @Override
    ReplicatedCluster startCluster(int replicas, boolean synchronous) {
        return PostgresCluster.builder().replicas(replicas).synchronousReplicas(synchronous ? 1 : 0)
                .setting("wal_receiver_timeout", "2s").start();
    }

    @Override
    boolean isPrimary(ReplicatedCluster c, ClusterNode node) throws SQLException {
        try (Connection conn = c.connectAdmin(node); Statement s = conn.createStatement();
             ResultSet rs = s.executeQuery("SELECT pg_is_in_recovery()")) {
            rs.next();
            return !rs.getBoolean(1);
        }
    }

    @Override
    String sessionsOfUserSql() {
        return "SELECT count(*) FROM pg_stat_activity WHERE usename = ? AND backend_type = 'client backend' AND pid <> pg_backend_pid()";
    }

    @Override
    boolean takesWrites(Connection conn) throws SQLException {
        try (Statement s = conn.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT NOT pg_is_in_recovery() AND NOT current_setting('default_transaction_read_only')::boolean")) {
            rs.next();
            return rs.getBoolean(1);
        }
    }

    @Override
    boolean refusesWrites(ReplicatedCluster c, ClusterNode node) throws SQLException {
        try (Connection conn = c.connectAdmin(node); Statement s = conn.createStatement();
             ResultSet rs = s.executeQuery("SHOW default_transaction_read_only")) {
            rs.next();
            return rs.getString(1).equals("on");
        }
    }

    @Override
    boolean fenceLeavesOpenTransactionsRunning() {
        return true;
    }

    @Override
    String sleepSql(int seconds) {
        return "SELECT pg_sleep(" + seconds + ")";
    }

    @Override
    boolean oldPrimaryRejoinsAfterSwitchover() {
        return false;
    }

    /** Probes and locks (pg_monitor), but may not run pg_promote (superuser-only unless granted) nor ALTER SYSTEM. */
    @Override
    String createAdminThatCannotPromote(ReplicatedCluster c) throws SQLException {
        try (Connection conn = c.connectAdmin(c.primary()); Statement s = conn.createStatement()) {
            s.execute("CREATE ROLE weak_admin LOGIN PASSWORD 'weak'");
            s.execute("GRANT pg_monitor TO weak_admin");
        }
        return "weak_admin";
    }

    @Override
    boolean runsEngineIndependentTests() {
        return true;
    }

    @Override
    String promotionGrant() {
        return "pg_promote";
    }

    @Override
    String missingPromotionPrivilege() {
        return "lacks EXECUTE on pg_promote(boolean, integer) (needed by pg_promote, to promote) on node ";
    }

    @Override
    void assertReplicating(ReplicatedCluster c, ClusterNode node, boolean streaming) throws SQLException {
        try (Connection conn = c.connectAdmin(node); Statement s = conn.createStatement();
             ResultSet rs = s.executeQuery("SELECT pg_is_in_recovery(), current_setting('default_transaction_read_only'),"
                     + " (SELECT status FROM pg_stat_wal_receiver)")) {
            rs.next();
            assertThat(rs.getBoolean(1)).as("%s is in recovery", node).isTrue();
            if (streaming) {
                assertThat(rs.getString(3)).as("the WAL receiver of %s", node).isEqualTo("streaming");
            }
        }
    }
}
