package dev.replicaware.failover;

import dev.replicaware.testkit.ClusterNode;
import dev.replicaware.testkit.MariaDbCluster;
import dev.replicaware.testkit.ReplicatedCluster;
import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import dev.replicaware.ReplicaAwareDataSource;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** {@link FailoverSafetyContract} on MariaDB with GTID replication, semi-synchronous where the test needs it. */
class MariaDbFailoverSafetyTest extends FailoverSafetyContract {

    /**
     * The fence of a resumed primary is tried first without waiting, then after the kills: {@code read_only} waits
     * for commits in progress, and a commit stuck in a semi-synchronous wait (its replica paused) would hold a fence
     * made first for as long as the wait lasts, then commit. Here that wait lasts two minutes.
     */
    @Test
    void aCommitStuckInASemiSynchronousWaitDoesNotHoldTheFenceOfAResumedPrimary() throws Exception {
        ReplicatedCluster c = cluster(1, true);
        ClusterNode primary = c.primary();
        ClusterNode replica = c.replicas().get(0);
        try (Connection app = c.connectApp(primary); Statement s = app.createStatement()) {
            s.execute("CREATE TABLE fs_stuck (id INT PRIMARY KEY)");
        }
        c.waitForReplication(Duration.ofSeconds(10));
        try (Connection su = c.connectAdmin(primary); Statement s = su.createStatement()) {
            s.execute("SET GLOBAL rpl_semi_sync_master_timeout = 120000"); // the test's condition, not the fence's
        }
        AtomicReference<Object> writeOutcome = new AtomicReference<>();
        Thread writer = new Thread(() -> {
            try (Connection app = c.connectApp(primary); Statement s = app.createStatement()) {
                s.executeUpdate("INSERT INTO fs_stuck VALUES (1)");
                writeOutcome.set("acknowledged");
            } catch (SQLException e) {
                writeOutcome.set(e);
            }
        }, "fs-stuck-writer");
        c.pause(replica);
        try {
            writer.start();
            FailoverContract.await("the write waits for its semi-synchronous acknowledgement", Duration.ofSeconds(20),
                    () -> commitsWaitingForAck(c, primary) == 1, writeOutcome::get);
            AtomicReference<Object> fenced = new AtomicReference<>();
            Thread fence = new Thread(() -> {
                try (Connection admin = java.sql.DriverManager.getConnection(primary.jdbcUrl(), c.failoverAdmin().username(),
                        c.failoverAdmin().password())) {
                    fenced.set(dev.replicaware.dialect.Dialect.forUrl(primary.jdbcUrl()).confirm(admin.getMetaData())
                            .fenceResumedPrimary(admin, Duration.ofSeconds(30)));
                } catch (SQLException e) {
                    fenced.set(e);
                }
            }, "fs-fence");
            fence.start();
            FailoverContract.await("the fence's outcome, long before the semi-synchronous wait ends", Duration.ofSeconds(30),
                    () -> fenced.get() != null, () -> List.of(fence.getStackTrace()));
            assertThat(fenced.get()).as("the fence's outcome").isEqualTo("its other client sessions were ended");
            assertThat(isPrimary(c, primary)).as("%s takes writes after the fence", primary.name()).isFalse();
            writer.join(10_000);
            assertThat(writeOutcome.get()).as("the stuck write's outcome: its session was ended, never acknowledged")
                    .isInstanceOf(SQLException.class);
        } finally {
            c.resume(replica);
        }
    }

    /**
     * Before promoting, the failover stops every reachable replica receiving from the lost primary: one that resumed
     * mid-failover would otherwise acknowledge (semi-synchronously) the commits it had in flight, which the candidate
     * never gets (the explorer's mariadb seeds 63 and 71 lost two acknowledged writes each that way). Seen while the
     * candidate drains: its replay is a minute behind, so the drain lasts writeWait and is refused; after the
     * refusal the replicas receive again.
     */
    @Test
    void replicasStopReceivingFromTheLostPrimaryWhileTheCandidateDrainsAndReceiveAgainWhenTheFailoverIsRefused() throws Exception {
        ReplicatedCluster c = cluster(2, false);
        ReplicaAwareDataSource ds = automatic(c, Duration.ofSeconds(4));
        createTable(ds);
        ClusterNode old = c.primary();
        ClusterNode candidate = c.replicas().get(0); // ties on the position chosen by name
        ClusterNode other = c.replicas().get(1);
        c.applyDelay(candidate, Duration.ofSeconds(60));
        for (long id = 1; id <= 5; id++) {
            assertThat(write(ds, id)).isTrue();
        }
        FailoverContract.await(other.name() + " has row 5, and both received the same", Duration.ofSeconds(20),
                () -> ids(c, other).contains(5L) && received(c, candidate).equals(received(c, other)),
                () -> received(c, candidate) + " against " + received(c, other));
        c.kill(old);
        FailoverContract.await("the candidate drains, and " + other.name() + " has stopped receiving from " + old.name(),
                Duration.ofSeconds(30), () -> ioThread(c, other).equals("No") && ioThread(c, candidate).equals("No"),
                () -> other.name() + " " + ioThread(c, other) + ", " + candidate.name() + " " + ioThread(c, candidate) + "; " + events);
        FailoverContract.await("the failover refused: the candidate did not replay in time", Duration.ofSeconds(20),
                () -> events.stream().anyMatch(e -> e.type() == dev.replicaware.topology.TopologyEvent.Type.FAILOVER_REFUSED
                        && e.detail().contains("did not replay")), () -> events);
        FailoverContract.await("both receive again", Duration.ofSeconds(10),
                () -> !ioThread(c, other).equals("No") && !ioThread(c, candidate).equals("No"),
                () -> other.name() + " " + ioThread(c, other) + ", " + candidate.name() + " " + ioThread(c, candidate));
    }

