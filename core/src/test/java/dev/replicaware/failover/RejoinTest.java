package dev.replicaware.failover;

import static org.assertj.core.api.Assertions.assertThat;

import dev.replicaware.ReplicaAwareDataSource;
import dev.replicaware.config.ClusterConfig;
import dev.replicaware.config.FailoverConfig;
import dev.replicaware.config.NodeConfig;
import dev.replicaware.metrics.ReplicawareMetrics;
import dev.replicaware.testkit.ClusterNode;
import dev.replicaware.testkit.MariaDbCluster;
import dev.replicaware.testkit.PostgresCluster;
import dev.replicaware.testkit.ReplicatedCluster;
import dev.replicaware.topology.NodeState;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code failover.rejoin}: after Replicaware's own failover, the killed primary is started again and either rejoins
 * (MariaDB, by GTID) or is reported with what it needs (PostgreSQL). What each node holds and which served a read is
 * asked of the servers.
 */
class RejoinTest {
    final List<AutoCloseable> resources = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = resources.size() - 1; i >= 0; i--) {
            resources.get(i).close();
        }
    }

    @Test
    void mariaDbErrantNamesTheTransactionsTheNewPrimaryLacks() {
        assertThat(Rejoin.mariaDbErrant("0-1-10", "0-1-10")).isEmpty();
        assertThat(Rejoin.mariaDbErrant("0-1-10", "0-1-10,0-2-12")).isEmpty();
        // the new primary received 0-1-11, then wrote 0-2-12..60 itself: 0-1-12 never reached it
        assertThat(Rejoin.mariaDbErrant("0-1-12", "0-1-11,0-2-60")).isEqualTo("0-1-12");
        assertThat(Rejoin.mariaDbErrant("0-1-14", "0-2-60,0-1-11")).isEqualTo("0-1-12..14");
        assertThat(Rejoin.mariaDbErrant("0-1-5,1-1-3", "0-1-9")).isEqualTo("1-1-1..3");
        assertThat(Rejoin.mariaDbErrant("", "0-2-9")).isEmpty();
        assertThat(Rejoin.mariaDbReached("0-2-60", "0-2-60")).isTrue();
        assertThat(Rejoin.mariaDbReached("0-1-52", "0-2-60")).isFalse();
    }

    ReplicaAwareDataSource dataSource(ReplicatedCluster c) {
        ClusterConfig.Builder b = ClusterConfig.builder("rejoin")
                .primary(NodeConfig.of(c.primary().name(), c.primary().jdbcUrl()))
                .username(c.app().username()).password(c.app().password())
                .pool(Map.of("maximumPoolSize", "4", "minimumIdle", "1", "connectionTimeout", "3000"))
                .failover(new FailoverConfig(FailoverConfig.Mode.AUTOMATIC, null, Duration.ofSeconds(15),
                        c.failoverAdmin().username(), c.failoverAdmin().password(), true, null));
        for (ClusterNode r : c.replicas()) {
            b.replica(NodeConfig.of(r.name(), r.jdbcUrl()));
        }
        ReplicaAwareDataSource ds = new ReplicaAwareDataSource(b.build());
        resources.add(ds);
        return ds;
    }

    static void write(ReplicaAwareDataSource ds, int from, int to) throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS rejoin_writes (id INT PRIMARY KEY)");
            for (int i = from; i <= to; i++) {
                s.execute("INSERT INTO rejoin_writes VALUES (" + i + ")");
            }
        }
    }

    /** Rows {@code from..to}, each retried until it commits (a pooled connection to the killed primary fails once). */
    static void writeThroughFailover(ReplicaAwareDataSource ds, int from, int to) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(40).toNanos();
        for (int i = from; i <= to; i++) {
            while (true) {
                try {
                    write(ds, i, i);
                    break;
                } catch (SQLException e) {
                    if (e.getSQLState() != null && e.getSQLState().startsWith("23")) {
                        break; // committed before the connection broke
                    }
                    if (System.nanoTime() > deadline) {
                        throw new AssertionError("row " + i + " was not written within 40 s of the kill", e);
                    }
                    Thread.sleep(20);
                }
            }
        }
    }

    static String query(ReplicatedCluster c, ClusterNode node, String sql) throws SQLException {
        try (Connection conn = c.connectAdmin(node); Statement s = conn.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    static void await(String what, Duration timeout, BooleanSupplier condition, Supplier<Object> observed) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + " did not happen within " + timeout.toSeconds() + " s; last observed: " + observed.get());
            }
            Thread.sleep(50);
        }
    }

    static String state(ReplicaAwareDataSource ds, String node) {
        return ds.rejoin().states().getOrDefault(node, "");
    }

    /** Kills the primary, writes rows 51-100 through the failover, starts the old primary again. */
    static ClusterNode killWriteAndRestart(ReplicatedCluster c, ReplicaAwareDataSource ds) throws Exception {
        write(ds, 1, 50);
        ClusterNode old = c.primary();
        c.kill(old);
        writeThroughFailover(ds, 51, 100);
        await(old.name() + " fenced", Duration.ofSeconds(20),
                () -> ds.topology().node(old.name()).orElseThrow().state() == NodeState.FENCED, ds::topology);
        c.start(old);
        return old;
    }

    /**
     * Also: the semi-synchronous role follows the primary. The testkit lets only the first primary wait for
     * acknowledgements; the promoted replica must wait too (else every write after the failover is acknowledged by
     * nobody), and the rejoined former primary must stop (else it waits for acknowledgements of what it applies).
     */
    @Test
    void mariaDbFormerPrimaryRejoinsByGtidAndServesReadsWithNoWriteLostAndSemiSyncFollowsThePrimary() throws Exception {
        MariaDbCluster c = MariaDbCluster.builder().replicas(2).semiSynchronous(true).setting("slave_net_timeout", "3").start();
        resources.add(c);
        ReplicaAwareDataSource ds = dataSource(c);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        new ReplicawareMetrics(ds).bindTo(registry);
        ClusterNode old = killWriteAndRestart(c, ds);

        await(old.name() + " rejoined", Duration.ofSeconds(60), () -> state(ds, old.name()).startsWith("rejoined"),
                () -> ds.rejoin().states());
        assertThat(query(c, old, "SELECT @@read_only")).isEqualTo("1");
        // it serves reads again, and holds every acknowledged row
        java.util.concurrent.atomic.AtomicReference<Object> lastRead = new java.util.concurrent.atomic.AtomicReference<>();
        await("a read served by " + old, Duration.ofSeconds(30), () -> {
            try (Connection conn = ds.getConnection()) {
                conn.setReadOnly(true);
                try (Statement s = conn.createStatement(); ResultSet rs = s.executeQuery("SELECT @@port, count(*) FROM rejoin_writes")) {
                    rs.next();
                    lastRead.set(rs.getInt(1) + " rows " + rs.getInt(2));
                    return rs.getInt(1) == old.port() && rs.getInt(2) == 100;
                }
            } catch (SQLException e) {
                lastRead.set(e);
                return false;
            }
        }, () -> lastRead.get() + " " + ds.topology());
        writeThroughFailover(ds, 101, 110);
        String newPrimary = ds.routingTopology().primary().name();
        await(old + " replays the writes after its rejoin", Duration.ofSeconds(20),
                () -> count(c, old) == 110, () -> count(c, old));
        assertThat(count(c, c.node(newPrimary))).isEqualTo(110);
        assertThat(query(c, old, "SELECT @@gtid_binlog_pos")).as("no transaction of its own after the rejoin")
                .isEqualTo(query(c, c.node(newPrimary), "SELECT @@gtid_binlog_pos"));
        assertThat(registry.get("replicaware.rejoins").tags("outcome", "rejoined").functionCounter().count()).isEqualTo(1);
        assertThat(query(c, c.node(newPrimary), "SELECT @@rpl_semi_sync_master_enabled")).as("the promoted node waits for acknowledgements").isEqualTo("1");
        assertThat(c.statusVariable(c.node(newPrimary), "Rpl_semi_sync_master_yes_tx")).as("commits acknowledged on " + newPrimary)
                .isNotEqualTo("0");
        assertThat(query(c, old, "SELECT @@rpl_semi_sync_master_enabled")).as("the rejoined former primary no longer waits").isEqualTo("0");
    }

    @Test
    void mariaDbFormerPrimaryWithErrantTransactionsIsRefusedAndStaysFenced() throws Exception {
        MariaDbCluster c = MariaDbCluster.builder().replicas(2).setting("slave_net_timeout", "3").start();
        resources.add(c);
        ReplicaAwareDataSource ds = dataSource(c);
        write(ds, 1, 50);
        ClusterNode old = c.primary();
        for (ClusterNode replica : c.replicas()) {
            await(replica + " has row 50", Duration.ofSeconds(20), () -> count(c, replica) == 50, () -> count(c, replica));
            try (Connection conn = c.connectAdmin(replica); Statement s = conn.createStatement()) {
                s.execute("STOP SLAVE");
            }
        }
        write(ds, 51, 51); // acknowledged by the primary alone: lost with it
        c.kill(old);
        writeThroughFailover(ds, 52, 60);
        c.start(old);

        await(old.name() + " refused", Duration.ofSeconds(60), () -> state(ds, old.name()).startsWith("refused_errant"),
                () -> ds.rejoin().states());
        assertThat(state(ds, old.name())).contains("errant GTIDs 0-");
        assertThat(ds.topology().node(old.name()).orElseThrow().state()).isEqualTo(NodeState.FENCED);
        // asked until answered: the fence watch, setting the node read-only as it answers again, ends other sessions
        java.util.concurrent.atomic.AtomicReference<String> rows = new java.util.concurrent.atomic.AtomicReference<>();
        await("rows of the new primary on " + old + " counted", Duration.ofSeconds(20), () -> {
            try {
                rows.set(query(c, old, "SELECT count(*) FROM " + c.database() + ".rejoin_writes WHERE id > 51"));
                return true;
            } catch (SQLException e) {
                rows.set(e.getMessage());
                return false;
            }
        }, rows::get);
        assertThat(rows.get()).as("rows of the new primary on " + old).isEqualTo("0");
    }

    /**
     * A failover interrupted between its promotion and its re-pointing (the explorer's postgres seed 20: the instance
     * running it was closed) leaves a replica streaming from nothing, or from the old primary, for good. Here the
     * primary is stopped cleanly and replica1 promoted by hand, as that failover would have left them.
     */
    @Test
    void postgresReplicaLeftFollowingTheOldPrimaryIsRepointedToTheNewOne() throws Exception {
        PostgresCluster c = PostgresCluster.builder().replicas(2).start();
        resources.add(c);
        ClusterNode old = c.primary();
        ClusterNode promoted = c.replicas().get(0);
        ClusterNode left = c.replicas().get(1);
        try (Connection conn = c.connectApp(old); Statement s = conn.createStatement()) {
            s.execute("CREATE TABLE rejoin_writes (id INT PRIMARY KEY)");
            s.execute("INSERT INTO rejoin_writes SELECT generate_series(1, 50)");
        }
        c.waitForReplication(Duration.ofSeconds(30));
        c.stop(old); // a clean stop: both replicas received all of its WAL, so either can follow the other
        try (Connection conn = c.connectAdmin(promoted); Statement s = conn.createStatement()) {
            s.execute("SELECT pg_promote(true, 30)");
        }
        ReplicaAwareDataSource ds = dataSource(c);
        String expected = "streaming 127.0.0.1:" + promoted.port();
        await(left.name() + " streaming from " + promoted.name(), Duration.ofSeconds(Rejoin.STRAY_AFTER.toSeconds() + 30),
                () -> expected.equals(upstream(c, left)) && state(ds, left.name()).startsWith("repointed"),
                () -> upstream(c, left) + "; " + ds.rejoin().states());
        assertThat(ds.rejoin().counts().get(Rejoin.Outcome.REPOINTED)).isEqualTo(1);
        awaitRowReadOn(ds, left, "inet_server_port()"); // and it serves reads of what the new primary commits
    }

    /**
     * The same on MariaDB (the explorer's mariadb seed 20: the instance running the failover was restarted right after
     * the promotion): the replica left behind follows the stopped old primary, its IO thread retrying; its GTID
     * position alone does not tell, so the monitor's "IO thread not running" has it looked at.
     */
    @Test
    void mariaDbReplicaLeftFollowingTheOldPrimaryIsRepointedToTheNewOne() throws Exception {
        MariaDbCluster c = MariaDbCluster.builder().replicas(2).setting("slave_net_timeout", "3").start();
        resources.add(c);
        ClusterNode old = c.primary();
        ClusterNode promoted = c.replicas().get(0);
        ClusterNode left = c.replicas().get(1);
        try (Connection conn = c.connectApp(old); Statement s = conn.createStatement()) {
            s.execute("CREATE TABLE rejoin_writes (id INT PRIMARY KEY)");
            for (int i = 1; i <= 50; i++) {
                s.execute("INSERT INTO rejoin_writes VALUES (" + i + ")");
            }
        }
        c.waitForReplication(Duration.ofSeconds(30));
        c.stop(old); // a clean stop: both replicas received all of its binlog
        try (Connection conn = c.connectAdmin(promoted); Statement s = conn.createStatement()) {
            s.execute("STOP SLAVE");
            s.execute("RESET SLAVE ALL");
            s.execute("SET GLOBAL read_only = OFF");
        }
        ReplicaAwareDataSource ds = dataSource(c);
        String expected = "Yes 127.0.0.1:" + promoted.port();
        await(left.name() + " replicating from " + promoted.name(), Duration.ofSeconds(Rejoin.STRAY_AFTER.toSeconds() + 30),
                () -> expected.equals(ioThread(c, left)) && state(ds, left.name()).startsWith("repointed"),
                () -> ioThread(c, left) + "; " + ds.rejoin().states());
        assertThat(ds.rejoin().counts().get(Rejoin.Outcome.REPOINTED)).isEqualTo(1);
        awaitRowReadOn(ds, left, "@@port");
    }

    /**
     * A MariaDB replica that received from the old primary what the new one never got (the explorer's mariadb seeds 71,
     * 85, 109: acknowledged writes lost with the old primary) is refused by the new primary (error 1236) and, its GTID
     * sequence numbers being ahead, looked caught up: it served reads of rows its history did not have. It is now
     * reported and not routed to. Built by hand: replica1 stops replicating, the primary writes on, replica1 is
     * promoted and writes its own, replica2 is pointed at it.
     */
    @Test
    void mariaDbReplicaHoldingWhatTheNewPrimaryLacksIsReportedAndNotRoutedTo() throws Exception {
        MariaDbCluster c = MariaDbCluster.builder().replicas(2).setting("slave_net_timeout", "3").start();
        resources.add(c);
        ClusterNode old = c.primary();
        ClusterNode promoted = c.replicas().get(0);
        ClusterNode diverged = c.replicas().get(1);
        try (Connection conn = c.connectApp(old); Statement s = conn.createStatement()) {
            s.execute("CREATE TABLE rejoin_writes (id INT PRIMARY KEY)");
            s.execute("INSERT INTO rejoin_writes VALUES (1)");
        }
        c.waitForReplication(Duration.ofSeconds(30));
        try (Connection conn = c.connectAdmin(promoted); Statement s = conn.createStatement()) {
            s.execute("STOP SLAVE");
        }
        try (Connection conn = c.connectApp(old); Statement s = conn.createStatement()) {
            for (int i = 2; i <= 6; i++) {
                s.execute("INSERT INTO rejoin_writes VALUES (" + i + ")"); // reaches the diverging replica alone
            }
        }
        await(diverged + " has row 6", Duration.ofSeconds(20), () -> count(c, diverged) == 6, () -> count(c, diverged));
        c.stop(old);
        try (Connection conn = c.connectAdmin(promoted); Statement s = conn.createStatement()) {
            s.execute("RESET SLAVE ALL");
            s.execute("SET GLOBAL read_only = OFF");
            s.execute("INSERT INTO " + c.database() + ".rejoin_writes VALUES (100)"); // its own history from here
        }
        try (Connection conn = c.connectAdmin(diverged); Statement s = conn.createStatement()) {
            s.execute("STOP SLAVE");
            s.execute("CHANGE MASTER TO MASTER_HOST = '127.0.0.1', MASTER_PORT = " + promoted.port() + ", MASTER_USE_GTID = slave_pos");
            s.execute("START SLAVE");
        }
        ReplicaAwareDataSource ds = dataSource(c);
        await(diverged.name() + " reported", Duration.ofSeconds(Rejoin.STRAY_AFTER.toSeconds() + 30),
                () -> state(ds, diverged.name()).startsWith("refused_errant"), () -> ioThread(c, diverged) + "; " + ds.rejoin().states());
        assertThat(state(ds, diverged.name())).contains("errant GTIDs 0-");
        assertThat(ds.topology().node(diverged.name()).orElseThrow().state()).isEqualTo(NodeState.FENCED);
        for (int i = 0; i < 20; i++) {
            try (Connection conn = ds.getConnection()) {
                conn.setReadOnly(true);
                try (Statement s = conn.createStatement(); ResultSet rs = s.executeQuery("SELECT @@port")) {
                    rs.next();
                    assertThat(rs.getInt(1)).as("read %d", i).isNotEqualTo(diverged.port());
                }
            }
        }
    }

    /** Writes row 51 and waits until a read-only transaction served by {@code node} ({@code portSql} says) sees it. */
    static void awaitRowReadOn(ReplicaAwareDataSource ds, ClusterNode node, String portSql) throws Exception {
        write(ds, 51, 51);
        await("a read of row 51 served by " + node, Duration.ofSeconds(30), () -> {
            try (Connection conn = ds.getConnection()) {
                conn.setReadOnly(true);
                try (Statement s = conn.createStatement();
                     ResultSet rs = s.executeQuery("SELECT " + portSql + ", count(*) FROM rejoin_writes WHERE id = 51")) {
                    rs.next();
                    return rs.getInt(1) == node.port() && rs.getInt(2) == 1;
                }
            } catch (SQLException e) {
                return false;
            }
        }, ds::topology);
    }

    /** {@code Slave_IO_Running host:port} of a MariaDB replica, as its superuser sees it. */
    static String ioThread(ReplicatedCluster c, ClusterNode replica) {
        try (Connection conn = c.connectAdmin(replica); Statement s = conn.createStatement(); ResultSet rs = s.executeQuery("SHOW SLAVE STATUS")) {
            return rs.next() ? rs.getString("Slave_IO_Running") + " " + rs.getString("Master_Host") + ":" + rs.getString("Master_Port")
                    : "replicates from nothing";
        } catch (SQLException e) {
            return e.getMessage();
        }
    }

    static String upstream(ReplicatedCluster c, ClusterNode replica) {
        try {
            return query(c, replica, "SELECT status || ' ' || sender_host || ':' || sender_port FROM pg_stat_wal_receiver");
        } catch (SQLException e) {
            return e.getMessage();
        }
    }

    @Test
    void postgresFormerPrimaryStaysFencedAndSaysItNeedsPgRewind() throws Exception {
        PostgresCluster c = PostgresCluster.builder().replicas(2).synchronousReplicas(1).setting("wal_receiver_timeout", "2s").start();
        resources.add(c);
        ReplicaAwareDataSource ds = dataSource(c);
        ClusterNode old = killWriteAndRestart(c, ds);

        // the testkit's PostgreSQL ships no pg_rewind and runs with wal_log_hints on: a rewind would do, by an operator
        await(old.name() + " reported", Duration.ofSeconds(60), () -> state(ds, old.name()).startsWith("needs_rewind"),
                () -> ds.rejoin().states());
        assertThat(state(ds, old.name())).contains("pg_rewind").contains("wal_log_hints");
        assertThat(ds.topology().node(old.name()).orElseThrow().state()).isEqualTo(NodeState.FENCED);
        for (int i = 0; i < 20; i++) {
            try (Connection conn = ds.getConnection()) {
                conn.setReadOnly(true);
                try (Statement s = conn.createStatement(); ResultSet rs = s.executeQuery("SELECT inet_server_port()")) {
                    rs.next();
                    assertThat(rs.getInt(1)).as("read %d", i).isNotEqualTo(old.port());
                }
            }
        }
    }

    static long count(ReplicatedCluster c, ClusterNode node) {
        try {
            return Long.parseLong(query(c, node, "SELECT count(*) FROM " + c.database() + ".rejoin_writes"));
        } catch (SQLException e) {
            return -1;
        }
    }
}
