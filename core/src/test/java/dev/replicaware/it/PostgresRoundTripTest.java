package dev.replicaware.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import dev.replicaware.ReplicaAwareConnection;
import dev.replicaware.ReplicaAwareDataSource;
import dev.replicaware.config.ClusterConfig;
import dev.replicaware.config.HealthConfig;
import dev.replicaware.config.NodeConfig;
import dev.replicaware.testkit.ClusterNode;
import dev.replicaware.testkit.PostgresCluster;
import dev.replicaware.testkit.ReplicatedCluster;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.Map;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

class PostgresRoundTripTest extends RoundTripContract {
    /** Classified as only reading: a lone read that may run before its transaction's BEGIN. */
    private static final String LONE_READ = "SELECT note FROM round_trips WHERE id = ?";
    private static final String TRANSACTION_START = "SELECT transaction_timestamp()";

    @Override
    ReplicatedCluster startCluster() {
        return PostgresCluster.builder().replicas(1).start();
    }

    @Override
    String whichNodeSql() {
        return "SELECT inet_server_port()";
    }

    /** The position is read in the COMMIT's own round trip. */
    @Override
    int readYourWritesRoundTripsPerWrite() {
        return 0;
    }

    @Override
    java.time.Duration applyDelay() {
        return java.time.Duration.ofMillis(400);
    }

    /**
     * pgjdbc sends nothing for the read-only flag (it only makes the next BEGIN a BEGIN READ ONLY); the query, which
     * only reads, runs before the deferred BEGIN ({@code routing.deferBegin}), so the COMMIT's round trip is saved.
     */
    @Override
    int readOnlyFlagRoundTripsSavedPerRead() {
        return 1;
    }

    /**
     * With the default {@code routing.deferBegin}, a read-only transaction whose only statement provably only reads
     * runs it without BEGIN and COMMIT: one round trip where a plain pool on the same replica takes two.
     */
    @Test
    void aReadOnlyTransactionOfOneQueryCostsOneRoundTripWhereAPlainPoolTakesTwo() throws Exception {
        ClusterNode replica = cluster.replicas().get(0);
        int perBatch = PER_BATCH; // transactions per counted batch
        try (ReplicaAwareDataSource ds = replicaware(b -> { });
             HikariDataSource plain = plainPool(replica)) {
            long deferred = fewestRoundTrips(() -> assertThat(loneReadOnlyTransaction(ds)).isEqualTo(replica.name()));
            long asUsual = fewestRoundTrips(() -> loneReadOnlyTransaction(plain));
            assertThat(asUsual).as("round trips of %d one-query read-only transactions through a plain pool", perBatch)
                    .isEqualTo(2L * perBatch);
            assertThat(deferred).as("round trips of the same through Replicaware, with the deferred BEGIN, against %d",
                    asUsual).isEqualTo(asUsual - perBatch);
            try (ReplicaAwareDataSource off = replicaware(b -> b.deferBegin(false))) {
                assertThat(fewestRoundTrips(() -> loneReadOnlyTransaction(off)))
                        .as("round trips with routing.deferBegin off").isEqualTo(asUsual);
            }
        }
    }

    /**
     * What runs before the BEGIN is only the first statement, and only where the transaction could not tell: the
     * second statement begins the transaction, which every later one shares; and a stricter isolation level (the
     * connection's, or the one the pool's sessions start with), a fetch size, a statement not known to only read,
     * or the setting off begin it with the first. The transaction's start time tells whether two statements shared one.
     */
    @Test
    void onlyAFirstStatementThatCouldNotTellRunsBeforeTheBegin() throws Exception {
        try (ReplicaAwareDataSource ds = replicaware(b -> { })) {
            Timestamp[] t = startsOfThreeStatements(ds, c -> { }, 0, TRANSACTION_START);
            assertThat(t[0]).as("the lone first statement ran in a transaction of its own, before the BEGIN").isBefore(t[1]);
            assertThat(t[2]).as("the second and third statements share one transaction").isEqualTo(t[1]);

            t = startsOfThreeStatements(ds, c -> isolation(c, Connection.TRANSACTION_REPEATABLE_READ), 0, TRANSACTION_START);
            assertThat(t).as("REPEATABLE READ set on the connection: one snapshot, one transaction").containsOnly(t[0]);
            t = startsOfThreeStatements(ds, c -> { }, 5, TRANSACTION_START);
            assertThat(t).as("a fetch size: the first statement's cursor lives in the transaction").containsOnly(t[0]);
            t = startsOfThreeStatements(ds, c -> { }, 0, "SELECT transaction_timestamp() FROM pg_stat_activity LIMIT 1");
            assertThat(t).as("a first statement not known to only read (a node-local view)").containsOnly(t[0]);
        }
        try (ReplicaAwareDataSource repeatable = replicaware(b -> b.pool(Map.of("maximumPoolSize", "2",
                "transactionIsolation", "TRANSACTION_REPEATABLE_READ")))) {
            Timestamp[] t = startsOfThreeStatements(repeatable, c -> { }, 0, TRANSACTION_START);
            assertThat(t).as("the pool's sessions start at REPEATABLE READ").containsOnly(t[0]);
        }
        try (ReplicaAwareDataSource off = replicaware(b -> b.deferBegin(false))) {
            Timestamp[] t = startsOfThreeStatements(off, c -> { }, 0, TRANSACTION_START);
            assertThat(t).as("routing.deferBegin off").containsOnly(t[0]);
        }
    }

