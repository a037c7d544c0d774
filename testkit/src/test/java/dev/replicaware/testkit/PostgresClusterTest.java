package dev.replicaware.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class PostgresClusterTest {
    private static final AtomicInteger IDS = new AtomicInteger();
    private static long startMillis;

    @RegisterExtension
    static final ClusterExtension<PostgresCluster> CLUSTER = ClusterExtension.of(() -> {
        long t0 = System.nanoTime();
        PostgresCluster c = PostgresCluster.builder().replicas(2).start();
        startMillis = (System.nanoTime() - t0) / 1_000_000;
        System.out.println("PostgreSQL cluster of 3 nodes started in " + startMillis + " ms");
        try (Connection conn = c.connectApp(c.primary()); Statement s = conn.createStatement()) {
            s.execute("CREATE TABLE t(id int PRIMARY KEY, note text)");
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
        return c;
    });

    @Test
    void rowsWrittenOnThePrimaryAreReadOnEveryReplica(PostgresCluster pg) throws Exception {
        int id = IDS.incrementAndGet();
        execute(pg, pg.primary(), "INSERT INTO t VALUES (" + id + ", 'hello')");
        pg.waitForReplication(Duration.ofSeconds(10));
        for (ClusterNode replica : pg.replicas()) {
            try (Connection c = pg.connectApp(replica); Statement s = c.createStatement()) {
                assertThat(scalar(s, "SELECT inet_server_port()")).isEqualTo(String.valueOf(replica.port()));
                assertThat(scalar(s, "SELECT pg_is_in_recovery()")).isEqualTo("t");
                assertThat(scalar(s, "SELECT note FROM t WHERE id = " + id)).isEqualTo("hello");
            }
        }
        assertThat(pg.currentPrimary()).isSameAs(pg.primary());
        assertThat(pg.query(pg.primary(), "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'")).isEqualTo("2");
    }

    @Test
    void applyDelayHoldsChangesBackOnlyOnTheDelayedReplica(PostgresCluster pg) throws Exception {
        ClusterNode delayed = pg.replicas().get(0);
        ClusterNode prompt = pg.replicas().get(1);
        pg.applyDelay(delayed, Duration.ofSeconds(2));
        try {
            int id = IDS.incrementAndGet();
            long committed = System.nanoTime();
            execute(pg, pg.primary(), "INSERT INTO t VALUES (" + id + ", 'late')");
            long promptSeen = awaitRow(pg, prompt, id, Duration.ofSeconds(10)) - committed;
            long delayedSeen = awaitRow(pg, delayed, id, Duration.ofSeconds(10)) - committed;
            System.out.printf("row visible on the undelayed replica after %d ms, on the 2 s delayed one after %d ms%n",
                    promptSeen / 1_000_000, delayedSeen / 1_000_000);
            assertThat(Duration.ofNanos(delayedSeen)).isBetween(Duration.ofMillis(1900), Duration.ofSeconds(4));
            assertThat(Duration.ofNanos(promptSeen)).isLessThan(Duration.ofMillis(1500));
        } finally {
            pg.applyDelay(delayed, Duration.ZERO);
        }
        pg.waitForReplication(Duration.ofSeconds(10));
    }

    @Test
    void pausedReplicaAnswersNothingUntilResumed(PostgresCluster pg) throws Exception {
        ClusterNode replica = pg.replicas().get(1);
        try (Connection open = pg.connectApp(replica)) {
            pg.pause(replica);
            try {
                assertThat(replica.isPaused()).isTrue();
                open.setNetworkTimeout(Runnable::run, 1000);
                assertThatThrownBy(() -> scalar(open.createStatement(), "SELECT 1"))
                        .isInstanceOf(SQLException.class)
                        .hasStackTraceContaining("timed out");
                assertThatThrownBy(() -> connectWithTimeouts(pg, replica, 1).close()).isInstanceOf(SQLException.class);
            } finally {
                pg.resume(replica);
            }
        }
        try (Connection c = connectWithTimeouts(pg, replica, 5); Statement s = c.createStatement()) {
            assertThat(scalar(s, "SELECT inet_server_port()")).isEqualTo(String.valueOf(replica.port()));
        }
    }

    @Test
    void killedReplicaRefusesConnectionsAndCatchesUpAfterStart(PostgresCluster pg) throws Exception {
        ClusterNode replica = pg.replicas().get(1);
        long pid = replica.pid();
        pg.kill(replica);
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        assertThat(replica.isRunning()).isFalse();
        assertThatThrownBy(() -> connectWithTimeouts(pg, replica, 2).close())
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("Connection to 127.0.0.1:" + replica.port() + " refused");

        int id = IDS.incrementAndGet();
        execute(pg, pg.primary(), "INSERT INTO t VALUES (" + id + ", 'while down')");
        pg.start(replica);
        assertThat(replica.pid()).isNotEqualTo(pid);
        pg.waitForReplication(Duration.ofSeconds(20));
        try (Connection c = pg.connectApp(replica); Statement s = c.createStatement()) {
            assertThat(scalar(s, "SELECT note FROM t WHERE id = " + id)).isEqualTo("while down");
        }
    }

    @Test
    void restartedPrimaryIsPrimaryAgainAndReplicasFollowIt(PostgresCluster pg) throws Exception {
        long pid = pg.primary().pid();
        pg.restart(pg.primary());
        assertThat(pg.primary().pid()).isNotEqualTo(pid);
        assertThat(pg.currentPrimary()).isSameAs(pg.primary());
        int id = IDS.incrementAndGet();
        execute(pg, pg.primary(), "INSERT INTO t VALUES (" + id + ", 'after restart')");
        pg.waitForReplication(Duration.ofSeconds(30));
        for (ClusterNode replica : pg.replicas()) {
            try (Connection c = pg.connectApp(replica); Statement s = c.createStatement()) {
                assertThat(scalar(s, "SELECT note FROM t WHERE id = " + id)).isEqualTo("after restart");
            }
        }
    }

    @Test
    void appUserCannotWriteOnAReplica(PostgresCluster pg) {
        assertThatThrownBy(() -> execute(pg, pg.replicas().get(0), "INSERT INTO t VALUES (-1, 'no')"))
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("read-only transaction");
    }

    @Test
    void credentialsNeverShowTheirPassword(PostgresCluster pg) {
        assertThat(pg.app().toString()).doesNotContain(pg.app().password()).contains("****");
        assertThat(pg.toString()).doesNotContain(pg.admin().password()).doesNotContain(pg.replication().password());
    }

    static void execute(ReplicatedCluster cluster, ClusterNode node, String sql) throws SQLException {
        try (Connection c = cluster.connectApp(node); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    static String scalar(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    /** Polls a node until the row is visible; returns System.nanoTime() when it was seen. */
    static long awaitRow(ReplicatedCluster cluster, ClusterNode node, int id, Duration timeout) throws SQLException {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Connection c = cluster.connectApp(node); Statement s = c.createStatement()) {
            while (true) {
                if (scalar(s, "SELECT count(*) FROM t WHERE id = " + id).equals("1")) {
                    return System.nanoTime();
                }
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("Row " + id + " did not appear on " + node + " within " + timeout);
                }
                Thread.onSpinWait();
            }
        }
    }

    static Connection connectWithTimeouts(PostgresCluster pg, ClusterNode node, int seconds) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", pg.app().username());
        p.setProperty("password", pg.app().password());
        p.setProperty("connectTimeout", String.valueOf(seconds));
        p.setProperty("socketTimeout", String.valueOf(seconds));
        p.setProperty("loginTimeout", String.valueOf(seconds));
        return DriverManager.getConnection(node.jdbcUrl(), p);
    }
}
