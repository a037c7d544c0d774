package dev.replicaware.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.replicaware.ReplicaAwareDataSource;
import dev.replicaware.config.ClusterConfig;
import dev.replicaware.config.NodeConfig;
import dev.replicaware.metrics.OpsFiles.PrometheusScrape;
import dev.replicaware.testkit.ClusterExtension;
import dev.replicaware.testkit.ClusterNode;
import dev.replicaware.testkit.PostgresCluster;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every metric and label the shipped Grafana dashboard and Prometheus alert rules query is in a real scrape of a
 * DataSource on a PostgreSQL cluster, including the event counters before any event (registered at 0).
 */
class OperationsFilesScrapeTest {
    private static final String CLUSTER_NAME = "orders";

    @RegisterExtension
    static final ClusterExtension<PostgresCluster> CLUSTER = ClusterExtension.of(() -> PostgresCluster.builder().replicas(2).start());

    @Test
    void everyMetricAndLabelTheDashboardAndAlertsQueryIsInAPrometheusScrape(PostgresCluster pg) throws Exception {
        try (Connection c = pg.connectApp(pg.primary()); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE ops_scrape (id INT PRIMARY KEY)");
        }
        pg.waitForReplication(Duration.ofSeconds(30));
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        ClusterConfig.Builder b = ClusterConfig.builder(CLUSTER_NAME)
                .primary(NodeConfig.of(pg.primary().name(), pg.primary().jdbcUrl()))
                .username(pg.app().username()).password(pg.app().password())
                .maxLag(Duration.ofSeconds(10)).pool(Map.of("maximumPoolSize", "2"));
        for (ClusterNode r : pg.replicas()) {
            b.replica(NodeConfig.of(r.name(), r.jdbcUrl()));
        }
        int reads = 0;
        try (ReplicaAwareDataSource ds = new ReplicaAwareDataSource(b.build())) {
            new ReplicawareMetrics(ds).bindTo(registry);
            for (int i = 0; i < 5; i++) {
                try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement("INSERT INTO ops_scrape VALUES (?)")) {
                    ps.setInt(1, i);
                    ps.executeUpdate();
                }
                // read-your-writes (the default, per instance): this read must see the insert
                try (Connection c = ds.getConnection()) {
                    c.setReadOnly(true);
                    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM ops_scrape")) {
                        rs.next();
                        assertThat(rs.getInt(1)).isEqualTo(i + 1);
                    }
                }
                reads++;
            }
            ReplicawareMetricsTest.awaitValue("successful probes in the scrape", () -> PrometheusScrape.parse(registry.scrape())
                    .sum("replicaware_probe_duration_seconds_count", "outcome", "success"), v -> v >= 3);
            PrometheusScrape scrape = PrometheusScrape.parse(registry.scrape());

            Map<String, List<String>> problems = new LinkedHashMap<>();
            Map<String, String> queries = OpsFiles.expressions(CLUSTER_NAME);
            OpsFiles.variableQueries().keySet().forEach(q -> queries.put("dashboard variable " + q, q));
            queries.forEach((where, expr) -> {
                List<String> missing = OpsFiles.missing(expr, scrape);
                if (!missing.isEmpty()) {
                    problems.put(where + ": " + expr, missing);
                }
            });
            assertThat(problems).as("queries of ops/ that the scrape cannot answer").isEmpty();
            assertThat(queries).hasSizeGreaterThan(25);

            // the values behind the panels and alerts, not only the names
            assertThat(scrape.sum("replicaware_routing_max_lag_seconds", "cluster", CLUSTER_NAME)).isEqualTo(10);
            assertThat(scrape.sum("replicaware_replicas_serving", "cluster", CLUSTER_NAME)).isEqualTo(2);
            assertThat(scrape.sum("replicaware_routed_requests_total", "kind", "read")).isEqualTo(reads);
            assertThat(scrape.sum("replicaware_routed_requests_total", "kind", "write", "node", pg.primary().name())).isEqualTo(5);
            assertThat(scrape.sum("replicaware_causal_reads_total")).isEqualTo(reads);
            assertThat(scrape.sum("replicaware_node_state", "state", "up")).isEqualTo(3);
            assertThat(scrape.sum("replicaware_node_up", "role", "replica")).isEqualTo(2);
            for (String outcome : new String[] {"started", "completed", "refused"}) {
                assertThat(scrape.series("replicaware_failovers_total")).as("failovers registered at 0")
                        .contains(Map.of("cluster", CLUSTER_NAME, "outcome", outcome));
            }
            for (String kind : new String[] {"failover", "switchover"}) {
                assertThat(scrape.series("replicaware_failover_duration_seconds_count")).contains(Map.of("cluster", CLUSTER_NAME, "kind", kind));
            }
            assertThat(scrape.sum("replicaware_role_changes_total")).isZero();
            assertThat(scrape.series("replicaware_role_changes_total")).hasSize(3);
        }
    }
}