    /** After a lone read, the transaction still rolls back, takes savepoints, and refuses an isolation change, as pgjdbc does. */
    @Test
    void aTransactionWhoseBeginWaitsStillRollsBackTakesSavepointsAndRefusesAnIsolationChange() throws Exception {
        try (ReplicaAwareDataSource ds = replicaware(b -> { }); Connection c = ds.getConnection()) {
            c.setReadOnly(true);
            c.setAutoCommit(false);
            read(c, LONE_READ);
            c.rollback(); // nothing begun on the server: nothing sent, no error
            read(c, LONE_READ);
            assertThatThrownBy(() -> c.setTransactionIsolation(Connection.TRANSACTION_SERIALIZABLE))
                    .isInstanceOf(SQLException.class)
                    .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("25001"));
            var savepoint = c.setSavepoint();
            Timestamp second = start(c, TRANSACTION_START);
            c.rollback(savepoint);
            assertThat(start(c, TRANSACTION_START)).as("after a rollback to a savepoint, the same transaction").isEqualTo(second);
            c.commit();
            c.setAutoCommit(true);
            assertThat(start(c, TRANSACTION_START)).as("a statement in autocommit after the commit").isAfter(second);
        }
    }

    private ReplicaAwareDataSource replicaware(Consumer<ClusterConfig.Builder> settings) {
        ClusterNode primary = cluster.primary();
        ClusterNode replica = cluster.replicas().get(0);
        ClusterConfig.Builder b = ClusterConfig.builder("deferred-begin")
                .primary(NodeConfig.of(primary.name(), proxied(primary)))
                .replica(NodeConfig.of(replica.name(), proxied(replica)))
                .username(cluster.app().username()).password(cluster.app().password())
                .pool(Map.of("maximumPoolSize", "2", "minimumIdle", "1"))
                // probes go through the same proxies: one an hour keeps them out of the counts
                .health(new HealthConfig(Duration.ofHours(1), Duration.ofSeconds(5), 3, 1));
        settings.accept(b);
        return new ReplicaAwareDataSource(b.build());
    }

    /** A {@code @Transactional(readOnly = true)} method of one query, as Spring runs it; the serving node's name, if known. */
    private static String loneReadOnlyTransaction(DataSource ds) throws SQLException {
        try (Connection c = ds.getConnection()) {
            c.setReadOnly(true);
            c.setAutoCommit(false);
            read(c, LONE_READ);
            String node = c.isWrapperFor(ReplicaAwareConnection.class)
                    ? c.unwrap(ReplicaAwareConnection.class).servingNode().orElse("none") : null;
            c.commit();
            c.setAutoCommit(true);
            c.setReadOnly(false);
            return node;
        }
    }

    private static Timestamp[] startsOfThreeStatements(DataSource ds, SqlSetting setting, int fetchSize, String first)
            throws SQLException {
        try (Connection c = ds.getConnection()) {
            c.setReadOnly(true);
            c.setAutoCommit(false);
            setting.apply(c);
            Timestamp[] t = new Timestamp[3];
            try (PreparedStatement ps = c.prepareStatement(first)) {
                ps.setFetchSize(fetchSize);
                try (ResultSet rs = ps.executeQuery()) {
                    assertThat(rs.next()).isTrue();
                    t[0] = rs.getTimestamp(1);
                }
            }
            t[1] = start(c, TRANSACTION_START);
            t[2] = start(c, TRANSACTION_START);
            c.commit();
            return t;
        }
    }

    private interface SqlSetting {
        void apply(Connection c) throws SQLException;
    }

    private static void isolation(Connection c, int level) throws SQLException {
        c.setTransactionIsolation(level);
    }

    private static Timestamp start(Connection c, String sql) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            assertThat(rs.next()).isTrue();
            return rs.getTimestamp(1);
        }
    }

    private static void read(Connection c, String sql) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setInt(1, 1);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
            }
        }
    }
}
