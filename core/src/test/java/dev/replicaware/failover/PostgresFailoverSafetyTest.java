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
import java.util.concurrent.TimeUnit;
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

    /**
     * The explorer's postgres seed 161: a switchover re-points the other replicas to its target before promoting it
     * (PostgreSQL), and when it is then refused it points them back; one that restarted meanwhile could not be, and was
     * left cascading from the target for good. Here the target's replay is a minute behind, so the switchover is
     * refused after writeWait, and the other replica is stopped once pointed at the target.
     */
    @Test
    void aReplicaAnAbortedSwitchoverCouldNotPointBackFollowsTheOldPrimaryOnceItAnswers() throws Exception {
        ReplicatedCluster c = cluster(2, false);
        ReplicaAwareDataSource ds = automatic(c, Duration.ofSeconds(4));
        createTable(ds);
        ClusterNode old = c.primary();
        ClusterNode target = c.replicas().get(0);
        ClusterNode other = c.replicas().get(1);
        c.applyDelay(target, Duration.ofSeconds(60));
        // writes until the target holds one it has not replayed (the delay applies once its reload is read): the
        // switchover cannot wait a minute for it
        AtomicLong id = new AtomicLong();
        FailoverContract.await(target.name() + " behind in replay", Duration.ofSeconds(10), () -> {
            assertThat(write(ds, id.incrementAndGet())).isTrue();
            return replayBehind(c, target);
        }, id::get);
        AtomicReference<Object> outcome = new AtomicReference<>();
        Thread switchover = new Thread(() -> {
            try {
                outcome.set(ds.switchover(target.name()));
            } catch (SQLException e) {
                outcome.set(e);
            }
        }, "fs-switchover");
        switchover.start();
        AtomicReference<String> conninfo = new AtomicReference<>();
        FailoverContract.await(other.name() + " pointed at the target " + target.name(), Duration.ofSeconds(10), () -> {
            conninfo.set(primaryConninfo(c, other));
            return conninfo.get().matches(".*\\bport='?" + target.port() + "\\b.*");
        }, () -> conninfo.get() + "; the switchover: " + outcome.get());
        c.stop(other);
        switchover.join(60_000);
        assertThat(outcome.get()).as("the switchover's outcome").isInstanceOf(SQLException.class);
        assertThat(isPrimary(c, old)).isTrue();
        c.start(other);
        AtomicReference<String> upstream = new AtomicReference<>();
        FailoverContract.await(other.name() + " streams from the primary " + old.name() + " again", Duration.ofSeconds(30), () -> {
            upstream.set(walReceiver(c, other));
            return ("streaming " + old.port()).equals(upstream.get());
        }, upstream::get);
        long after = id.incrementAndGet();
        assertThat(write(ds, after)).isTrue();
        FailoverContract.await(other.name() + " replays a write made after the switchover was refused", Duration.ofSeconds(30),
                () -> ids(c, other).contains(after), () -> {
                    try {
                        return ids(c, other);
                    } catch (SQLException e) {
                        return e.toString();
                    }
                });
    }

    /**
     * The explorer's postgres seed 96: the candidate was killed while the failover promoted it, the promotion went
     * through, and the failover failed not knowing it; the lost primary then served again, and once both were up
     * each claimed to be the primary, writes refused as a split brain for good (both writable, seen by the sampler).
     * Here the candidate's startup process is stopped, so that its promotion waits, and its proxy cut while the
     * failover waits on it; then the promotion goes through unseen, and the lost primary resumes. Once that primary
     * serves, the candidate is fenced: read-only as soon as it is reached, never routed to.
     */
    @Test
    void aCandidateWhosePromotionWasInterruptedIsFencedOnceTheLostPrimaryServesAgain() throws Exception {
        ReplicatedCluster c = cluster(1, false);
        ClusterNode old = c.primary();
        ClusterNode candidate = c.replicas().get(0);
        dev.replicaware.testkit.TcpProxy proxy = dev.replicaware.testkit.TcpProxy.start(candidate.host(), candidate.port());
        resources.add(proxy);
        ReplicaAwareDataSource ds = dataSource(dev.replicaware.config.ClusterConfig.builder("fs")
                .primary(dev.replicaware.config.NodeConfig.of(old.name(), old.jdbcUrl()))
                .replica(dev.replicaware.config.NodeConfig.of(candidate.name(), proxy.jdbcUrl(candidate.jdbcUrl())))
                .username(c.app().username()).password(c.app().password())
                .pool(java.util.Map.of("maximumPoolSize", "4", "minimumIdle", "1"))
                .failover(new dev.replicaware.config.FailoverConfig(dev.replicaware.config.FailoverConfig.Mode.AUTOMATIC, null,
                        WRITE_WAIT, c.failoverAdmin().username(), c.failoverAdmin().password()))
                .build());
        createTable(ds);
        assertThat(write(ds, 1)).isTrue();
        c.waitForReplication(Duration.ofSeconds(30));
        long startup;
        try (Connection su = c.connectAdmin(candidate); Statement s = su.createStatement();
             ResultSet rs = s.executeQuery("SELECT pid FROM pg_stat_activity WHERE backend_type = 'startup'")) {
            assertThat(rs.next()).as("the startup process of " + candidate.name()).isTrue();
            startup = rs.getLong(1);
        }
        signal("STOP", startup);
        boolean stopped = true;
        try {
            c.pause(old);
            FailoverContract.await("the failover's pg_promote waiting on " + candidate.name(), Duration.ofSeconds(40),
                    () -> promoteUnderWay(c, candidate), ds::topology);
            proxy.cut();
            proxy.refuse(); // from now on the DataSource reaches the candidate no more, until pass()
            FailoverContract.await("the failover fails", Duration.ofSeconds(20), () -> events.stream().anyMatch(e ->
                    e.type() == TopologyEvent.Type.FAILOVER_REFUSED && e.detail().contains("failed")), () -> events);
            signal("CONT", startup);
            stopped = false;
            FailoverContract.await(candidate.name() + " promoted", Duration.ofSeconds(30), () -> isPrimary(c, candidate),
                    () -> "in recovery");
        } finally {
            if (stopped) {
                signal("CONT", startup);
            }
            c.resume(old);
        }
        FailoverContract.await("a write on " + old.name() + " once it resumed", WRITE_WAIT, () -> write(ds, 2), ds::topology);
        proxy.pass();
        FailoverContract.await(candidate.name() + " fenced and read-only", Duration.ofSeconds(30),
                () -> ds.topology().node(candidate.name()).orElseThrow().state() == dev.replicaware.topology.NodeState.FENCED
                        && refusesWrites(c, candidate), ds::topology);
        for (long id = 3; id < 23; id++) {
            assertThat(write(ds, id)).as("write %d, %s", id, ds.topology()).isTrue();
        }
        assertThat(ids(c, old)).contains(1L, 2L, 22L);
    }

    /** True while a session on {@code node} runs {@code pg_promote}. */
    static boolean promoteUnderWay(ReplicatedCluster c, ClusterNode node) throws SQLException {
        try (Connection conn = c.connectAdmin(node); Statement s = conn.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'SELECT pg_promote%' AND state = 'active'")) {
            rs.next();
            return rs.getInt(1) > 0;
        }
    }

    static boolean replayBehind(ReplicatedCluster c, ClusterNode node) throws SQLException {
        try (Connection conn = c.connectAdmin(node); Statement s = conn.createStatement();
             ResultSet rs = s.executeQuery("SELECT pg_last_wal_receive_lsn() > pg_last_wal_replay_lsn()")) {
            rs.next();
            return rs.getBoolean(1);
        }
    }

    static String primaryConninfo(ReplicatedCluster c, ClusterNode node) throws SQLException {
        try (Connection conn = c.connectAdmin(node); Statement s = conn.createStatement(); ResultSet rs = s.executeQuery("SHOW primary_conninfo")) {
            rs.next();
            return rs.getString(1);
        }
    }

    /** The walreceiver of {@code node}: its status and sender port, or "none". */
    static String walReceiver(ReplicatedCluster c, ClusterNode node) throws SQLException {
        try (Connection conn = c.connectAdmin(node); Statement s = conn.createStatement();
             ResultSet rs = s.executeQuery("SELECT status || ' ' || coalesce(sender_port::text, '') FROM pg_stat_wal_receiver")) {
            return rs.next() ? rs.getString(1) : "none";
        }
    }

    /**
     * Issue 23, §2 item 8: a server process started before the fence's reload reached the postmaster (a connect queued
     * during a pause) must not keep a write transaction it began before the reload reached it. Held open by
     * construction: the session's authentication is held by a proxy while the fence runs, and the postmaster is
     * stopped (superuser, fault injection) so that the reload reaches nobody until the session has written.
     */
    @Test
    void sessionAuthenticatingWhenTheFenceRanCannotCommitWhatItWroteBeforeTheReloadReachedIt() throws Exception {
        ReplicatedCluster c = cluster(1, false);
        ClusterNode node = c.primary();
        try (Connection su = c.connectAdmin(node); Statement s = su.createStatement()) {
            s.execute("CREATE TABLE fs_writes (id BIGINT PRIMARY KEY, pad VARCHAR(200))");
            s.execute("GRANT ALL ON fs_writes TO " + c.app().username());
        }
        Connection inspect = c.connectAdmin(node); // opened now: no connection can start while the postmaster is stopped
        resources.add(inspect);
        Connection fenceSession = java.sql.DriverManager.getConnection(node.jdbcUrl(), c.failoverAdmin().username(), c.failoverAdmin().password());
        resources.add(fenceSession);
        long postmaster = postmasterPid(inspect);
        java.util.concurrent.CountDownLatch greetClient = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch commitNow = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch wrote = new java.util.concurrent.CountDownLatch(1);
        AtomicReference<Object> outcome = new AtomicReference<>();
        try (java.net.ServerSocket proxy = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            java.net.Socket[] server = new java.net.Socket[1];
            Thread relay = new Thread(() -> {
                try (java.net.Socket client = proxy.accept(); java.net.Socket up = new java.net.Socket(node.host(), node.port())) {
                    server[0] = up;
                    Thread toServer = new Thread(() -> copy(client, up), "fs-to-server");
                    toServer.start();
                    greetClient.await(); // the server's answers wait here: the session stays in authentication
                    copy(up, client);
                    toServer.join(5_000);
                } catch (Exception e) {
                    // the session ended
                }
            }, "fs-proxy");
            relay.start();
            String url = node.jdbcUrl().replace(node.host() + ":" + node.port(), "127.0.0.1:" + proxy.getLocalPort());
            Thread session = new Thread(() -> {
                try (Connection conn = java.sql.DriverManager.getConnection(url, c.app().username(), c.app().password())) {
                    conn.setAutoCommit(false);
                    try (Statement st = conn.createStatement()) {
                        st.executeUpdate("INSERT INTO fs_writes VALUES (8, 'queued')");
                    }
                    wrote.countDown();
                    commitNow.await();
                    conn.commit();
                    outcome.set("committed");
                } catch (SQLException | InterruptedException e) {
                    outcome.set(e);
                } finally {
                    wrote.countDown();
                }
            }, "fs-queued-session");
            session.start();
            FailoverContract.await("the server process of the held session greets it", Duration.ofSeconds(10),
                    () -> server[0] != null && server[0].getInputStream().available() > 0, () -> server[0]);
            AtomicReference<Object> fenced = new AtomicReference<>();
            Thread fence = new Thread(() -> {
                try {
                    fenced.set(dev.replicaware.dialect.Dialect.forUrl(node.jdbcUrl()).fenceResumedPrimary(fenceSession, Duration.ofSeconds(30)));
                } catch (SQLException e) {
                    fenced.set(e);
                }
            }, "fs-fence");
            signal("STOP", postmaster);
            try {
                fence.start();
                // the fence has ended its pass over the sessions, or waits for the reload
                FailoverContract.await("the fence ran or waits for its reload", Duration.ofSeconds(20), () -> !fence.isAlive()
                        || fenceWaitsForReload(inspect), fenced::get);
                greetClient.countDown();
                assertThat(wrote.await(20, TimeUnit.SECONDS)).as("the held session wrote").isTrue();
            } finally {
                signal("CONT", postmaster);
            }
            fence.join(40_000);
            assertThat(fenced.get()).as("the fence's outcome").isInstanceOf(String.class);
            commitNow.countDown();
            session.join(30_000);
        }
        assertThat(outcome.get()).as("the commit of a write begun before the fence's reload reached its session")
                .isInstanceOf(SQLException.class);
        try (Statement s = inspect.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM fs_writes WHERE id = 8")) {
            rs.next();
            assertThat(rs.getInt(1)).as("rows of the held session on the fenced node").isZero();
        }
    }

    private static void copy(java.net.Socket from, java.net.Socket to) {
        try {
            from.getInputStream().transferTo(to.getOutputStream());
        } catch (java.io.IOException e) {
            // closed
        }
    }

    /** True while the fence's session polls for its reload (its last statement, as the server shows it). */
    private static boolean fenceWaitsForReload(Connection inspect) throws SQLException {
        try (Statement s = inspect.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT count(*) FROM pg_stat_activity WHERE query LIKE '%fence reloaded?%' AND pid <> pg_backend_pid()")) {
            rs.next();
            return rs.getInt(1) > 0;
        }
    }

    /** The postmaster: the parent of this session's server process. */
    private static long postmasterPid(Connection su) throws Exception {
        try (Statement s = su.createStatement(); ResultSet rs = s.executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            return ProcessHandle.of(rs.getLong(1)).orElseThrow().parent().orElseThrow().pid();
        }
    }

    private static void signal(String signal, long pid) throws Exception {
        Process p = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start();
        assertThat(p.waitFor()).as("kill -" + signal + " " + pid).isZero();
    }
}
