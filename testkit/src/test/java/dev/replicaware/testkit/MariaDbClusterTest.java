package dev.replicaware.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * One semi-synchronous cluster (primary + 2 replicas) serves the tests that leave it as they found it; tests that
 * destroy a cluster start their own small one.
 */
class MariaDbClusterTest {
    private static final Duration REPLICATION_TIMEOUT = Duration.ofSeconds(20);
    private static final AtomicInteger IDS = new AtomicInteger();
    private static MariaDbCluster cluster;

    @BeforeAll
    static void startCluster() {
        long t0 = System.nanoTime();
        cluster = MariaDbCluster.builder().replicas(2).semiSynchronous(true).start();
        System.out.printf("MariaDB cluster of 3 nodes (semi-synchronous) started in %d ms%n", (System.nanoTime() - t0) / 1_000_000);
        execute(cluster, cluster.primary(), "CREATE TABLE items(id INT PRIMARY KEY, note VARCHAR(40))");
    }

    @AfterAll
    static void closeCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    /** Every test leaves the shared cluster running, unpaused, undelayed and caught up. */
    @AfterEach
    void restoreSharedCluster() {
        for (ClusterNode n : cluster.nodes()) {
            if (n.isPaused()) {
                cluster.resume(n);
            }
            if (!n.isRunning()) {
                cluster.start(n);
            }
        }
        for (ClusterNode r : cluster.replicas()) {
            cluster.applyDelay(r, Duration.ZERO);
        }
        cluster.waitForReplication(REPLICATION_TIMEOUT);
    }

    @Test
    void rowWrittenOnPrimaryIsReadOnEveryReplica() throws SQLException {
        int id = insertOnPrimary("everywhere");
        cluster.waitForReplication(REPLICATION_TIMEOUT);

        for (ClusterNode replica : cluster.replicas()) {
            try (Connection c = cluster.connectApp(replica); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT @@port, @@read_only, (SELECT note FROM items WHERE id = " + id + ")")) {
                rs.next();
                assertThat(rs.getInt(1)).as("port the query ran on").isEqualTo(replica.port());
                assertThat(rs.getBoolean(2)).as("read_only of " + replica).isTrue();
                assertThat(rs.getString(3)).as("row on " + replica).isEqualTo("everywhere");
            }
        }
        assertThat(cluster.query(cluster.primary(), "SELECT @@port")).isEqualTo(Integer.toString(cluster.primary().port()));
        assertThat(cluster.currentPrimary()).isSameAs(cluster.primary());
    }

    @Test
    void replicaRefusesWritesFromTheApplication() throws SQLException {
        try (Connection c = cluster.connectApp(cluster.replicas().get(0)); Statement s = c.createStatement()) {
            assertThatThrownBy(() -> s.executeUpdate("INSERT INTO items VALUES (-1, 'not here')"))
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("read-only");
        }
    }

    @Test
    void semiSynchronousPrimaryHasBothReplicasAsClients() {
        ClusterNode primary = cluster.primary();
        assertThat(cluster.semiSynchronous()).isTrue();
        assertThat(cluster.statusVariable(primary, "Rpl_semi_sync_master_status")).isEqualTo("ON");
        String clients = awaitValue(() -> cluster.statusVariable(primary, "Rpl_semi_sync_master_clients"), "2", Duration.ofSeconds(10));
        assertThat(clients).as("semi-sync clients of " + primary).isEqualTo("2");
        for (ClusterNode replica : cluster.replicas()) {
            assertThat(cluster.statusVariable(replica, "Rpl_semi_sync_slave_status")).as("semi-sync on " + replica).isEqualTo("ON");
        }
    }

