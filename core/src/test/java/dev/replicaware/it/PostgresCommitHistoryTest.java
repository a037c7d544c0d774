package dev.replicaware.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.replicaware.ConsistencyToken;
import dev.replicaware.ReplicaAwareConnection;
import dev.replicaware.ReplicaAwareDataSource;
import dev.replicaware.config.ClusterConfig;
import dev.replicaware.config.NodeConfig;
import dev.replicaware.testkit.ClusterNode;
import dev.replicaware.testkit.PostgresCluster;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Read-your-writes on PostgreSQL where the commit position is easy to get wrong: a commit that did not wait for its
 * flush, a promotion that forked the history, a replica left on the old history. Every read must see the write
 * committed before it, proven from the row; the node that served it is read back from the server. The DataSources use
 * the default settings.
 */
class PostgresCommitHistoryTest {
    private static final Map<String, String> POOL = Map.of("maximumPoolSize", "2", "minimumIdle", "1");

    /**
     * {@code SET LOCAL synchronous_commit = off} lasts until the commit: the position read right after it must still
     * be past the commit record, which is not flushed yet (the flush position is before it).
     */
    @Test
    void aCommitThatDidNotWaitForItsFlushIsSeenByEveryReadAfterIt() throws SQLException {
        try (PostgresCluster c = PostgresCluster.builder().replicas(1).start()) {
            createTable(c, c.primary());
            c.waitForReplication(Duration.ofSeconds(30));
            try (ReplicaAwareDataSource ds = RoutingContractTest.dataSource(c, b -> b.pool(POOL))) {
                Map<String, Integer> served = new TreeMap<>();
                int stale = 0;
                for (long id = 1; id <= 60; id++) {
                    try (Connection w = ds.getConnection()) {
                        w.setAutoCommit(false);
                        try (Statement s = w.createStatement()) {
                            s.execute("SET LOCAL synchronous_commit = off");
                        }
                        insert(w, id);
                        w.commit();
                    }
                    Row row = readOnly(ds, c, id);
                    served.merge(row.node, 1, Integer::sum);
                    if (row.count != 1) {
                        stale++;
                    }
                }
                System.out.printf("synchronous_commit off: stale %d of 60; served %s%n", stale, served);
                assertThat(stale).as("reads that missed the write committed before them; served " + served).isZero();
            }
        }
    }

    /**
     * A replica promoted, the old primary still writing, the other replica still streaming from it: that replica's
     * position is numerically ahead of the new primary's, on a history that holds none of its commits. It must not
     * serve a read that must see one.
     */
    @Test
    void aReplicaOnTheOldTimelineAheadOfTheNewPrimaryServesNoReadThatMustSeeItsCommits() throws Exception {
        try (PostgresCluster c = PostgresCluster.builder().replicas(2).start()) {
            ClusterNode old = c.primary();
            ClusterNode promoted = c.replicas().get(0);
            ClusterNode diverged = c.replicas().get(1);
            createTable(c, old);
            c.waitForReplication(Duration.ofSeconds(30));
            promote(c, promoted);
            // the old primary goes on: the replica that still follows it gets ahead of the new primary
            try (Connection a = c.connectApp(old); Statement s = a.createStatement()) {
                s.execute("CREATE TABLE filler AS SELECT g AS id, repeat('x', 200) AS pad FROM generate_series(1, 20000) g");
            }
            long target = lsn(c, promoted, "pg_current_wal_lsn()") + 1_000_000;
            awaitAtLeast(c, diverged, "pg_last_wal_replay_lsn()", target);
            try (ReplicaAwareDataSource ds = new ReplicaAwareDataSource(ClusterConfig.builder("it")
                    .primary(NodeConfig.of(promoted.name(), promoted.jdbcUrl()))
                    .replica(NodeConfig.of(diverged.name(), diverged.jdbcUrl()))
                    .username(c.app().username()).password(c.app().password()).pool(POOL).build())) {
                Map<String, Integer> served = new TreeMap<>();
                int stale = 0;
                for (long id = 1; id <= 30; id++) {
                    try (Connection w = ds.getConnection()) {
                        w.setAutoCommit(false);
                        insert(w, id);
                        w.commit();
                    }
                    Row row = readOnly(ds, c, id);
                    served.merge(row.node, 1, Integer::sum);
                    if (row.count != 1) {
                        stale++;
                    }
                }
                System.out.printf("diverged replica: stale %d of 30; served %s; replica status %s%n", stale, served,
                        ds.topology());
                assertThat(stale).as("reads that missed the write committed before them; served " + served).isZero();
                assertThat(served).as("the replica on the old timeline serves none").doesNotContainKey(diverged.name());
            }
        }
    }

