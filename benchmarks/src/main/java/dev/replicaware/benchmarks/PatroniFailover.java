package dev.replicaware.benchmarks;

import dev.replicaware.ReplicaAwareDataSource;
import dev.replicaware.config.ClusterConfig;
import dev.replicaware.config.FailoverConfig;
import dev.replicaware.config.NodeConfig;
import dev.replicaware.config.PatroniConfig;
import dev.replicaware.testkit.PatroniCluster;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The write window when Replicaware follows a real Patroni (Debian's patroni and etcd, the distribution's PostgreSQL):
 * from SIGKILL of the leader's Patroni and PostgreSQL to the first write through Replicaware that succeeds, on the new
 * leader. One writer writes in a loop; each write that fails is retried at once. Per timing, {@code runs} clusters.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar dev.replicaware.benchmarks.PatroniFailover</pre>
 *
 * System properties: {@code runs} (3), {@code timings} ({@code 30/10/10,10/1/4}: ttl/loop_wait/retry_timeout in
 * seconds, Patroni's defaults first).
 */
public final class PatroniFailover {
    private PatroniFailover() {
    }

    public static void main(String[] args) throws Exception {
        String missing = PatroniCluster.missing();
        if (missing != null) {
            System.out.println("Cannot measure: " + missing);
            return;
        }
        int runs = Integer.getInteger("runs", 3);
        for (String timing : System.getProperty("timings", "30/10/10,10/1/4").split(",")) {
            String[] t = timing.split("/");
            List<Long> windows = new ArrayList<>();
            for (int run = 1; run <= runs; run++) {
                long ms = once(Integer.parseInt(t[0]), Integer.parseInt(t[1]), Integer.parseInt(t[2]));
                windows.add(ms);
                System.out.printf("ttl=%s loop_wait=%s retry_timeout=%s run %d: first write %d ms after SIGKILL%n", t[0], t[1], t[2], run, ms);
            }
            List<Long> sorted = windows.stream().sorted().toList();
            System.out.printf("ttl=%s loop_wait=%s retry_timeout=%s: min %d ms, median %d ms, max %d ms over %d runs%n",
                    t[0], t[1], t[2], sorted.get(0), sorted.get(sorted.size() / 2), sorted.get(sorted.size() - 1), runs);
        }
    }

    static long once(int ttl, int loopWait, int retryTimeout) throws Exception {
        try (PatroniCluster patroni = PatroniCluster.builder().members(2).timing(ttl, loopWait, retryTimeout).start()) {
            PatroniCluster.Member leader = patroni.leader();
            ClusterConfig.Builder b = ClusterConfig.builder("patroni")
                    .username(patroni.superuser().username()).password(patroni.superuser().password())
                    .pool(Map.of("maximumPoolSize", "4", "minimumIdle", "1", "connectionTimeout", "2000"))
                    .failover(new FailoverConfig(FailoverConfig.Mode.EXTERNAL, null, Duration.ofSeconds(2), null, null, false,
                            new PatroniConfig(patroni.members().stream().map(PatroniCluster.Member::restUrl).toList())));
            b.primary(NodeConfig.of(leader.name(), leader.jdbcUrl()));
            patroni.members().stream().filter(m -> !m.equals(leader)).forEach(m -> b.replica(NodeConfig.of(m.name(), m.jdbcUrl())));
            try (ReplicaAwareDataSource ds = new ReplicaAwareDataSource(b.build())) {
                write(ds, 0);
                long killed = System.nanoTime();
                patroni.kill(leader);
                long deadline = killed + Duration.ofSeconds(ttl * 4L + 60).toNanos();
                for (long id = 1; System.nanoTime() < deadline; id++) {
                    try {
                        int port = write(ds, id);
                        long ms = (System.nanoTime() - killed) / 1_000_000;
                        if (port == leader.pgPort()) {
                            throw new IllegalStateException("a write after the kill reached the killed leader");
                        }
                        return ms;
                    } catch (SQLException e) {
                        // no primary yet: try again
                    }
                }
                throw new IllegalStateException("no write succeeded within " + (ttl * 4L + 60) + " s of the kill");
            }
        }
    }

    static int write(ReplicaAwareDataSource ds, long id) throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS patroni_window (id bigint PRIMARY KEY)");
            try (ResultSet rs = s.executeQuery("INSERT INTO patroni_window VALUES (" + id + ") RETURNING inet_server_port()")) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }
}