    @Test
    void applyDelayHoldsBackOnlyTheDelayedReplica() {
        ClusterNode delayed = cluster.replicas().get(1);
        ClusterNode prompt = cluster.replicas().get(0);
        cluster.applyDelay(delayed, Duration.ofSeconds(3));

        int id = insertOnPrimary("delayed");
        long committed = System.nanoTime();
        Duration onPrompt = awaitRow(prompt, id, committed, Duration.ofSeconds(10));
        Duration onDelayed = awaitRow(delayed, id, committed, Duration.ofSeconds(10));

        assertThat(onPrompt).as("time until the undelayed replica has the row").isLessThan(Duration.ofMillis(1500));
        // MASTER_DELAY counts from the event's timestamp in whole seconds: a row committed late in a second is
        // applied up to one second early, so 3 s of delay holds it back between 2 and 3 s (plus scheduling)
        assertThat(onDelayed).as("time until the delayed replica has the row")
                .isGreaterThanOrEqualTo(Duration.ofMillis(1900))
                .isLessThan(Duration.ofSeconds(6));
        System.out.printf("MASTER_DELAY=3: row on the delayed replica after %d ms, on the other after %d ms%n",
                onDelayed.toMillis(), onPrompt.toMillis());
    }

    @Test
    void waitForReplicationNamesTheReplicaThatIsBehind() {
        ClusterNode delayed = cluster.replicas().get(0);
        cluster.applyDelay(delayed, Duration.ofSeconds(5));
        insertOnPrimary("behind");

        assertThatThrownBy(() -> cluster.waitForReplication(Duration.ofMillis(500)))
                .isInstanceOf(TestkitException.class)
                .hasMessageContaining(delayed.toString())
                .hasMessageContaining("gtid_slave_pos")
                .hasMessageContaining("Slave_SQL_Running=Yes");
    }

    @Test
    void killedReplicaIsGoneAndReplicatesAgainAfterStart() throws SQLException {
        ClusterNode replica = cluster.replicas().get(0);
        long pid = replica.pid();

        cluster.kill(replica);

        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).as("process " + pid + " alive").isFalse();
        assertThat(replica.isRunning()).isFalse();
        assertThatThrownBy(() -> cluster.connectAdmin(replica).close())
                .isInstanceOf(SQLException.class)
                .hasRootCauseInstanceOf(java.net.ConnectException.class);

        int id = insertOnPrimary("while killed");
        cluster.start(replica);
        cluster.waitForReplication(REPLICATION_TIMEOUT);

