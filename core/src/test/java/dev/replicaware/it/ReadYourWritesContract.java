package dev.replicaware.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.replicaware.ConsistencyToken;
import dev.replicaware.ReadConsistency;
import dev.replicaware.ReplicaAwareConnection;
import dev.replicaware.ReplicaAwareDataSource;
import dev.replicaware.config.HealthConfig;
import dev.replicaware.config.RoutingConfig.AutocommitReads;
import dev.replicaware.config.RoutingConfig.ReadYourWrites;
import dev.replicaware.config.RoutingConfig.ReadYourWritesWait;
import dev.replicaware.metrics.ReplicawareMetrics;
import dev.replicaware.routing.CausalReads;
import dev.replicaware.testkit.ClusterNode;
import dev.replicaware.testkit.ReplicatedCluster;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Read-your-writes on a real cluster with one replica 2 s behind: every read sees the write before it, proven by the
 * row being there, and the node that served it is read back from the server. The caught-up replica, not the primary,
 * serves most of them. The cost on the primary is counted by the server.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ReadYourWritesContract {
    private static final Duration DELAY = Duration.ofSeconds(2);
    ReplicatedCluster cluster;
    private ClusterNode delayed;
    private ClusterNode caughtUp;
    private final AtomicLong ids = new AtomicLong();

    abstract ReplicatedCluster startCluster();

    /** The port of the server that ran it, as a second column of a query ({@link NodePort}). */
    abstract String portExpression();

    /** Run once the table is replicated: whatever {@link #portExpression()} needs on every node. */
    abstract void prepareNodes(ReplicatedCluster cluster) throws SQLException;

    /** How many statements the primary has run, all clients together, from the server's own counter. */
    abstract long statementsOnPrimary(ReplicatedCluster cluster) throws SQLException;

    @BeforeAll
    void start() throws SQLException {
        cluster = startCluster();
        try (Connection c = cluster.connectApp(cluster.primary()); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE ryw (id BIGINT PRIMARY KEY, note VARCHAR(20))");
        }
        cluster.waitForReplication(Duration.ofSeconds(30));
        prepareNodes(cluster);
        delayed = cluster.replicas().get(0);
        caughtUp = cluster.replicas().get(1);
        cluster.applyDelay(delayed, DELAY);
    }

    @AfterAll
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void everyReadSeesTheWriteBeforeItOnAnotherConnectionAndTheCaughtUpReplicaServesMost() throws SQLException {
        int cycles = 1000;
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (ReplicaAwareDataSource ds = dataSource(b -> { })) { // readYourWrites instance, reads wait
            new ReplicawareMetrics(ds).bindTo(registry);
            Map<String, Integer> served = new TreeMap<>();
            int stale = 0;
            for (int i = 0; i < cycles; i++) {
                Row row = writeThenReadInReadOnlyTransaction(ds);
                served.merge(row.node, 1, Integer::sum);
                if (row.count != 1) {
                    stale++;
                }
            }
            CausalReads figures = ds.causalReads();
            double share = served.getOrDefault(caughtUp.name(), 0) / (double) cycles;
            System.out.printf("%s read-your-writes, %d write->read cycles: stale %d; served %s; caught-up replica %.1f %%;"
                            + " replica known caught up %d, waited %d (%.2f ms on average), primary %d%n",
                    getClass().getSimpleName(), cycles, stale, served, share * 100, figures.caughtUpReads(), figures.waitedReads(),
                    figures.waits() == 0 ? 0 : figures.waitNanos() / 1e6 / figures.waits(), figures.primaryReads());
            assertThat(stale).as("reads that did not see the write committed before them").isZero();
            assertThat(served).as("the replica 2 s behind serves none of them").doesNotContainKey(delayed.name());
            assertThat(share).as("share served by the caught-up replica; served " + served).isGreaterThan(0.8);
            double byReplicas = registry.get("replicaware.causal.reads").tags("cluster", "it", "served", "caught-up")
                    .functionCounter().count()
                    + registry.get("replicaware.causal.reads").tags("served", "waited").functionCounter().count();
            assertThat(byReplicas).as("replicaware.causal.reads served by replicas").isEqualTo((double) served.get(caughtUp.name()));
            assertThat(registry.get("replicaware.causal.reads").tags("served", "primary").functionCounter().count())
                    .isEqualTo((double) served.getOrDefault(cluster.primary().name(), 0));
            assertThat(registry.get("replicaware.causal.wait").functionTimer().count()).isEqualTo((double) figures.waits());
            assertThat(registry.get("replicaware.causal.positions").functionCounter().count()).isEqualTo((double) cycles);
        }
    }

    /**
     * The default ({@code readYourWritesWait: never}): a read no replica is known to serve fresh goes to the primary at
     * once, never waiting; replicas serve such reads once they are known to be there (the refresh those reads asked
     * for), and never stale.
     */
    @Test
    void byDefaultAReadNeverWaitsNeverReadsStaleAndTheCaughtUpReplicaServesOnceKnownThere() throws SQLException {
        int cycles = 300;
        try (ReplicaAwareDataSource ds = defaultDataSource()) {
            Map<String, Integer> served = new TreeMap<>();
            int stale = 0;
            for (int i = 0; i < cycles; i++) {
                long id = insertInTransaction(ds);
                // reads of the same write, one after another: the first ones may find no replica known there yet (a
                // read-only transaction of one query takes one round trip: three of them can all end before the
                // refresh their first one asked for has confirmed the replica's position)
                for (int read = 0; read < 10; read++) {
                    try (Connection c = ds.getConnection()) {
                        c.setReadOnly(true);
                        c.setAutoCommit(false);
                        Row row = read(c, id);
                        c.commit();
                        served.merge(row.node, 1, Integer::sum);
                        if (row.count != 1) {
                            stale++;
                        }
                    }
                }
            }
            CausalReads figures = ds.causalReads();
            System.out.printf("%s default (never waits), %d writes, 10 reads each: stale %d; served %s; replica known there %d,"
                            + " primary %d, waits %d%n", getClass().getSimpleName(), cycles, stale, served,
                    figures.caughtUpReads(), figures.primaryReads(), figures.waits());
            assertThat(stale).as("reads that did not see the write committed before them; served " + served).isZero();
            assertThat(figures.waits()).as("waits on replicas with readYourWritesWait never").isZero();
            assertThat(served).as("the replica 2 s behind serves none of them").doesNotContainKey(delayed.name());
            assertThat(served.getOrDefault(caughtUp.name(), 0)).as("reads the caught-up replica served; served " + served)
                    .isPositive();
        }
    }

    /**
     * The first replica listed was never reached, so its server never confirmed its dialect (MariaDB answers
     * {@code jdbc:mysql:} URLs): positions are not read with it. Found by the fault-schedule explorer (MariaDB seed 32):
     * an instance restarted while that replica was down read a MariaDB GTID as a MySQL GTID set, found it empty, and
     * took the replica 2 s behind as caught up, thousands of stale reads in the 100 ms before it saw the replica's lag.
     */
    @Test
    void aReplicaNeverReachedDoesNotDecideHowCommitPositionsCompare() throws Exception {
        int unreachablePort;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            unreachablePort = s.getLocalPort(); // closed again: connections to it are refused
        }
        ClusterNode primary = cluster.primary();
        String unreachable = delayed.jdbcUrl().replace(":" + delayed.port() + "/", ":" + unreachablePort + "/");
        dev.replicaware.config.ClusterConfig config = dev.replicaware.config.ClusterConfig.builder("it-unreached")
                .primary(dev.replicaware.config.NodeConfig.of(primary.name(), primary.jdbcUrl()))
                .replica(dev.replicaware.config.NodeConfig.of("never-reached", unreachable))
                .replica(dev.replicaware.config.NodeConfig.of(delayed.name(), delayed.jdbcUrl()))
                .username(cluster.app().username()).password(cluster.app().password())
                .pool(Map.of("maximumPoolSize", "4", "minimumIdle", "1")).build();
        try (ReplicaAwareDataSource ds = new ReplicaAwareDataSource(config)) {
            Duration maxLag = ds.config().routing().maxLag();
            RoutingContractTest.await(delayed.name() + " serving reads", Duration.ofSeconds(20),
                    () -> ds.topology().node(delayed.name()).map(n -> n.servesReadsWithin(maxLag)).orElse(false),
                    ds::topology);
            Map<String, Integer> served = new TreeMap<>();
            int stale = 0;
            for (int i = 0; i < 50; i++) {
                Row row = writeThenReadInReadOnlyTransaction(ds);
                served.merge(row.node, 1, Integer::sum);
                if (row.count != 1) {
                    stale++;
                }
            }
            assertThat(stale).as("reads that did not see the write committed before them; served " + served).isZero();
        }
    }

    @Test
    void autocommitWritesAreSeenByTheNextReadOnceTheirConnectionIsClosed() throws SQLException {
        int cycles = 200;
        try (ReplicaAwareDataSource ds = dataSource(b -> { })) {
            Map<String, Integer> served = new TreeMap<>();
            int stale = 0;
            for (int i = 0; i < cycles; i++) {
                long id = ids.incrementAndGet();
                try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement("INSERT INTO ryw (id) VALUES (?)")) {
                    ps.setLong(1, id);
                    ps.executeUpdate();
                }
                try (Connection c = ds.getConnection()) {
                    c.setReadOnly(true);
                    Row row = read(c, id);
                    served.merge(row.node, 1, Integer::sum);
                    if (row.count != 1) {
                        stale++;
                    }
                }
            }
            System.out.printf("%s autocommit writes, %d cycles: stale %d; served %s%n", getClass().getSimpleName(), cycles, stale, served);
            assertThat(stale).as("reads that did not see the autocommit write before them").isZero();
            assertThat(served.getOrDefault(caughtUp.name(), 0)).as("served " + served).isGreaterThan(cycles / 2);
        }
    }

    @Test
    void readsOutsideTransactionsOnReplicasSeeEveryWriteBeforeThemAndTheirOwnConnectionsWrites() throws SQLException {
        int cycles = 200;
        try (ReplicaAwareDataSource ds = dataSource(b -> b.autocommitReads(AutocommitReads.REPLICA))) {
            Map<String, Integer> served = new TreeMap<>();
            int stale = 0;
            int readsBeforeWritesOnReplicas = 0;
            for (int i = 0; i < cycles; i++) {
                long id;
                if (i % 2 == 0) {
                    id = insertInTransaction(ds);
                } else { // the write on the primary side of a connection whose reads went to a replica
                    id = ids.incrementAndGet();
                    try (Connection c = ds.getConnection()) {
                        if (!read(c, id - 1).node.equals(cluster.primary().name())) {
                            readsBeforeWritesOnReplicas++; // this connection has a replica side
                        }
                        insert(c, id);
                        Row own = read(c, id);
                        assertThat(own.count).as("the connection's own autocommit write, read on it").isEqualTo(1);
                        assertThat(own.node).as("a connection that wrote reads on the primary").isEqualTo(cluster.primary().name());
                    }
                }
                try (Connection c = ds.getConnection()) { // autocommit, not read-only: routed by the classifier
                    Row row = read(c, id);
                    served.merge(row.node, 1, Integer::sum);
                    if (row.count != 1) {
                        stale++;
                    }
                }
            }
            System.out.printf("%s autocommit reads on replicas, %d cycles: stale %d; served %s; reads before a write on"
                    + " the same connection on replicas %d%n", getClass().getSimpleName(), cycles, stale, served,
                    readsBeforeWritesOnReplicas);
            assertThat(readsBeforeWritesOnReplicas).as("writing connections that read on a replica first")
                    .isGreaterThan(cycles / 4);
            assertThat(stale).as("reads outside transactions that did not see the write before them").isZero();
            assertThat(served).as("the replica 2 s behind serves none of them").doesNotContainKey(delayed.name());
            assertThat(served.getOrDefault(caughtUp.name(), 0)).as("served " + served).isGreaterThan(cycles / 2);
        }
    }

    @Test
    void aTokenCarriedToAnotherConnectionMakesItsReadsSeeTheWrite() throws SQLException {
        int cycles = 200;
        try (ReplicaAwareDataSource ds = dataSource(b -> b.readYourWrites(ReadYourWrites.SESSION))) {
            Map<String, Integer> served = new TreeMap<>();
            int stale = 0;
            for (int i = 0; i < cycles; i++) {
                long id = ids.incrementAndGet();
                ConsistencyToken token;
                try (Connection c = ds.getConnection()) {
                    c.setAutoCommit(false);
                    insert(c, id);
                    c.commit();
                    token = c.unwrap(ReplicaAwareConnection.class).consistencyToken().orElseThrow();
                }
                // as a web application would carry it: as text, to another request
                ConsistencyToken carried = ConsistencyToken.parse(token.asString());
                try (Connection c = ds.getConnection()) {
                    c.unwrap(ReplicaAwareConnection.class).setReadConsistency(ReadConsistency.readYourWrites(carried));
                    c.setReadOnly(true);
                    Row row = read(c, id);
                    served.merge(row.node, 1, Integer::sum);
                    if (row.count != 1) {
                        stale++;
                    }
                }
            }
            System.out.printf("%s session tokens, %d cycles: stale %d; served %s%n", getClass().getSimpleName(), cycles, stale, served);
            assertThat(stale).as("reads with the token that did not see its write").isZero();
            assertThat(served).doesNotContainKey(delayed.name());
            assertThat(served.getOrDefault(caughtUp.name(), 0)).as("served " + served).isGreaterThan(cycles / 2);
        }
    }

    @Test
    void whenNoReplicaReplaysTheWriteInTimeTheReadGoesToThePrimary() throws SQLException {
        int cycles = 10;
        cluster.applyDelay(caughtUp, DELAY);
        try (ReplicaAwareDataSource ds = dataSource(b -> b.readYourWritesTimeout(Duration.ofMillis(100)))) {
            Map<String, Integer> served = new TreeMap<>();
            int stale = 0;
            for (int i = 0; i < cycles; i++) {
                long id = insertInTransaction(ds);
                try (Connection c = ds.getConnection()) {
                    c.setReadOnly(true);
                    Row row = read(c, id);
                    served.merge(row.node, 1, Integer::sum);
                    if (row.count != 1) {
                        stale++;
                    }
                }
            }
            assertThat(stale).as("stale reads with both replicas 2 s behind; served " + served).isZero();
            assertThat(served).as("both replicas are behind every write").containsOnlyKeys(cluster.primary().name());
            assertThat(ds.causalReads().primaryReads()).isEqualTo(cycles);
            // a replica is waited on only while the monitor does not yet see it further behind than the wait may last
            assertThat(ds.causalReads().waits()).isLessThanOrEqualTo(cycles);
        } finally {
            cluster.applyDelay(caughtUp, Duration.ZERO);
        }
    }

    @Test
    void withReadYourWritesOffAConnectionAskingForItReadsFromThePrimary() throws SQLException {
        try (ReplicaAwareDataSource ds = dataSource(b -> b.readYourWrites(ReadYourWrites.OFF))) {
            for (int i = 0; i < 10; i++) {
                long id = ids.incrementAndGet();
                try (Connection c = ds.getConnection()) {
                    c.unwrap(ReplicaAwareConnection.class).setReadConsistency(ReadConsistency.READ_YOUR_WRITES);
                    c.setAutoCommit(false);
                    insert(c, id);
                    c.commit();
                    c.setReadOnly(true);
                    Row row = read(c, id);
                    c.commit();
                    assertThat(row).isEqualTo(new Row(1, cluster.primary().name()));
                }
            }
            assertThat(ds.causalReads().positionsRead()).as("no position is read with off").isZero();
        }
    }

    /**
     * Statements read-your-writes adds to a write transaction on the primary, counted by the server: PostgreSQL 1 (the
     * position query, sent with the {@code COMMIT}); MariaDB 0 (the position comes back in the {@code COMMIT}'s answer;
     * only the first commit on each pooled connection adds two, to read it and turn that on).
     */
    abstract double extraStatementsPerWrite();

    @Test
    void aWriteTransactionCostsOnThePrimaryOnlyTheStatementsItsDialectNeedsForItsPosition() throws SQLException {
        int transactions = 200;
        long with = statementsFor(transactions, ReadYourWrites.INSTANCE);
        long without = statementsFor(transactions, ReadYourWrites.OFF);
        double extra = (with - without) / (double) transactions;
        System.out.printf("%s statements on the primary for %d write transactions: %d with read-your-writes, %d without:"
                + " %.3f more per transaction%n", getClass().getSimpleName(), transactions, with, without, extra);
        assertThat(extra).as("extra statements per write transaction (%d with, %d without)", with, without)
                .isBetween(extraStatementsPerWrite() - 0.05, extraStatementsPerWrite() + 0.05);
    }

    /** Statements the primary ran for {@code transactions} write transactions of a DataSource that then closed. */
    private long statementsFor(int transactions, ReadYourWrites mode) throws SQLException {
        long before = awaitSettled(() -> statementsOnPrimary(cluster));
        // one pooled connection per node, and no probe after the first round: only the transactions' statements count
        try (ReplicaAwareDataSource ds = dataSource(b -> b.readYourWrites(mode)
                .pool(Map.of("maximumPoolSize", "1", "minimumIdle", "1"))
                .health(new HealthConfig(Duration.ofMinutes(10), HealthConfig.DEFAULT_TIMEOUT,
                        HealthConfig.DEFAULTS.failuresBeforeDown(), HealthConfig.DEFAULTS.successesBeforeUp())))) {
            for (int i = 0; i < transactions; i++) {
                insertInTransaction(ds);
            }
        }
        return awaitSettled(() -> statementsOnPrimary(cluster)) - before;
    }

    /**
     * The counter once only reading it moves it (by the same amount each time): sessions that ended report theirs as
     * they go, PostgreSQL's a little after.
     */
    private static long awaitSettled(SqlCounter counter) throws SQLException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        long last = counter.read();
        long lastStep = -1;
        int same = 0;
        while (same < 4) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the server's statement counter did not settle within 20 s; last " + last);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
            long now = counter.read();
            same = now - last == lastStep ? same + 1 : 0;
            lastStep = now - last;
            last = now;
        }
        return last;
    }

    @FunctionalInterface
    interface SqlCounter {
        long read() throws SQLException;
    }

    /**
     * A DataSource whose reads wait on a replica for the commit they must see ({@code readYourWritesWait: always}),
     * which most tests here are about; {@link #defaultDataSource} is the default, which never waits.
     */
    ReplicaAwareDataSource dataSource(Consumer<dev.replicaware.config.ClusterConfig.Builder> customizer) {
        return RoutingContractTest.dataSource(cluster, b -> {
            b.pool(Map.of("maximumPoolSize", "4", "minimumIdle", "1"));
            b.readYourWritesWait(ReadYourWritesWait.ALWAYS);
            customizer.accept(b);
        });
    }

    ReplicaAwareDataSource defaultDataSource() {
        return RoutingContractTest.dataSource(cluster, b -> b.pool(Map.of("maximumPoolSize", "4", "minimumIdle", "1")));
    }

    /** A write transaction, then a read-only one (as Spring runs them) that reads the row written: what it saw, where. */
    Row writeThenReadInReadOnlyTransaction(ReplicaAwareDataSource ds) throws SQLException {
        long id = insertInTransaction(ds);
        try (Connection c = ds.getConnection()) {
            c.setReadOnly(true);
            c.setAutoCommit(false);
            Row row = read(c, id);
            c.commit();
            return row;
        }
    }

    long insertInTransaction(ReplicaAwareDataSource ds) throws SQLException {
        long id = ids.incrementAndGet();
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            insert(c, id);
            c.commit();
        }
        return id;
    }

    private static void insert(Connection c, long id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO ryw (id) VALUES (?)")) {
            ps.setLong(1, id);
            ps.executeUpdate();
        }
    }

    record Row(long count, String node) { }

    Row read(Connection c, long id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT count(*), " + portExpression() + " FROM ryw WHERE id = ?")) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                int port = rs.getInt(2);
                String node = cluster.nodes().stream().filter(n -> n.port() == port).findFirst().map(ClusterNode::name)
                        .orElseThrow(() -> new AssertionError("no node on port " + port));
                return new Row(rs.getLong(1), node);
            }
        }
    }
}
