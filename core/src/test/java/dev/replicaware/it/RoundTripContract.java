package dev.replicaware.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.replicaware.ReplicaAwareDataSource;
import dev.replicaware.config.ClusterConfig;
import dev.replicaware.config.HealthConfig;
import dev.replicaware.config.NodeConfig;
import dev.replicaware.config.RoutingConfig;
import dev.replicaware.testkit.ClusterNode;
import dev.replicaware.testkit.ReplicatedCluster;
import dev.replicaware.testkit.TcpProxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Replicaware sends no more network round trips per transaction than a plain HikariCP pool on the node that serves it,
 * for transactions run as Spring's transaction manager runs them (the read-only flag and autocommit set, then reset
 * before close). Round trips are counted by a {@link TcpProxy} in front of every node; the serving node is the server's
 * answer. A subclass names the engine.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class RoundTripContract {
    private static final int BATCHES = 5;
    static final int PER_BATCH = 10;

    ReplicatedCluster cluster;
    private final Map<String, TcpProxy> proxies = new LinkedHashMap<>();
    private final java.util.concurrent.atomic.AtomicLong writes = new java.util.concurrent.atomic.AtomicLong();

    /** Starts a cluster of a primary and one replica. */
    abstract ReplicatedCluster startCluster();

    /** SQL whose one row, one column answers the port of the server that ran it. */
    abstract String whichNodeSql();

    /**
     * Round trips read-your-writes adds to a write transaction: 0 where the commit position travels with the
     * {@code COMMIT} (PostgreSQL, MariaDB through Connector/J), 1 where it is read after it.
     */
    abstract int readYourWritesRoundTripsPerWrite();

    /** An apply delay the engine can set on a replica (MariaDB counts whole seconds), well under 3 s. */
    abstract Duration applyDelay();

    /**
     * Round trips a read-only transaction of one query through Replicaware saves against a plain pool on the replica:
     * 4 where setting the read-only flag and autocommit on and off are statements (MySQL, MariaDB), Replicaware's
     * replica pools hold their connections read-only and autocommit is left as the last transaction left it; 1 on
     * PostgreSQL, where the driver sends nothing for the flag and the query runs
     * before the transaction's deferred BEGIN, so there is no COMMIT to send.
     */
    abstract int readOnlyFlagRoundTripsSavedPerRead();

    @BeforeAll
    void start() throws SQLException {
        cluster = startCluster();
        cluster.nodes().forEach(n -> proxies.put(n.name(), TcpProxy.start(n.host(), n.port())));
        try (Connection c = cluster.connectApp(cluster.primary()); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE round_trips (id INT PRIMARY KEY, note VARCHAR(40))");
            s.execute("INSERT INTO round_trips (id, note) VALUES (1, 'seed')");
        }
        cluster.waitForReplication(Duration.ofSeconds(30));
    }

    @AfterAll
    void stop() {
        proxies.values().forEach(TcpProxy::close);
        if (cluster != null) {
            cluster.close();
        }
    }

    /**
     * The layer itself adds nothing: with read-your-writes off, Replicaware sends what a plain pool on the serving node
     * sends. With the default ({@code instance}) a write transaction costs exactly
     * {@link #readYourWritesRoundTripsPerWrite()} more, for its commit position, and a read none more (the replica is
     * idle and caught up, so the monitor knows it has replayed every commit: no wait).
     */
    @Test
    void springTransactionsCostNoMoreRoundTripsThanAPlainPoolOnTheServingNode() throws Exception {
        ClusterNode primary = cluster.primary();
        ClusterNode replica = cluster.replicas().get(0);
        try (ReplicaAwareDataSource layerOnly = replicaware(RoutingConfig.ReadYourWrites.OFF);
             HikariDataSource plainReplica = plainPool(replica);
             HikariDataSource plainPrimary = plainPool(primary)) {
            long replicawareRead = fewestRoundTrips(() -> assertServedBy(replica, springReadOnly(layerOnly)));
            long plainRead = fewestRoundTrips(() -> assertServedBy(replica, springReadOnly(plainReplica)));
            long replicawareWrite = fewestRoundTrips(() -> springWrite(layerOnly));
            long plainWrite = fewestRoundTrips(() -> springWrite(plainPrimary));

            assertThat(plainRead).as("round trips of %d read-only transactions through a plain pool", PER_BATCH).isPositive();
            assertThat(replicawareRead).as("round trips of %d read-only transactions through Replicaware, against %d through "
                    + "a plain pool on the replica", PER_BATCH, plainRead)
                    .isEqualTo(plainRead - (long) PER_BATCH * readOnlyFlagRoundTripsSavedPerRead());
            assertThat(replicawareWrite).as("round trips of %d write transactions through Replicaware, against %d through "
                    + "a plain pool on the primary", PER_BATCH, plainWrite).isLessThanOrEqualTo(plainWrite);

            try (ReplicaAwareDataSource byDefault = replicaware(RoutingConfig.ReadYourWrites.INSTANCE)) {
                long causalWrite = fewestRoundTrips(() -> springWrite(byDefault));
                long causalRead = fewestRoundTrips(() -> assertServedBy(replica, springReadOnly(byDefault)));
                assertThat(causalWrite).as("round trips of %d write transactions with read-your-writes, against %d without",
                        PER_BATCH, replicawareWrite).isEqualTo(replicawareWrite + (long) PER_BATCH * readYourWritesRoundTripsPerWrite());
                assertThat(causalRead).as("round trips of %d read-only transactions with read-your-writes, against %d without",
                        PER_BATCH, replicawareRead).isLessThanOrEqualTo(replicawareRead);
            }
        }
    }

    /**
     * A read that must see a commit its replica has not replayed yet waits on the replica (read-your-writes): one
     * round trip, whether the replica replays at once or only after {@link #applyDelay()}. The wait is the server's
     * (MariaDB's {@code MASTER_GTID_WAIT}, PostgreSQL's polled on the server), not a client polling across the network.
     */
    @Test
    void aReadThatWaitsForItsReplicaCostsOneRoundTripHoweverLongItWaits() throws Exception {
        ClusterNode replica = cluster.replicas().get(0);
        TcpProxy replicaProxy = proxies.get(replica.name());
        try (ReplicaAwareDataSource ds = replicaware(RoutingConfig.ReadYourWrites.INSTANCE, Duration.ofSeconds(5))) {
            long atOnce = Long.MAX_VALUE;
            for (int i = 0; i < 3; i++) { // the fewest: a pool's validation of an idle connection only ever adds
                springWrite(ds);
                long before = replicaProxy.roundTrips();
                assertServedBy(replica, springReadOnly(ds));
                atOnce = Math.min(atOnce, replicaProxy.roundTrips() - before);
            }
            cluster.applyDelay(replica, applyDelay());
            try {
                // The delay takes effect a little after it is set (a reload), and MariaDB counts it from a commit's
                // whole second: only reads that really waited (at least a fifth of it) are counted, the fewest of them.
                long delayed = Long.MAX_VALUE;
                int waited = 0;
                for (int i = 0; i < 8 && waited < 3; i++) {
                    springWrite(ds);
                    long before = replicaProxy.roundTrips();
                    long began = System.nanoTime();
                    assertServedBy(replica, springReadOnly(ds));
                    if (System.nanoTime() - began >= applyDelay().toNanos() / 5) {
                        waited++;
                        delayed = Math.min(delayed, replicaProxy.roundTrips() - before);
                    }
                }
                assertThat(waited).as("reads of 8 that waited for the delayed replica").isGreaterThanOrEqualTo(3);
                assertThat(delayed).as("round trips to the replica of a read that waited for it (apply delay %s), against %d "
                        + "of one whose replica had replayed at once", applyDelay(), atOnce).isEqualTo(atOnce);
            } finally {
                cluster.applyDelay(replica, Duration.ZERO);
            }
        }
    }

    private ReplicaAwareDataSource replicaware(RoutingConfig.ReadYourWrites readYourWrites) {
        return replicaware(readYourWrites, RoutingConfig.DEFAULT_READ_YOUR_WRITES_TIMEOUT);
    }

    private ReplicaAwareDataSource replicaware(RoutingConfig.ReadYourWrites readYourWrites, Duration readYourWritesTimeout) {
        ClusterNode primary = cluster.primary();
        ClusterNode replica = cluster.replicas().get(0);
        return new ReplicaAwareDataSource(ClusterConfig.builder("round-trips")
                .primary(NodeConfig.of(primary.name(), proxied(primary)))
                .replica(NodeConfig.of(replica.name(), proxied(replica)))
                .username(cluster.app().username()).password(cluster.app().password())
                .pool(Map.of("maximumPoolSize", "2", "minimumIdle", "1"))
                .readYourWrites(readYourWrites)
                .readYourWritesTimeout(readYourWritesTimeout)
                // reads wait on the replica, which counts as one round trip; reads that never wait would ask for
                // refreshes of its position, through the same proxy
                .readYourWritesWait(RoutingConfig.ReadYourWritesWait.ALWAYS)
                // probes go through the same proxies: one an hour keeps them out of the counts
                .health(new HealthConfig(Duration.ofHours(1), Duration.ofSeconds(5), 3, 1))
                .build());
    }

    String proxied(ClusterNode n) {
        return proxies.get(n.name()).jdbcUrl(n.jdbcUrl());
    }

    HikariDataSource plainPool(ClusterNode n) {
        HikariConfig c = new HikariConfig();
        c.setJdbcUrl(proxied(n));
        c.setUsername(cluster.app().username());
        c.setPassword(cluster.app().password());
        c.setMaximumPoolSize(2);
        c.setMinimumIdle(1);
        return new HikariDataSource(c);
    }

    interface Transaction {
        void run() throws SQLException;
    }

    /**
     * Round trips through all proxies for {@link #PER_BATCH} transactions, the fewest of {@link #BATCHES} batches: a pool
     * only ever adds round trips now and then (HikariCP validates a connection idle for over 500 ms), never removes any.
     */
    long fewestRoundTrips(Transaction tx) throws SQLException {
        for (int i = 0; i < 3; i++) { // connections open, drivers' caches warm
            tx.run();
        }
        List<Long> batches = new ArrayList<>();
        for (int batch = 0; batch < BATCHES; batch++) {
            long before = roundTrips();
            for (int i = 0; i < PER_BATCH; i++) {
                tx.run();
            }
            batches.add(roundTrips() - before);
        }
        return batches.stream().mapToLong(Long::longValue).min().orElseThrow();
    }

    private long roundTrips() {
        return proxies.values().stream().mapToLong(TcpProxy::roundTrips).sum();
    }

    /** A {@code @Transactional(readOnly = true)} method as Spring runs it; returns the port of the server that served it. */
    private int springReadOnly(DataSource ds) throws SQLException {
        try (Connection c = ds.getConnection()) {
            c.setReadOnly(true);
            c.setAutoCommit(false);
            int port;
            try (PreparedStatement ps = c.prepareStatement(whichNodeSql()); ResultSet rs = ps.executeQuery()) {
                rs.next();
                port = rs.getInt(1);
            }
            c.commit();
            c.setAutoCommit(true);
            c.setReadOnly(false);
            return port;
        }
    }

    private void springWrite(DataSource ds) throws SQLException {
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement("UPDATE round_trips SET note = ? WHERE id = 1")) {
                ps.setString(1, "w" + writes.incrementAndGet()); // a change each time: MariaDB logs no transaction that changed nothing
                ps.executeUpdate();
            }
            c.commit();
            c.setAutoCommit(true);
        }
    }

    private static void assertServedBy(ClusterNode expected, int port) {
        assertThat(port).as("port of the server that ran the read-only transaction (%s is %d)", expected.name(), expected.port())
                .isEqualTo(expected.port());
    }
}
