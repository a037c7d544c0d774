package dev.replicaware.benchmarks;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.replicaware.ReplicaAwareDataSource;
import dev.replicaware.benchmarks.shardingsphere.ShardingSphereReadWriteSplitting;
import dev.replicaware.config.ClusterConfig;
import dev.replicaware.config.NodeConfig;
import dev.replicaware.testkit.stub.StubDriver;
import dev.replicaware.testkit.stub.StubServer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.springframework.jdbc.datasource.LazyConnectionDataSourceProxy;

/**
 * What routing costs on top of HikariCP, with a stub driver so that the database costs nothing. One operation is the
 * cycle Spring's {@code DataSourceTransactionManager} runs for a {@code @Transactional} method, reset calls included:
 * read-only, getConnection, setReadOnly(true), setAutoCommit(false), prepareStatement, executeQuery, next, close,
 * commit, setAutoCommit(true), setReadOnly(false), close; read-write, the same without the two setReadOnly calls.
 * Two sets of contenders. <b>Defaults</b>, configured as a user configures them from the README: raw HikariCP, one pool
 * of 32 with HikariCP's defaults otherwise ({@code hikariDefaults}); Replicaware from a YAML file (a primary, two
 * replicas, {@link #DEFAULTS_POOL_YAML}, nothing else set: {@code replicawareDefaults}); and, to tell HikariCP's share of
 * the difference from routing's, raw HikariCP with that same pool setting ({@code hikariMinIdle0}). <b>Tuned</b>, each
 * on its own stub servers and HikariCP pools of 40 opened at start: one raw HikariCP pool ({@code hikari}); Replicaware
 * built with the builder (a primary and two replicas: {@code replicawareTuned}); Spring's {@link LazyConnectionDataSourceProxy} with a read-only DataSource (a primary
 * pool and a replica pool); the same proxy with two replica pools behind a round-robin DataSource
 * ({@code springLazyTwoReplicas}, the read scaling Replicaware gives, built by hand); ShardingSphere-JDBC's read/write splitting (a write data source and two read data sources,
 * round robin, reads in a transaction on one replica: {@link ShardingSphereReadWriteSplitting}). Before measuring, the
 * setup proves from the stub servers' statement counts that ShardingSphere sends the read cycle to the replicas and the
 * write cycle to the primary.
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar 'RoutingOverhead.*(hikariDefaults|replicawareDefaults)' -t 8 -prof gc</pre>
 * or, for threads 1, 8 and 32 with JSON and a chart, {@link RoutingOverhead}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class RoutingOverheadBenchmark {
    private static final int POOL_SIZE = 40; // more than the most threads run, so no benchmark waits on its pool

    /**
     * The tuned contenders, on their own state so that the defaults contenders' forks start only what they measure:
     * every pool of 40, opened at start.
     */
    @State(Scope.Benchmark)
    public static class Tuned {
        private HikariDataSource raw;
        private ReplicaAwareDataSource replicawareTuned;
        private final List<HikariDataSource> peerPools = new java.util.ArrayList<>();
        private DataSource springLazy;
        private DataSource springLazyTwoReplicas;

        @Setup(Level.Trial)
        public void start() {
            StubDriver.register();
            StubServer rawServer = quiet(StubServer.named("bench-raw"));
            HikariConfig hikari = new HikariConfig();
            hikari.setJdbcUrl(rawServer.url());
            hikari.setMaximumPoolSize(POOL_SIZE);
            hikari.setMinimumIdle(POOL_SIZE);
            hikari.setPoolName("raw");
            raw = new HikariDataSource(hikari);

            StubServer primary = quiet(StubServer.named("bench-primary"));
            StubServer replica1 = quiet(StubServer.named("bench-replica1"));
            StubServer replica2 = quiet(StubServer.named("bench-replica2"));
            replicawareTuned = new ReplicaAwareDataSource(ClusterConfig.builder("bench")
                    .primary(NodeConfig.of("primary", primary.url()))
                    .replica(NodeConfig.of("replica1", replica1.url()))
                    .replica(NodeConfig.of("replica2", replica2.url()))
                    .pool(Map.of("maximumPoolSize", String.valueOf(POOL_SIZE), "minimumIdle", String.valueOf(POOL_SIZE)))
                    .build());

            LazyConnectionDataSourceProxy lazy = new LazyConnectionDataSourceProxy(pool("spring-primary"));
            lazy.setReadOnlyDataSource(pool("spring-replica"));
            lazy.setDefaultAutoCommit(true);
            lazy.setDefaultTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
            springLazy = lazy;

            StubServer twoPrimary = quiet(StubServer.named("bench-spring2-primary"));
            StubServer twoReplica1 = quiet(StubServer.named("bench-spring2-replica1"));
            StubServer twoReplica2 = quiet(StubServer.named("bench-spring2-replica2"));
            LazyConnectionDataSourceProxy lazyTwo = new LazyConnectionDataSourceProxy(pool("spring2-primary", twoPrimary));
            lazyTwo.setReadOnlyDataSource(new RoundRobinDataSource(pool("spring2-replica1", twoReplica1),
                    pool("spring2-replica2", twoReplica2)));
            lazyTwo.setDefaultAutoCommit(true);
            lazyTwo.setDefaultTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
            springLazyTwoReplicas = lazyTwo;
            try {
                proveReadWriteSplitting("Spring lazy proxy over two replica pools", lazyTwo, twoPrimary, twoReplica1, twoReplica2);
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        }

        private HikariDataSource pool(String name) {
            return pool(name, quiet(StubServer.named("bench-" + name)));
        }

        private HikariDataSource pool(String name, StubServer server) {
            HikariDataSource ds = stubPool(name, server);
            peerPools.add(ds);
            return ds;
        }

        DataSource raw() {
            return raw;
        }

        DataSource replicaware() {
            return replicawareTuned;
        }

        @TearDown(Level.Trial)
        public void stop() {
            raw.close();
            replicawareTuned.close();
            peerPools.forEach(HikariDataSource::close);
        }
    }

    /**
     * Fails the trial unless, by the servers' own statement counts, read cycles ran on the replicas (round robin, none on
     * the primary) and write cycles on the primary only: a contender that reads from the primary is no read/write splitting.
     */
    static void proveReadWriteSplitting(String contender, DataSource ds, StubServer primary, StubServer replica1, StubServer replica2)
            throws SQLException {
        long p = primary.statements();
        long r1 = replica1.statements();
        long r2 = replica2.statements();
        for (int i = 0; i < 4; i++) {
            readCycle(ds);
        }
        long[] reads = {primary.statements() - p, replica1.statements() - r1, replica2.statements() - r2};
        for (int i = 0; i < 2; i++) {
            writeCycle(ds);
        }
        long[] writes = {primary.statements() - p - reads[0], replica1.statements() - r1 - reads[1],
            replica2.statements() - r2 - reads[2]};
        if (reads[0] != 0 || reads[1] != 2 || reads[2] != 2 || writes[0] != 2 || writes[1] != 0 || writes[2] != 0) {
            throw new IllegalStateException(contender + " does not split reads from writes: statements served (primary, replica1, "
                    + "replica2) by 4 read cycles " + Arrays.toString(reads) + ", expected [0, 2, 2]; by 2 write cycles "
                    + Arrays.toString(writes) + ", expected [2, 0, 0]");
        }
    }

    static HikariDataSource stubPool(String name) {
        return stubPool(name, quiet(StubServer.named("bench-" + name)));
    }

    private static HikariDataSource stubPool(String name, StubServer server) {
        HikariConfig hikari = new HikariConfig();
        hikari.setJdbcUrl(server.url());
        hikari.setMaximumPoolSize(POOL_SIZE);
        hikari.setMinimumIdle(POOL_SIZE);
        hikari.setPoolName(name);
        return new HikariDataSource(hikari);
    }

    private static StubServer quiet(StubServer server) {
        server.recordStateCalls(false);
        return server;
    }

    @Benchmark
    public boolean hikariRead(Tuned t) throws SQLException {
        return readCycle(t.raw);
    }

    /** Tuned: the builder, pools of 40 filled at start, as raw HikariCP's {@link #hikariRead}; not what a user gets. */
    @Benchmark
    public boolean replicawareTunedRead(Tuned t) throws SQLException {
        return readCycle(t.replicawareTuned);
    }

    @Benchmark
    public int hikariWrite(Tuned t) throws SQLException {
        return writeCycle(t.raw);
    }

    @Benchmark
    public int replicawareTunedWrite(Tuned t) throws SQLException {
        return writeCycle(t.replicawareTuned);
    }

    @Benchmark
    public boolean springLazyRead(Tuned t) throws SQLException {
        return readCycle(t.springLazy);
    }

    @Benchmark
    public int springLazyWrite(Tuned t) throws SQLException {
        return writeCycle(t.springLazy);
    }

    @Benchmark
    public boolean springLazyTwoReplicasRead(Tuned t) throws SQLException {
        return readCycle(t.springLazyTwoReplicas);
    }

    @Benchmark
    public int springLazyTwoReplicasWrite(Tuned t) throws SQLException {
        return writeCycle(t.springLazyTwoReplicas);
    }

    /**
     * The pool settings of the defaults contenders, as a user writes them in YAML following the README: a pool of 32,
     * none opened at start, a borrow waits up to 8 s. Nothing else is set.
     */
    static final String DEFAULTS_POOL_YAML = "{ maximumPoolSize: 32, minimumIdle: 0, connectionTimeout: 8s }";

    /** Raw HikariCP as a user gets it: one pool of 32, HikariCP's defaults otherwise (it opens all 32 at start). */
    @State(Scope.Benchmark)
    public static class HikariDefaults {
        HikariDataSource pool;

        @Setup(Level.Trial)
        public void start() {
            StubDriver.register();
            HikariConfig hikari = new HikariConfig();
            hikari.setJdbcUrl(quiet(StubServer.named("bench-hikari-defaults")).url());
            hikari.setMaximumPoolSize(32);
            pool = new HikariDataSource(hikari);
        }

        @TearDown(Level.Trial)
        public void stop() {
            pool.close();
        }
    }

    /**
     * Raw HikariCP with the defaults contender's own pool settings (32, minimumIdle 0, connectionTimeout 8 s): what of
     * the difference between {@link ReplicawareDefaults} and {@link HikariDefaults} is HikariCP's, not routing's.
     */
    @State(Scope.Benchmark)
    public static class HikariMinIdle0 {
        HikariDataSource pool;

        @Setup(Level.Trial)
        public void start() {
            StubDriver.register();
            HikariConfig hikari = new HikariConfig();
            hikari.setJdbcUrl(quiet(StubServer.named("bench-hikari-minidle0")).url());
            hikari.setMaximumPoolSize(32);
            hikari.setMinimumIdle(0);
            hikari.setConnectionTimeout(8000);
            pool = new HikariDataSource(hikari);
        }

        @TearDown(Level.Trial)
        public void stop() {
            pool.close();
        }
    }

    /**
     * Replicaware as a user gets it from the README: {@code ReplicaAwareDataSource.fromYaml} on a file naming a primary
     * and two replicas and {@link #DEFAULTS_POOL_YAML}, every other setting (round robin, read-your-writes
     * {@code instance}, health, failover) left to its default.
     */
    @State(Scope.Benchmark)
    public static class ReplicawareDefaults {
        ReplicaAwareDataSource dataSource;

        @Setup(Level.Trial)
        public void start() throws java.io.IOException, SQLException {
            StubDriver.register();
            StubServer primary = quiet(StubServer.named("bench-defaults-primary"));
            StubServer replica1 = quiet(StubServer.named("bench-defaults-replica1"));
            StubServer replica2 = quiet(StubServer.named("bench-defaults-replica2"));
            java.nio.file.Path yaml = java.nio.file.Files.createTempFile("replicaware-bench", ".yml");
            try {
                java.nio.file.Files.writeString(yaml, "cluster: bench-defaults\n"
                        + "primary: { url: \"" + primary.url() + "\" }\n"
                        + "replicas:\n"
                        + "  - url: \"" + replica1.url() + "\"\n"
                        + "  - url: \"" + replica2.url() + "\"\n"
                        + "pool: " + DEFAULTS_POOL_YAML + "\n");
                dataSource = ReplicaAwareDataSource.fromYaml(yaml);
            } finally {
                java.nio.file.Files.deleteIfExists(yaml);
            }
            proveReadWriteSplitting("Replicaware from YAML", dataSource, primary, replica1, replica2);
        }

        @TearDown(Level.Trial)
        public void stop() {
            dataSource.close();
        }
    }

    @Benchmark
    public boolean hikariDefaultsRead(HikariDefaults h) throws SQLException {
        return readCycle(h.pool);
    }

    @Benchmark
    public int hikariDefaultsWrite(HikariDefaults h) throws SQLException {
        return writeCycle(h.pool);
    }

    @Benchmark
    public boolean hikariMinIdle0Read(HikariMinIdle0 h) throws SQLException {
        return readCycle(h.pool);
    }

    @Benchmark
    public int hikariMinIdle0Write(HikariMinIdle0 h) throws SQLException {
        return writeCycle(h.pool);
    }

    @Benchmark
    public boolean replicawareDefaultsRead(ReplicawareDefaults r) throws SQLException {
        return readCycle(r.dataSource);
    }

    @Benchmark
    public int replicawareDefaultsWrite(ReplicawareDefaults r) throws SQLException {
        return writeCycle(r.dataSource);
    }

    /**
     * ShardingSphere-JDBC on its own state, so that only its benchmarks start it (its metadata repository, executor
     * threads and SQL parser stay out of the other contenders' forks).
     */
    @State(Scope.Benchmark)
    public static class ShardingSphere {
        private final List<HikariDataSource> pools = new ArrayList<>();
        private DataSource dataSource;

        @Setup(Level.Trial)
        public void start() throws SQLException {
            StubDriver.register();
            StubServer primary = declaringT(StubServer.named("bench-ss-primary"));
            StubServer replica1 = declaringT(StubServer.named("bench-ss-replica1"));
            StubServer replica2 = declaringT(StubServer.named("bench-ss-replica2"));
            for (String name : List.of("ss-primary", "ss-replica1", "ss-replica2")) {
                pools.add(stubPool(name));
            }
            dataSource = ShardingSphereReadWriteSplitting.create("bench", pools.get(0), pools.get(1), pools.get(2));
            proveReadWriteSplitting("ShardingSphere", dataSource, primary, replica1, replica2);
        }

        /** ShardingSphere checks that the tables a statement names exist: the write cycle's t(x) is declared. */
        private static StubServer declaringT(StubServer server) {
            server.declareTable("t", "x");
            return quiet(server);
        }

        @TearDown(Level.Trial)
        public void stop() throws Exception {
            ((AutoCloseable) dataSource).close();
            pools.forEach(HikariDataSource::close);
        }
    }

    @Benchmark
    public boolean shardingSphereRead(ShardingSphere ss) throws SQLException {
        return readCycle(ss.dataSource);
    }

    @Benchmark
    public int shardingSphereWrite(ShardingSphere ss) throws SQLException {
        return writeCycle(ss.dataSource);
    }

    /**
     * A {@code @Transactional(readOnly = true)} method as Spring's {@code DataSourceTransactionManager} runs it:
     * doBegin sets the read-only flag, then autocommit off; after the commit, doCleanupAfterCompletion turns autocommit
     * back on and resets the read-only flag before it releases the connection.
     */
    static boolean readCycle(DataSource ds) throws SQLException {
        try (Connection c = ds.getConnection()) {
            c.setReadOnly(true);
            c.setAutoCommit(false);
            boolean row;
            try (PreparedStatement ps = c.prepareStatement("SELECT 1"); ResultSet rs = ps.executeQuery()) {
                row = rs.next();
            }
            c.commit();
            c.setAutoCommit(true);
            c.setReadOnly(false);
            return row;
        }
    }

    /** A {@code @Transactional} method as Spring runs it: autocommit off, work, commit, autocommit back on. */
    static int writeCycle(DataSource ds) throws SQLException {
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            int n;
            try (PreparedStatement ps = c.prepareStatement("UPDATE t SET x = 1")) {
                n = ps.executeUpdate();
            }
            c.commit();
            c.setAutoCommit(true);
            return n;
        }
    }

    /**
     * The read-only DataSource a Spring application writes to spread reads over two replica pools: round robin per
     * getConnection. The counter is shared by all threads, as in the simplest hand-written router.
     */
    static final class RoundRobinDataSource extends org.springframework.jdbc.datasource.AbstractDataSource {
        private final DataSource[] targets;
        private final java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();

        RoundRobinDataSource(DataSource... targets) {
            this.targets = targets;
        }

        @Override
        public Connection getConnection() throws SQLException {
            return targets[Math.floorMod(next.getAndIncrement(), targets.length)].getConnection();
        }

        @Override
        public Connection getConnection(String username, String password) throws SQLException {
            return targets[Math.floorMod(next.getAndIncrement(), targets.length)].getConnection(username, password);
        }
    }
}
