package dev.replicaware.spring.example;

import dev.replicaware.ReplicaAwareDataSource;
import dev.replicaware.testkit.ClusterNode;
import dev.replicaware.testkit.ReplicatedCluster;
import dev.replicaware.topology.NodeStatus;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the example application must show on any database family: where each kind of transaction runs, read back
 * from the server itself ({@code inet_server_port()}, {@code @@port}).
 */
abstract class ExampleApplicationContract {

    @Autowired
    AccountService service;

    @Autowired
    AccountRepository accounts;

    @Autowired
    ServerInfoRepository servers;

    @Autowired
    ReplicaAwareDataSource dataSource;

    abstract ReplicatedCluster cluster();

    /** Creates the {@code server_info} view of {@link ServerInfo} on the primary and waits until the replicas have it. */
    static void createServerInfoView(ReplicatedCluster cluster, String portExpression) {
        try (Connection c = cluster.connectApp(cluster.primary()); Statement s = c.createStatement()) {
            s.execute("create view server_info as " + portExpression);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
        cluster.waitForReplication(Duration.ofSeconds(10));
    }

    /** The properties of an application on {@code cluster}: only standard keys, as a user would write them. */
    static void register(DynamicPropertyRegistry registry, ReplicatedCluster cluster, String portQuery) {
        registry.add("replicaware.cluster", () -> "shop");
        registry.add("replicaware.username", () -> cluster.app().username());
        registry.add("replicaware.password", () -> cluster.app().password());
        registry.add("replicaware.primary.url", () -> cluster.primary().jdbcUrl());
        registry.add("replicaware.primary.name", () -> cluster.primary().name());
        for (int i = 0; i < cluster.replicas().size(); i++) {
            ClusterNode replica = cluster.replicas().get(i);
            registry.add("replicaware.replicas[" + i + "].url", replica::jdbcUrl);
            registry.add("replicaware.replicas[" + i + "].name", replica::name);
        }
        registry.add("replicaware.pool.maximum-pool-size", () -> "4");
        registry.add("replicaware.health.interval", () -> "200ms");
        // reads right after a write wait for a replica here, as the assertions on where they ran expect; the default
        // (never) would serve them on the primary until a replica is known to have the write
        registry.add("replicaware.routing.read-your-writes-wait", () -> "always");
        registry.add("spring.jpa.hibernate.ddl-auto", () -> "update");
        registry.add("shop.port-query", () -> portQuery);
    }

    int primaryPort() {
        return cluster().primary().port();
    }

    Set<Integer> replicaPorts() {
        Set<Integer> ports = new HashSet<>();
        cluster().replicas().forEach(r -> ports.add(r.port()));
        return ports;
    }

    @Test
    void writesRunOnThePrimaryAndReadOnlyTransactionsOnReplicas() {
        AccountService.Served<Long> opened = service.open("ada");
        assertThat(opened.port()).isEqualTo(primaryPort());
        AccountService.Served<List<Long>> found = await(() -> service.findByOwner("ada"),
                served -> served.value().contains(opened.value()), Duration.ofSeconds(10));
        assertThat(found.port()).isIn(replicaPorts());
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < 6; i++) {
            seen.add(service.findByOwner("ada").port());
        }
        assertThat(seen).isEqualTo(replicaPorts()); // round-robin over both replicas
    }

    @Test
    void repositoryQueriesRunOnReplicasThroughSimpleJpaRepositoryDefaults() {
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < 4; i++) {
            List<ServerInfo> rows = servers.findAll(); // SimpleJpaRepository.findAll: @Transactional(readOnly = true)
            assertThat(rows).hasSize(1);
            seen.add(rows.get(0).getPort());
        }
        assertThat(seen).isEqualTo(replicaPorts());
    }

    @Test
    void readFromPrimaryRunsOnThePrimary() {
        AccountService.Served<Long> opened = service.open("grace");
        AccountService.Served<List<Long>> found = service.findByOwnerOnPrimary("grace");
        assertThat(found.port()).isEqualTo(primaryPort());
        assertThat(found.value()).contains(opened.value()); // read-your-writes, without waiting for replication
        assertThat(service.readPort()).isIn(replicaPorts()); // and the next plain read-only method is back on a replica
    }

    @Test
    void boundedStalenessSkipsADelayedReplica() throws Exception {
        ClusterNode delayed = cluster().replicas().get(0);
        ClusterNode fresh = cluster().replicas().get(1);
        try (Writer writer = new Writer(cluster())) {
            cluster().applyDelay(delayed, Duration.ofSeconds(3));
            try {
                await(() -> dataSource.topology().node(delayed.name()).orElseThrow(),
                        s -> !Double.isNaN(s.lagSeconds()) && s.lagSeconds() >= 1.5, Duration.ofSeconds(15));
                for (int i = 0; i < 6; i++) {
                    assertThat(service.freshReadPort()).as("a read bounded to 1 s").isEqualTo(fresh.port());
                }
                NodeStatus lagging = dataSource.topology().node(delayed.name()).orElseThrow();
                assertThat(lagging.lagSeconds()).as("still delayed after the reads").isGreaterThan(1.0);
            } finally {
                cluster().applyDelay(delayed, Duration.ZERO);
            }
            writer.check();
        }
        await(() -> dataSource.topology().node(delayed.name()).orElseThrow(),
                s -> !Double.isNaN(s.lagSeconds()) && s.lagSeconds() < 0.5, Duration.ofSeconds(15));
    }

    /** Polls {@code probe} until {@code done}, failing with the last value after {@code timeout}. */
    static <T> T await(Supplier<T> probe, Predicate<T> done, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        T last = null;
        while (System.nanoTime() < deadline) {
            last = probe.get();
            if (done.test(last)) {
                return last;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        throw new AssertionError("Not reached within " + timeout + "; last observed: " + last);
    }

    /** Writes on the primary every 20 ms, so a delayed replica's replay position falls behind. */
    static final class Writer implements AutoCloseable {
        private final Thread thread;
        private final AtomicReference<Exception> failure = new AtomicReference<>();
        private volatile boolean running = true;

        Writer(ReplicatedCluster cluster) throws Exception {
            Connection c = cluster.connectApp(cluster.primary());
            try (Statement s = c.createStatement()) {
                s.execute("create table if not exists ticks (n int)");
            }
            thread = new Thread(() -> {
                try (c; Statement s = c.createStatement()) {
                    while (running) {
                        s.execute("insert into ticks values (1)");
                        Thread.sleep(20);
                    }
                } catch (Exception e) {
                    if (running) {
                        failure.set(e);
                    }
                }
            }, "ticks-writer");
            thread.setDaemon(true);
            thread.start();
        }

        void check() {
            assertThat(failure.get()).as("the writer's failure").isNull();
        }

        @Override
        public void close() throws InterruptedException {
            running = false;
            thread.join(5000);
        }
    }
}
