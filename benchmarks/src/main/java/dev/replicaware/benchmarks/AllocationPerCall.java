package dev.replicaware.benchmarks;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.replicaware.ReplicaAwareDataSource;
import dev.replicaware.config.ClusterConfig;
import dev.replicaware.config.NodeConfig;
import dev.replicaware.testkit.stub.StubDriver;
import dev.replicaware.testkit.stub.StubServer;
import java.lang.management.ManagementFactory;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import javax.sql.DataSource;

/**
 * Bytes allocated by each JDBC call of the routing-overhead cycles ({@link RoutingOverheadBenchmark}), raw HikariCP
 * against Replicaware, from {@code ThreadMXBean.getCurrentThreadAllocatedBytes} around every call after a warm-up.
 * JMH's {@code -prof gc} gives only the total per cycle; this says which call allocates. The probes between calls
 * change what the JIT can inline and scalar-replace, so totals differ a little from JMH's; compare per call. Only
 * this thread's allocation counts, so the pools filling in the background do not disturb it.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar dev.replicaware.benchmarks.AllocationPerCall</pre>
 */
public final class AllocationPerCall {
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private static final String[] READ_CALLS = {"getConnection", "setReadOnly", "setAutoCommit", "prepareStatement",
            "executeQuery", "next", "rs.close", "ps.close", "commit", "close"};
    private static final String[] WRITE_CALLS = {"getConnection", "setAutoCommit", "prepareStatement", "executeUpdate",
            "ps.close", "commit", "close"};
    private static final int WARMUP_CYCLES = 300_000;
    private static final int MEASURED_CYCLES = 200_000;

    private AllocationPerCall() {
    }

    /** Bytes allocated by this thread so far. */
    private static long allocated() {
        return THREADS.getCurrentThreadAllocatedBytes();
    }

    /** One read cycle; adds the bytes of each call to {@code bytes} (one slot per call of {@link #READ_CALLS}). */
    private static void read(DataSource ds, long[] bytes) throws SQLException {
        long[] t = new long[READ_CALLS.length + 1];
        t[0] = allocated();
        Connection c = ds.getConnection();
        t[1] = allocated();
        c.setReadOnly(true);
        t[2] = allocated();
        c.setAutoCommit(false);
        t[3] = allocated();
        PreparedStatement ps = c.prepareStatement("SELECT 1");
        t[4] = allocated();
        ResultSet rs = ps.executeQuery();
        t[5] = allocated();
        rs.next();
        t[6] = allocated();
        rs.close();
        t[7] = allocated();
        ps.close();
        t[8] = allocated();
        c.commit();
        t[9] = allocated();
        c.close();
        t[10] = allocated();
        add(t, bytes);
    }

    /** One write cycle, as {@link #read} with {@link #WRITE_CALLS}. */
    private static void write(DataSource ds, long[] bytes) throws SQLException {
        long[] t = new long[WRITE_CALLS.length + 1];
        t[0] = allocated();
        Connection c = ds.getConnection();
        t[1] = allocated();
        c.setAutoCommit(false);
        t[2] = allocated();
        PreparedStatement ps = c.prepareStatement("UPDATE t SET x = 1");
        t[3] = allocated();
        ps.executeUpdate();
        t[4] = allocated();
        ps.close();
        t[5] = allocated();
        c.commit();
        t[6] = allocated();
        c.close();
        t[7] = allocated();
        add(t, bytes);
    }

    // The probe array is allocated before t[0] is read and is not counted: each slot is the difference of two reads.
    private static void add(long[] t, long[] bytes) {
        for (int i = 0; i + 1 < t.length; i++) {
            bytes[i] += t[i + 1] - t[i];
        }
    }

    public static void main(String[] args) throws SQLException {
        StubDriver.register();
        HikariConfig hikari = new HikariConfig();
        hikari.setJdbcUrl(quiet(StubServer.named("alloc-raw")).url());
        hikari.setMaximumPoolSize(40);
        hikari.setMinimumIdle(40);
        try (HikariDataSource raw = new HikariDataSource(hikari);
             ReplicaAwareDataSource replicaware = new ReplicaAwareDataSource(ClusterConfig.builder("bench")
                     .primary(NodeConfig.of("primary", quiet(StubServer.named("alloc-primary")).url()))
                     .replica(NodeConfig.of("replica1", quiet(StubServer.named("alloc-replica1")).url()))
                     .replica(NodeConfig.of("replica2", quiet(StubServer.named("alloc-replica2")).url()))
                     .pool(Map.of("maximumPoolSize", "40", "minimumIdle", "40")).build())) {
            report("hikari", raw);
            report("replicaware", replicaware);
        }
    }

    private static void report(String contender, DataSource ds) throws SQLException {
        for (boolean isRead : new boolean[] {true, false}) {
            String[] calls = isRead ? READ_CALLS : WRITE_CALLS;
            long[] bytes = new long[calls.length];
            for (int i = 0; i < WARMUP_CYCLES + MEASURED_CYCLES; i++) {
                if (i == WARMUP_CYCLES) {
                    java.util.Arrays.fill(bytes, 0);
                }
                if (isRead) {
                    read(ds, bytes);
                } else {
                    write(ds, bytes);
                }
            }
            StringBuilder line = new StringBuilder(contender + (isRead ? " read " : " write") + " B per call:");
            long total = 0;
            for (int i = 0; i < calls.length; i++) {
                total += bytes[i];
                line.append(String.format(" %s=%.1f", calls[i], bytes[i] / (double) MEASURED_CYCLES));
            }
            System.out.println(line.append(String.format("; total=%.1f", total / (double) MEASURED_CYCLES)));
        }
    }

    private static StubServer quiet(StubServer server) {
        server.recordStateCalls(false);
        return server;
    }
}
