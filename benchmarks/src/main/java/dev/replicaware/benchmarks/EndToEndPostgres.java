package dev.replicaware.benchmarks;

import com.zaxxer.hikari.HikariDataSource;
import dev.replicaware.ReadConsistency;
import dev.replicaware.ReplicaAwareDataSource;
import dev.replicaware.testkit.ClusterNode;
import dev.replicaware.testkit.PostgresCluster;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.springframework.jdbc.datasource.LazyConnectionDataSourceProxy;

/**
 * End to end on a testkit PostgreSQL cluster (a primary and two asynchronous replicas): the 90 % read-only / 10 % write
 * {@link MixedWorkload} through each contender in turn, on a freshly seeded table each time. Contenders:
 * <ul>
 *   <li>{@code hikari-primary}: one HikariCP pool on the primary for everything (the baseline: no read scaling);</li>
 *   <li>{@code replicaware-primary-only}: the same with {@code ReadConsistency.PRIMARY}, every transaction on the
 *       primary as with {@code hikari-primary}: the two differ by Replicaware's layer alone;</li>
 *   <li>{@code replicaware}: {@link ReplicaAwareDataSource}, primary + both replicas, default settings;</li>
 *   <li>{@code pgjdbc-multihost}: two HikariCP pools on pgjdbc multi-host URLs, writes on
 *       {@code targetServerType=primary}, reads on {@code targetServerType=preferSecondary&loadBalanceHosts=true};
 *       the application picks the pool;</li>
 *   <li>{@code spring-lazy-proxy}: Spring's {@link LazyConnectionDataSourceProxy} over a primary pool, with
 *       {@code setReadOnlyDataSource} a pool on both replicas ({@code targetServerType=secondary&loadBalanceHosts=true}),
 *       so its reads have the same two replicas as the others;</li>
 *   <li>{@code aws-wrapper-rws}: a HikariCP pool on the AWS Advanced JDBC Wrapper with its {@code readWriteSplitting}
 *       plugin, the three hosts in the URL and {@code singleWriterConnectionString=true} (its connection-string host
 *       list: the first host is the writer, the others readers; the reader is picked at random on a connection's first
 *       {@code setReadOnly(true)} and kept for that connection's life).</li>
 * </ul>
 * Every read returns {@code inet_server_port()}, so the JSON says which node served the reads. Writes
 * {@code benchmarks/results/end-to-end-postgres.json} and {@code .png}.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar dev.replicaware.benchmarks.EndToEndPostgres</pre>
 *
 * System properties: {@code threads} (8), {@code seconds} measured per contender (30), {@code warmup} seconds per
 * contender, not counted (5), {@code rows} seeded (10000), {@code poolSize} of every pool (= threads),
 * {@code contenders} (comma-separated names, default all); {@code latencies} (one-way delays in ms of every packet
 * between the application and every node, through a counting proxy per node, e.g. {@code 0,0.2,1}; default
 * {@code none}: direct), {@code rounds} (interleaved rounds per delay, default 1), {@code countReads} (500) and
 * {@code countWrites} (200) run one at a time to count round trips and statements ({@code pg_stat_statements}) when
 * proxied. About 4 min with the defaults; {@code -Dlatencies=0,0.2,1 -Drounds=3} about 40 min.
 */
public final class EndToEndPostgres {
    static final String NAME = "end-to-end-postgres";

    private EndToEndPostgres() {
    }

    public static void main(String[] args) throws Exception {
        System.out.println("== starting a PostgreSQL cluster (primary + 2 asynchronous replicas)");
        // pg_stat_statements (shipped with the testkit's binaries) counts the statements each server ran
        try (PostgresCluster c = PostgresCluster.builder().replicas(2).synchronousReplicas(0)
                .setting("shared_preload_libraries", "pg_stat_statements").start();
             Network net = EndToEnd.network(c)) {
            try (Connection admin = c.connectAdmin(c.primary()); Statement s = admin.createStatement()) {
                s.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
            }
            c.waitForReplication(Duration.ofSeconds(60));
            List<EndToEnd.Entry> entries = filter(entries(c, net));
            List<Map<String, Object>> results = EndToEnd.runAll(c, entries, "inet_server_port()",
                    new EndToEnd.NodeCounter("statements", n -> statementsRun(c, n)), net);
            EndToEnd.writeReport(NAME, "PostgreSQL 18, primary + 2 replicas", EndToEnd.settings("PostgreSQL 18 (testkit)", c), results);
            EndToEnd.printSummary(results);
        }
    }

