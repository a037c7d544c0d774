package dev.replicaware.failover;

import dev.replicaware.testkit.ClusterNode;
import dev.replicaware.testkit.PostgresCluster;
import dev.replicaware.testkit.ReplicatedCluster;
import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import dev.replicaware.ReplicaAwareDataSource;
import dev.replicaware.topology.TopologyEvent;
import org.junit.jupiter.api.Test;

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

    /**
     * Issue 23, §2 item 2: WAL the old primary writes after the switchover read its position (the end of the sessions
     * it terminated, background records) must not reach a replica the target lacks it on, or that replica forks off
     * the new timeline and never follows. Held open by construction: a superuser session (which the switchover cannot
     * end) writes WAL without a transaction id on the old primary the whole time.
     */
    @Test
    void switchoverWhileTheOldPrimaryStillWritesWalLeavesTheOtherReplicaStreamingFromTheNewPrimary() throws Exception {
        ReplicatedCluster c = cluster(2, false);
        ReplicaAwareDataSource ds = automatic(c, Duration.ofSeconds(10));
        createTable(ds);
        assertThat(write(ds, 1)).isTrue();
        ClusterNode old = c.primary();
        ClusterNode target = c.replicas().get(0);
        ClusterNode other = c.replicas().get(1);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong records = new AtomicLong();
        AtomicReference<Object> writerEnd = new AtomicReference<>();
        Thread walWriter = new Thread(() -> {
            try (Connection conn = c.connectAdmin(old); Statement s = conn.createStatement()) {
                s.execute("SET default_transaction_read_only = off"); // the fence's reload does not stop it
                while (!stop.get()) {
                    s.execute("SELECT pg_logical_emit_message(false, 'fs', 'a record after the last position', true)");
                    records.incrementAndGet();
                }
                writerEnd.set("stopped");
            } catch (SQLException e) {
                writerEnd.set(e);
            }
        }, "fs-wal-writer");
        walWriter.start();
        FailoverContract.await("the old primary writes WAL", Duration.ofSeconds(10), () -> records.get() > 10, records::get);
        try {
            ds.switchover(target.name());
        } finally {
            stop.set(true);
            walWriter.join(10_000);
        }
        assertThat(writerEnd.get()).as("the WAL writer on the old primary ran through the switchover").isEqualTo("stopped");
        AtomicReference<String> upstream = new AtomicReference<>();
        FailoverContract.await(other.name() + " streams from the new primary " + target.name(), Duration.ofSeconds(30), () -> {
            upstream.set(walReceiver(c, other));
            return ("streaming " + target.port()).equals(upstream.get());
        }, upstream::get);
        assertThat(write(ds, 2)).isTrue();
        FailoverContract.await(other.name() + " replays a write made on " + target.name(), Duration.ofSeconds(30),
                () -> ids(c, other).contains(2L), () -> {
                    try {
                        return ids(c, other);
                    } catch (SQLException e) {
                        return e.toString();
                    }
                });
        assertThat(events).filteredOn(e -> e.type() == TopologyEvent.Type.FAILOVER_COMPLETED)
                .allSatisfy(e -> assertThat(e.detail()).doesNotContain("not streaming"));
    }

    /** The walreceiver of {@code node}: its status and sender port, or "none". */
    static String walReceiver(ReplicatedCluster c, ClusterNode node) throws SQLException {
        try (Connection conn = c.connectAdmin(node); Statement s = conn.createStatement();
             ResultSet rs = s.executeQuery("SELECT status || ' ' || coalesce(sender_port::text, '') FROM pg_stat_wal_receiver")) {
            return rs.next() ? rs.getString(1) : "none";
        }
    }
}