        assertThat(replica.pid()).isNotEqualTo(pid);
        assertThat(noteOn(replica, id)).isEqualTo("while killed");
    }

    @Test
    void restartedReplicaStaysReadOnlyAndKeepsReplicating() throws SQLException {
        ClusterNode replica = cluster.replicas().get(1);
        long pid = replica.pid();

        cluster.restart(replica);

        assertThat(replica.pid()).isNotEqualTo(pid);
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        assertThat(cluster.query(replica, "SELECT @@read_only")).as("read_only after restart").isEqualTo("1");
        int id = insertOnPrimary("after restart");
        cluster.waitForReplication(REPLICATION_TIMEOUT);
        assertThat(noteOn(replica, id)).isEqualTo("after restart");
        assertThat(cluster.currentPrimary()).isSameAs(cluster.primary());
    }

    @Test
    void restartedPrimaryStaysWritableAndReplicasReconnect() throws SQLException {
        ClusterNode primary = cluster.primary();

        cluster.restart(primary);

        assertThat(cluster.currentPrimary()).isSameAs(primary);
        int id = insertOnPrimary("after primary restart");
        cluster.waitForReplication(REPLICATION_TIMEOUT);
        for (ClusterNode replica : cluster.replicas()) {
            assertThat(noteOn(replica, id)).as("row on " + replica).isEqualTo("after primary restart");
        }
    }

    @Test
    void pausedReplicaAnswersNothingUntilResumed() throws SQLException {
        ClusterNode replica = cluster.replicas().get(0);
        try (Connection c = cluster.connectAdmin(replica)) {
            c.setNetworkTimeout(Runnable::run, 1000);
            cluster.pause(replica);
            assertThat(replica.isPaused()).isTrue();

            long t0 = System.nanoTime();
            assertThatThrownBy(() -> {
                try (Statement s = c.createStatement()) {
                    s.executeQuery("SELECT 1");
                }
            }).isInstanceOf(SQLException.class).hasRootCauseInstanceOf(java.net.SocketTimeoutException.class);
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofMillis(900));
        }

        cluster.resume(replica);

        assertThat(replica.isPaused()).isFalse();
        assertThat(cluster.query(replica, "SELECT @@port")).isEqualTo(Integer.toString(replica.port()));
    }

    @Test
    void closeStopsEveryServerAndDeletesTheData() {
        long t0 = System.nanoTime();
        MariaDbCluster small = MariaDbCluster.builder().replicas(1).start();
        long startMillis = (System.nanoTime() - t0) / 1_000_000;
        System.out.printf("MariaDB cluster of 2 nodes (primary + 1 replica) started in %d ms%n", startMillis);
        List<Long> pids = small.nodes().stream().map(ClusterNode::pid).toList();
        Path data = small.baseDir;
        assertThat(pids).allMatch(pid -> pid > 0);
        assertThat(small.semiSynchronous()).isFalse();
        assertThat(small.toString()).doesNotContain(small.admin().password(), small.app().password(), small.replication().password());

        small.close();
        small.close(); // idempotent

        for (long pid : pids) {
            assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).as("process " + pid + " alive").isFalse();
        }
        assertThat(data).doesNotExist();
        assertThatThrownBy(() -> small.start(small.primary())).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }

    @Test
    void serverThatCannotTakeItsPortFailsWithTheTailOfItsLog() throws Exception {
        try (MariaDbCluster single = MariaDbCluster.builder().replicas(0).startTimeout(Duration.ofSeconds(20)).start()) {
            ClusterNode primary = single.primary();
            single.kill(primary);
            try (ServerSocket squatter = new ServerSocket(primary.port(), 1, InetAddress.getByName(primary.host()))) {
                assertThatThrownBy(() -> single.start(primary))
                        .isInstanceOf(TestkitException.class)
                        .hasMessageContaining(primary.toString())
                        .hasMessageContaining("exited during start-up")
                        .hasMessageContaining("Address already in use");
            }
            assertThat(primary.isRunning()).isFalse();
        }
    }

    @Test
    void unknownSettingFailsTheStartWithTheServerLogAndNoPassword() {
        MariaDbCluster.Builder builder = MariaDbCluster.builder().replicas(0).admin("boss", "s3cret-admin")
                .setting("no_such_variable", "1");

        assertThatThrownBy(builder::start)
                .isInstanceOf(TestkitException.class)
                .hasMessageContaining("primary@127.0.0.1")
                .hasMessageContaining("unknown variable 'no_such_variable=1'")
                .hasMessageNotContaining("s3cret-admin");
    }

    @Test
    void builderRefusesBadValuesNamingThem() {
        assertThatThrownBy(() -> MariaDbCluster.builder().replicas(5))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("replicas must be between 0 and 4, but was 5");
        assertThatThrownBy(() -> MariaDbCluster.builder().database("app; DROP"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("database");
        assertThatThrownBy(() -> MariaDbCluster.builder().app("app", "it's"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageNotContaining("it's");
        assertThatThrownBy(() -> MariaDbCluster.builder().setting("a b", "1"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'a b'");
    }

    private static int insertOnPrimary(String note) {
        int id = IDS.incrementAndGet();
        execute(cluster, cluster.primary(), "INSERT INTO items VALUES (" + id + ", '" + note + "')");
        return id;
    }

    private static void execute(ReplicatedCluster c, ClusterNode node, String sql) {
        try (Connection conn = c.connectApp(node); Statement s = conn.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new AssertionError("'" + sql + "' failed on " + node + ": " + e.getMessage(), e);
        }
    }

    private static String noteOn(ClusterNode node, int id) throws SQLException {
        try (Connection c = cluster.connectApp(node); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT note FROM items WHERE id = " + id)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    /** Polls {@code node} until row {@code id} is there; returns how long after {@code since} (nanoTime) it appeared. */
    private static Duration awaitRow(ClusterNode node, int id, long since, Duration timeout) {
        long deadline = since + timeout.toNanos();
        String last = null;
        while (System.nanoTime() < deadline) {
            try {
                last = noteOn(node, id);
                if (last != null) {
                    return Duration.ofNanos(System.nanoTime() - since);
                }
            } catch (SQLException e) {
                last = "error: " + e.getMessage();
            }
            pause();
        }
        throw new AssertionError("Row " + id + " did not reach " + node + " within " + timeout + "; last read: " + last);
    }

    private static String awaitValue(Supplier<String> read, String expected, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = read.get();
        while (!expected.equals(last) && System.nanoTime() < deadline) {
            pause();
            last = read.get();
        }
        return last;
    }

    private static void pause() {
        try {
            Thread.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