    static List<EndToEnd.Entry> filter(List<EndToEnd.Entry> all) {
        String only = System.getProperty("contenders");
        if (only == null || only.isBlank()) {
            return all;
        }
        List<String> names = List.of(only.split(","));
        return all.stream().filter(e -> names.contains(e.name())).toList();
    }

    /** Statements the server ran, by {@code pg_stat_statements} (utility statements such as BEGIN and COMMIT included). */
    private static long statementsRun(PostgresCluster c, ClusterNode n) {
        try (Connection admin = c.connectAdmin(n); Statement s = admin.createStatement();
             ResultSet rs = s.executeQuery("SELECT coalesce(sum(calls), 0) FROM pg_stat_statements")) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException("Could not read pg_stat_statements on " + n.name() + ": " + e.getMessage(), e);
        }
    }

    private static List<EndToEnd.Entry> entries(PostgresCluster c, Network net) {
        ClusterNode primary = c.primary();
        String all = net.hosts(c.nodes());
        String replicas = net.hosts(c.replicas());
        String db = "/" + c.database();
        return List.of(
                new EndToEnd.Entry("hikari-primary", "one HikariCP pool on the primary, reads and writes",
                        () -> {
                            HikariDataSource p = EndToEnd.pool("hikari-primary", net.url(primary), c);
                            return EndToEnd.Contender.single(p, p);
                        }),
                EndToEnd.replicaware(c, net, "replicaware-primary-only", ReadConsistency.PRIMARY, "ReplicaAwareDataSource on the same "
                        + "three nodes with ReadConsistency.PRIMARY: every transaction on the primary, as hikari-primary, so that the "
                        + "difference is the layer alone"),
                EndToEnd.replicaware(c, net, "replicaware", ReadConsistency.ANY,
                        "ReplicaAwareDataSource on the primary and both replicas, default settings"),
                EndToEnd.replicawareWaiting(c, net),
                EndToEnd.replicawareWithoutReadYourWrites(c, net),
                EndToEnd.replicawareThreadAffinity(c, net),
                new EndToEnd.Entry("pgjdbc-multihost", "two HikariCP pools on pgjdbc multi-host URLs: writes targetServerType=primary, "
                        + "reads targetServerType=preferSecondary&loadBalanceHosts=true (all three hosts); the application picks the pool",
                        () -> {
                            HikariDataSource writes = EndToEnd.pool("pgjdbc-writes",
                                    "jdbc:postgresql://" + all + db + "?targetServerType=primary", c);
                            HikariDataSource reads = EndToEnd.pool("pgjdbc-reads",
                                    "jdbc:postgresql://" + all + db + "?targetServerType=preferSecondary&loadBalanceHosts=true", c);
                            return EndToEnd.Contender.split(writes, reads, reads, writes);
                        }),
                new EndToEnd.Entry("spring-lazy-proxy", "Spring LazyConnectionDataSourceProxy: a primary pool, setReadOnlyDataSource a "
                        + "pgjdbc pool on both replicas (targetServerType=secondary&loadBalanceHosts=true)",
                        () -> {
                            HikariDataSource writes = EndToEnd.pool("spring-primary", net.url(primary), c);
                            HikariDataSource reads = EndToEnd.pool("spring-replicas",
                                    "jdbc:postgresql://" + replicas + db + "?targetServerType=secondary&loadBalanceHosts=true", c);
                            LazyConnectionDataSourceProxy proxy = new LazyConnectionDataSourceProxy(writes);
                            proxy.setReadOnlyDataSource(reads);
                            return EndToEnd.Contender.single(proxy, reads, writes);
                        }),
                new EndToEnd.Entry("aws-wrapper-rws", "HikariCP pool on the AWS Advanced JDBC Wrapper 4.3.0, wrapperPlugins=readWriteSplitting, "
                        + "jdbc:aws-wrapper:postgresql://primary,replica1,replica2/app (connection-string host list, "
                        + "singleWriterConnectionString=true: the first host is the writer, the others readers)",
                        () -> {
                            Properties p = new Properties();
                            p.setProperty("wrapperPlugins", "readWriteSplitting");
                            // without it every host of the URL counts as a writer, so setReadOnly(true) finds no reader
                            // and silently stays on the primary (logged at FINE only): see docs/benchmarks.md
                            p.setProperty("singleWriterConnectionString", "true");
                            HikariDataSource ds = EndToEnd.pool("aws-wrapper", "jdbc:aws-wrapper:postgresql://" + all + db, c, p);
                            return EndToEnd.Contender.single(ds, ds);
                        }));
    }
}
