package dev.replicaware.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.replicaware.ReplicaAwareDataSource;
import dev.replicaware.config.ClusterConfig;
import dev.replicaware.config.NodeConfig;
import dev.replicaware.support.SteadyWriter;
import dev.replicaware.testkit.ClusterExtension;
import dev.replicaware.testkit.ClusterNode;
import dev.replicaware.testkit.PostgresCluster;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ReplicawareMetricsTest {
    private static final String SECRET_IN_URL = "sslpassword=UrlSecret42";

    @RegisterExtension
    static final ClusterExtension<PostgresCluster> CLUSTER = ClusterExtension.of(() -> PostgresCluster.builder().replicas(2).start());

    static ReplicaAwareDataSource dataSource(PostgresCluster pg) {
        ClusterConfig.Builder b = ClusterConfig.builder("orders")
                .primary(NodeConfig.of(pg.primary().name(), pg.primary().jdbcUrl()))
                .username(pg.app().username()).password(pg.app().password())
                .pool(Map.of("maximumPoolSize", "2"));
        for (ClusterNode r : pg.replicas()) {
            // a password-bearing URL parameter must never reach a tag
            b.replica(NodeConfig.of(r.name(), r.jdbcUrl() + "?" + SECRET_IN_URL));
        }
        return new ReplicaAwareDataSource(b.build());
    }

    @Test
    void metersHaveTheDesignNamesUnitsAndBoundedTags(PostgresCluster pg) throws SQLException {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (ReplicaAwareDataSource ds = dataSource(pg)) {
            new ReplicawareMetrics(ds).bindTo(registry);
            for (int i = 0; i < 10; i++) {
                try (Connection c = ds.getConnection()) {
                    c.setReadOnly(true);
                    try (Statement s = c.createStatement()) {
                        s.execute("SELECT 1");
                    }
                }
            }
            try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
                s.execute("SELECT 1");
            }
            String replica = pg.replicas().get(0).name();
            assertThat(registry.get("replicaware.replica.lag").tags("cluster", "orders", "node", replica).gauge().value()).isZero();
            assertThat(registry.get("replicaware.replica.lag").gauge().getId().getBaseUnit()).isEqualTo("seconds");
            assertThat(registry.get("replicaware.replica.lag.bytes").tags("node", replica).gauge().getId().getBaseUnit()).isEqualTo("bytes");
            assertThat(registry.get("replicaware.node.up").tags("node", pg.primary().name(), "role", "primary").gauge().value()).isEqualTo(1);
            assertThat(registry.get("replicaware.node.up").tags("node", replica, "role", "replica").gauge().value()).isEqualTo(1);
            double reads = registry.find("replicaware.routed").tags("kind", "read").functionCounters().stream()
                    .mapToDouble(c -> c.count()).sum();
            assertThat(reads).isEqualTo(10);
            assertThat(registry.get("replicaware.routed").tags("node", pg.primary().name(), "kind", "write").functionCounter().count()).isEqualTo(1);
            awaitValue("probe timer count", () -> registry.get("replicaware.probe.duration").tags("node", replica, "outcome", "success")
                    .timer().count(), v -> v >= 2);
            // HikariCP's own meters, per node pool
            assertThat(registry.get("hikaricp.connections").tags("pool", "orders-" + replica).gauge()).isNotNull();

            List<String> problems = new ArrayList<>();
            for (Meter m : registry.getMeters()) {
                if (m.getId().getName().startsWith("replicaware.")) {
                    if (m.getId().getDescription() == null) {
                        problems.add(m.getId() + " has no description");
                    }
                    if (m.getId().getTag("cluster") == null) {
                        problems.add(m.getId() + " has no cluster tag");
                    }
                }
                for (Tag t : m.getId().getTags()) {
                    if (t.getValue().contains("UrlSecret42") || t.getValue().contains(pg.app().password()) || t.getValue().contains("jdbc:")) {
                        problems.add(m.getId() + " leaks a URL or secret in tag " + t.getKey());
                    }
                }
            }
            assertThat(problems).isEmpty();
        }
    }

    @Test
    void lagGaugeFollowsAnInjectedDelayAndUpFollowsAKill(PostgresCluster pg) throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        ClusterNode delayed = pg.replicas().get(0);
        try (ReplicaAwareDataSource ds = dataSource(pg)) {
            new ReplicawareMetrics(ds).bindTo(registry);
            DoubleSupplier lag = () -> registry.get("replicaware.replica.lag").tags("node", delayed.name()).gauge().value();
            DoubleSupplier lagBytes = () -> registry.get("replicaware.replica.lag.bytes").tags("node", delayed.name()).gauge().value();
            try (SteadyWriter writer = new SteadyWriter(pg, "metrics_load")) {
                pg.applyDelay(delayed, Duration.ofSeconds(2));
                try {
                    double seen = awaitValue("lag gauge near 2 s", lag, v -> v >= 1.5 && v <= 2.5);
                    System.out.println("replicaware.replica.lag with a 2 s apply delay: " + seen);
                    assertThat(lagBytes.getAsDouble()).isPositive();
                } finally {
                    pg.applyDelay(delayed, Duration.ZERO);
                }
                writer.check();
            }
            awaitValue("lag gauge back under 0.5 s", lag, v -> v < 0.5);

            ClusterNode victim = pg.replicas().get(1);
            pg.kill(victim);
            try {
                awaitValue("node.up 0 for the killed replica", () -> registry.get("replicaware.node.up").tags("node", victim.name())
                        .gauge().value(), v -> v == 0);
                assertThat(registry.get("replicaware.probe.duration").tags("node", victim.name(), "outcome", "failure").timer().count())
                        .isPositive();
            } finally {
                pg.start(victim);
            }
        }
    }

    /** Only {@code replica} as the cluster's replica: what a reload swaps. */
    private static ClusterConfig withReplica(PostgresCluster pg, ClusterNode replica) {
        return ClusterConfig.builder("orders")
                .primary(NodeConfig.of(pg.primary().name(), pg.primary().jdbcUrl()))
                .username(pg.app().username()).password(pg.app().password())
                .pool(Map.of("maximumPoolSize", "2"))
                .replica(NodeConfig.of(replica.name(), replica.jdbcUrl()))
                .build();
    }

    private static List<String> replicawareMetersOf(SimpleMeterRegistry registry, String node) {
        return registry.getMeters().stream()
                .filter(m -> m.getId().getName().startsWith("replicaware.") && node.equals(m.getId().getTag("node")))
                .map(m -> m.getId().toString()).toList();
    }

    @Test
    void aReloadGivesTheAddedReplicaItsMetersAndTakesTheRemovedOnesSoNoGaugeKeepsItsNode(PostgresCluster pg) throws Exception {
        ClusterNode kept = pg.replicas().get(0);
        ClusterNode added = pg.replicas().get(1);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (ReplicaAwareDataSource ds = new ReplicaAwareDataSource(withReplica(pg, kept))) {
            new ReplicawareMetrics(ds).bindTo(registry);
            assertThat(replicawareMetersOf(registry, kept.name())).isNotEmpty();
            assertThat(replicawareMetersOf(registry, added.name())).isEmpty();
            java.lang.ref.WeakReference<dev.replicaware.topology.Node> removed =
                    new java.lang.ref.WeakReference<>(ds.routingTopology().node(kept.name()).orElseThrow());

            ds.reload(withReplica(pg, added)); // adds one replica, removes the other

            assertThat(replicawareMetersOf(registry, kept.name())).as("meters of the removed replica").isEmpty();
            awaitValue("node.up 1 for the added replica", () -> registry.find("replicaware.node.up").tags("node", added.name())
                    .gauges().stream().mapToDouble(g -> g.value()).sum(), v -> v == 1);
            try (Connection c = ds.getConnection()) {
                c.setReadOnly(true);
                try (Statement s = c.createStatement()) {
                    s.execute("SELECT 1");
                }
            }
            assertThat(registry.get("replicaware.routed").tags("node", added.name(), "kind", "read").functionCounter().count())
                    .isEqualTo(1);
            assertThat(registry.get("replicaware.replica.lag.bytes").tags("node", added.name()).gauge()).isNotNull();
            awaitValue("probe timer count of the added replica", () -> registry.get("replicaware.probe.duration")
                    .tags("node", added.name(), "outcome", "success").timer().count(), v -> v >= 1);
            // the removed replica's pool closes once it has nothing borrowed, and HikariCP takes its meters with it
            awaitValue("HikariCP meters of the removed replica's pool", () -> registry.find("hikaricp.connections")
                    .tags("pool", "orders-" + kept.name()).meters().size(), v -> v == 0);
            awaitValue("the removed Node collected", () -> {
                System.gc();
                return removed.get() == null ? 1 : 0;
            }, v -> v == 1);
        }
    }

    static double awaitValue(String what, DoubleSupplier value, java.util.function.DoublePredicate ok) {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        double v = value.getAsDouble();
        while (!ok.test(v)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + " not reached within 15 s; last value " + v);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
            v = value.getAsDouble();
        }
        return v;
    }
}