    /**
     * After a failover that lost the old primary's last commits, the instance's position of the old history (ahead of
     * the new primary's WAL) must not come back with the first write on the new primary: reads must wait for that
     * write, not for a position the new primary will reach only after as many bytes of new WAL.
     */
    @Test
    void theFirstWriteOnANewPrimaryMakesItsPositionTheInstancesNotTheOldHistorysLatest() throws Exception {
        try (PostgresCluster c = PostgresCluster.builder().replicas(1).start()) {
            ClusterNode old = c.primary();
            ClusterNode next = c.replicas().get(0);
            createTable(c, old);
            c.waitForReplication(Duration.ofSeconds(30));
            try (ReplicaAwareDataSource ds = RoutingContractTest.dataSource(c, b -> b.pool(POOL))) {
                // the replica stops receiving: what the old primary commits next never reaches it
                try (Connection a = c.connectAdmin(next); Statement s = a.createStatement()) {
                    s.execute("ALTER SYSTEM SET primary_conninfo = ''");
                    s.execute("SELECT pg_reload_conf()");
                }
                awaitNotStreaming(c, next);
                try (Connection w = ds.getConnection(); Statement s = w.createStatement()) {
                    w.setAutoCommit(false);
                    s.execute("CREATE TABLE lost AS SELECT g AS id, repeat('x', 200) AS pad FROM generate_series(1, 20000) g");
                    w.commit();
                }
                ConsistencyToken lost = ds.causalReads().instancePosition();
                c.kill(old);
                promote(c, next);
                awaitPrimary(ds, next);
                ConsistencyToken first;
                try (Connection w = ds.getConnection()) {
                    w.setAutoCommit(false);
                    insert(w, 1);
                    w.commit();
                    first = w.unwrap(ReplicaAwareConnection.class).consistencyToken().orElseThrow();
                }
                System.out.printf("old history's last position %s, new primary's first %s, instance's now %s%n", lost,
                        first, ds.causalReads().instancePosition());
                assertThat(first.position()).as("the new primary's first commit is behind the old history's last")
                        .isLessThan(lost.position());
                assertThat(ds.causalReads().instancePosition()).as("the instance's position after the first write on "
                        + next.name()).isEqualTo(first);
            }
        }
    }

    private static void promote(PostgresCluster c, ClusterNode node) throws SQLException {
        try (Connection a = c.connectAdmin(node); Statement s = a.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT pg_promote(true, 30)")) {
            rs.next();
            assertThat(rs.getBoolean(1)).as("pg_promote on " + node.name()).isTrue();
        }
    }

    private static void awaitPrimary(ReplicaAwareDataSource ds, ClusterNode node) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            Object seen = ds.topology();
            // the new primary serves, and the old one is seen down (until then, two primaries: writes fail closed)
            if (ds.topology().nodes().stream().filter(s -> s.role() == dev.replicaware.dialect.Role.PRIMARY && s.state().serves())
                    .map(s -> s.name()).toList().equals(java.util.List.of(node.name()))) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the DataSource did not see " + node.name() + " as the only primary within 30 s; it sees " + seen);
            }
            Thread.sleep(50);
        }
    }

    private static void awaitNotStreaming(PostgresCluster c, ClusterNode node) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        String last = null;
        while (System.nanoTime() < deadline) {
            try (Connection a = c.connectAdmin(node); Statement s = a.createStatement();
                 ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_stat_wal_receiver")) {
                rs.next();
                last = rs.getString(1);
                if (rs.getInt(1) == 0) {
                    return;
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError(node.name() + " still has a walreceiver after 30 s: " + last);
    }

    private static long lsn(PostgresCluster c, ClusterNode node, String function) throws SQLException {
        try (Connection a = c.connectAdmin(node); Statement s = a.createStatement();
             ResultSet rs = s.executeQuery("SELECT (" + function + " - '0/0')::bigint")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static void awaitAtLeast(PostgresCluster c, ClusterNode node, String function, long target) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        long last = -1;
        while (System.nanoTime() < deadline) {
            last = lsn(c, node, function);
            if (last >= target) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError(node.name() + ": " + function + " at " + last + " after 30 s, expected at least " + target);
    }

    private static void createTable(PostgresCluster c, ClusterNode primary) throws SQLException {
        try (Connection a = c.connectApp(primary); Statement s = a.createStatement()) {
            s.execute("CREATE TABLE ryw (id BIGINT PRIMARY KEY)");
        }
    }

    private static void insert(Connection c, long id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO ryw (id) VALUES (?)")) {
            ps.setLong(1, id);
            ps.executeUpdate();
        }
    }

    private record Row(long count, String node) { }

    /** A read-only transaction, as Spring runs one, that counts the row: what it saw, and the node that served it. */
    private static Row readOnly(ReplicaAwareDataSource ds, PostgresCluster c, long id) throws SQLException {
        try (Connection r = ds.getConnection()) {
            r.setReadOnly(true);
            r.setAutoCommit(false);
            try (PreparedStatement ps = r.prepareStatement("SELECT count(*), inet_server_port() FROM ryw WHERE id = ?")) {
                ps.setLong(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    int port = rs.getInt(2);
                    Row row = new Row(rs.getLong(1), c.nodes().stream().filter(n -> n.port() == port).findFirst()
                            .map(ClusterNode::name).orElse("port " + port));
                    r.commit();
                    return row;
                }
            }
        }
    }
}
