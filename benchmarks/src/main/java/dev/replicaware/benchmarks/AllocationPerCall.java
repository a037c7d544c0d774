package dev.replicaware.benchmarks;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.replicaware.ReplicaAwareDataSource;
import dev.replicaware.config.ClusterConfig;
import dev.replicaware.config.NodeConfig;
import dev.replicaware.testkit.stub.StubDriver;
import dev.replicaware.testkit.stub.StubServer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.Map;
import javax.sql.DataSource;

/**
 * Bytes allocated by each JDBC call of the routing-overhead cycles ({@link RoutingOverheadBenchmark}), raw HikariCP
 * against Replicaware, from {@code ThreadMXBean.getCurrentThreadAllocatedBytes} around every call after a warm-up.
 * JMH's {@code -prof gc} gives only the total per cycle; this says which call allocates. The probes between calls
 * change what the JIT can inline and scalar-replace, so totals differ a little from JMH's; compare per call.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar dev.replicaware.benchmarks.AllocationPerCall</pre>
 */
public final class AllocationPerCall {
    static final com.sun.management.ThreadMXBean T = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
    static long[] acc = new long[12];
    static long now() { return T.getCurrentThreadAllocatedBytes(); }
    static StubServer quiet(StubServer s) { s.recordStateCalls(false); return s; }
    static void read(DataSource ds, boolean m) throws SQLException {
        long t0=now();
        Connection c = ds.getConnection(); long t1=now();
        c.setReadOnly(true); long t2=now();
        c.setAutoCommit(false); long t3=now();
        PreparedStatement ps = c.prepareStatement("SELECT 1"); long t4=now();
        ResultSet rs = ps.executeQuery(); long t5=now();
        rs.next(); long t6=now();
        rs.close(); long t7=now();
        ps.close(); long t8=now();
        c.commit(); long t9=now();
        c.close(); long t10=now();
        if (m) { long[] t={t0,t1,t2,t3,t4,t5,t6,t7,t8,t9,t10}; for (int i=0;i<10;i++) acc[i]+=t[i+1]-t[i]; acc[10]+=t10-t0; }
    }
    static void write(DataSource ds, boolean m) throws SQLException {
        long t0=now();
        Connection c = ds.getConnection(); long t1=now();
        c.setAutoCommit(false); long t2=now();
        PreparedStatement ps = c.prepareStatement("UPDATE t SET x = 1"); long t3=now();
        ps.executeUpdate(); long t4=now();
        ps.close(); long t5=now();
        c.commit(); long t6=now();
        c.close(); long t7=now();
        if (m) { long[] t={t0,t1,t2,t3,t4,t5,t6,t7}; for (int i=0;i<7;i++) acc[i]+=t[i+1]-t[i]; acc[10]+=t7-t0; }
    }
    public static void main(String[] args) throws Exception {
        StubDriver.register();
        HikariConfig h = new HikariConfig(); h.setJdbcUrl(quiet(StubServer.named("alloc-raw")).url()); h.setMaximumPoolSize(40); h.setMinimumIdle(40);
        DataSource raw = new HikariDataSource(h);
        DataSource rw = new ReplicaAwareDataSource(ClusterConfig.builder("bench")
                .primary(NodeConfig.of("primary", quiet(StubServer.named("alloc-primary")).url()))
                .replica(NodeConfig.of("replica1", quiet(StubServer.named("alloc-replica1")).url()))
                .replica(NodeConfig.of("replica2", quiet(StubServer.named("alloc-replica2")).url()))
                .pool(Map.of("maximumPoolSize", "40", "minimumIdle", "40")).build());
        Thread.sleep(2000); // let the pools fill
        String[] rn={"getConnection","setReadOnly","setAutoCommit","prepareStatement","executeQuery","next","rs.close","ps.close","commit","close"};
        String[] wn={"getConnection","setAutoCommit","prepareStatement","executeUpdate","ps.close","commit","close"};
        for (String which : new String[]{"hikari","replicaware"}) {
            DataSource ds = which.equals("hikari") ? raw : rw;
            for (boolean isRead : new boolean[]{true,false}) {
                for (int i=0;i<300_000;i++) { if (isRead) read(ds,false); else write(ds,false); }
                Arrays.fill(acc,0); int n=200_000;
                for (int i=0;i<n;i++) { if (isRead) read(ds,true); else write(ds,true); }
                StringBuilder sb=new StringBuilder(which+(isRead?" read ":" write")+" total="+acc[10]/(double)n+" :");
                String[] names=isRead?rn:wn;
                for (int i=0;i<names.length;i++) sb.append(" "+names[i]+"="+String.format("%.1f",acc[i]/(double)n));
                System.out.println(sb);
            }
        }
        System.exit(0);
    }
}