    /**
     * The explorer's mariadb seed 151: with semi-synchronous replication the last acknowledged commit may be on one
     * replica alone. A failover that cannot reach that replica must not promote the other: it waits until it answers.
     */
    @Test
    void withSemiSynchronousReplicationNoReplicaIsPromotedWhileAnotherDoesNotAnswer() throws Exception {
        ReplicatedCluster c = cluster(2, true);
        ReplicaAwareDataSource ds = automatic(c, Duration.ofSeconds(30));
        createTable(ds);
        for (long id = 1; id <= 5; id++) {
            assertThat(write(ds, id)).isTrue();
        }
        ClusterNode old = c.primary();
        ClusterNode silent = c.replicas().get(1);
        c.pause(silent);
        try {
            c.kill(old);
            FailoverContract.await("the failover refused while " + silent.name() + " does not answer", Duration.ofSeconds(30),
                    () -> events.stream().anyMatch(e -> e.type() == dev.replicaware.topology.TopologyEvent.Type.FAILOVER_REFUSED
                            && e.detail().contains("acknowledge commits") && e.detail().contains(silent.name())), () -> events);
            assertThat(events).as("nothing promoted while " + silent.name() + " is paused")
                    .noneMatch(e -> e.type() == dev.replicaware.topology.TopologyEvent.Type.FAILOVER_COMPLETED);
        } finally {
            c.resume(silent);
        }
        FailoverContract.await("a failover once " + silent.name() + " answers", Duration.ofSeconds(60),
                () -> events.stream().anyMatch(e -> e.type() == dev.replicaware.topology.TopologyEvent.Type.FAILOVER_COMPLETED),
                () -> events);
        assertThat(write(ds, 6)).isTrue();
        assertThat(ids(c, c.node(ds.routingTopology().primary().name()))).contains(1L, 2L, 3L, 4L, 5L, 6L);
    }

    /**
     * The explorer's mariadb seed 120: a replica down during a switchover came back following the old primary, which
     * had rejoined as a replica of the target, and cascaded through it for good. The switchover remembers it and points
     * it at the new primary once it answers.
     */
    @Test
    void aReplicaDownDuringASwitchoverFollowsTheNewPrimaryOnceItAnswers() throws Exception {
        ReplicatedCluster c = cluster(2, false);
        ReplicaAwareDataSource ds = automatic(c, WRITE_WAIT);
        createTable(ds);
        ClusterNode old = c.primary();
        ClusterNode target = c.replicas().get(0);
        ClusterNode down = c.replicas().get(1);
        assertThat(write(ds, 1)).isTrue();
        c.waitForReplication(Duration.ofSeconds(20));
        c.stop(down);
        FailoverContract.await(down.name() + " DOWN", Duration.ofSeconds(20),
                () -> ds.topology().node(down.name()).orElseThrow().state() == dev.replicaware.topology.NodeState.DOWN, ds::topology);
        ds.switchover(target.name());
        c.start(down);
        FailoverContract.await(down.name() + " replicating from " + target.name(), Duration.ofSeconds(30),
                () -> source(c, down).equals("Yes " + target.port()), () -> source(c, down));
        assertThat(write(ds, 2)).isTrue();
        FailoverContract.await(down.name() + " has row 2", Duration.ofSeconds(20), () -> ids(c, down).contains(2L), () -> "not yet");
    }

    /** {@code Slave_IO_Running Master_Port} of a replica. */
    static String source(ReplicatedCluster c, ClusterNode replica) {
        try (Connection su = c.connectAdmin(replica); Statement s = su.createStatement(); ResultSet rs = s.executeQuery("SHOW SLAVE STATUS")) {
            return rs.next() ? rs.getString("Slave_IO_Running") + " " + rs.getString("Master_Port") : "replicates from nothing";
        } catch (SQLException e) {
            return "not asked: " + e.getMessage();
        }
    }

    /** {@code Gtid_IO_Pos} of a replica: what it received. */
    static String received(ReplicatedCluster c, ClusterNode replica) {
        try (Connection su = c.connectAdmin(replica); Statement s = su.createStatement(); ResultSet rs = s.executeQuery("SHOW SLAVE STATUS")) {
            return rs.next() ? rs.getString("Gtid_IO_Pos") : "replicates from nothing";
        } catch (SQLException e) {
            return "not asked: " + e.getMessage();
        }
    }

    /** {@code Slave_IO_Running} of a replica: Yes, Connecting or No. */
    static String ioThread(ReplicatedCluster c, ClusterNode replica) {
        try (Connection su = c.connectAdmin(replica); Statement s = su.createStatement(); ResultSet rs = s.executeQuery("SHOW SLAVE STATUS")) {
            return rs.next() ? rs.getString("Slave_IO_Running") : "replicates from nothing";
        } catch (SQLException e) {
            return "not asked: " + e.getMessage();
        }
    }

    private static int commitsWaitingForAck(ReplicatedCluster c, ClusterNode node) throws SQLException {
        try (Connection su = c.connectAdmin(node); Statement s = su.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE STATE LIKE '%semi-sync%'")) {
            rs.next();
            return rs.getInt(1);
        }
    }

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
