package dev.replicaware.it;

import dev.replicaware.ReplicaAwareDataSource;
import dev.replicaware.config.ConfigException;
import dev.replicaware.config.YamlConfig;
import dev.replicaware.testkit.ClusterExtension;
import dev.replicaware.testkit.ClusterNode;
import dev.replicaware.testkit.PostgresCluster;
import dev.replicaware.topology.Node;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The YAML configuration on a real PostgreSQL primary with two replicas: the documented example end to end, reload
 * adding and removing replicas, refused reloads, the file watch, and no secret anywhere. Where a statement ran is read
 * back from the server ({@code inet_server_port()}).
 */
class YamlPostgresTest {
    private static final String APP_PASSWORD = "Pw-app-7f3c9e";
    private static final String ADMIN_PASSWORD = "Pw-adm-1b2d4f";
    private static final String URL_SECRET = "Url-secret-9911";
    private static final String WRONG_PASSWORD = "Wrong-pw-55aa";

    @RegisterExtension
    static final ClusterExtension<PostgresCluster> CLUSTER = ClusterExtension.of(() -> PostgresCluster.builder()
            .replicas(2).database("orders").app("app", APP_PASSWORD).start());

    @TempDir
    Path dir;

    @BeforeAll
    static void placeholders() {
        System.setProperty("ORDERS_DB_PASSWORD", APP_PASSWORD);
        System.setProperty("ADMIN_PW", ADMIN_PASSWORD);
    }

    @AfterAll
    static void clear() {
        System.clearProperty("ORDERS_DB_PASSWORD");
        System.clearProperty("ADMIN_PW");
    }

    /** The example of docs/configuration.md with only its host names replaced. */
    private static String example() {
        PostgresCluster pg = CLUSTER.get();
        return """
                cluster: orders
                username: app
                password: ${ORDERS_DB_PASSWORD}
                primary:  { url: "jdbc:postgresql://db1:5432/orders" }
                replicas:
                  - url: "jdbc:postgresql://db2:5432/orders"
                  - { name: db3, url: "jdbc:postgresql://db3:5432/orders", weight: 2 }
                pool:     { maximumPoolSize: 20 }        # HikariCP settings for every node; a node may override under its own `pool`
                routing:  { loadBalance: round-robin, maxLag: 5s, fallbackToPrimary: true }
                health:   { interval: 500ms, timeout: 1s, failuresBeforeDown: 3 }
                failover: { mode: automatic, maxLagOnFailover: 1MB, writeWait: 10s, adminUsername: admin, adminPassword: ${ADMIN_PW} }
                """.replace("db1:5432", hostPort(pg.primary())).replace("db2:5432", hostPort(pg.replicas().get(0)))
                .replace("db3:5432", hostPort(pg.replicas().get(1)));
    }

    /** A small cluster file: the primary and the named replicas (r1, r2), health probes every 100 ms. */
    private static String cluster(String name, String... replicas) {
        PostgresCluster pg = CLUSTER.get();
        StringBuilder y = new StringBuilder("cluster: " + name + "\nusername: app\npassword: ${ORDERS_DB_PASSWORD}\n"
                + "primary: { name: p, url: \"jdbc:postgresql://" + hostPort(pg.primary()) + "/orders\" }\nreplicas:\n");
        for (String r : replicas) {
            ClusterNode node = pg.replicas().get(r.equals("r1") ? 0 : 1);
            y.append("  - { name: ").append(r).append(", url: \"jdbc:postgresql://").append(hostPort(node)).append("/orders\" }\n");
        }
        return y.append("health: { interval: 100ms, timeout: 1s }\n").toString();
    }

    private static String hostPort(ClusterNode node) {
        return node.host() + ":" + node.port();
    }

    @Test
    void theDocumentedExampleRoutesWritesToThePrimaryAndReadsToReplicas() throws Exception {
        Path file = Files.writeString(dir.resolve("orders.yml"), example());
        PostgresCluster pg = CLUSTER.get();
        try (ReplicaAwareDataSource ds = ReplicaAwareDataSource.fromYaml(file)) {
            assertThat(ds.config().replicas()).hasSize(2);
            Set<Integer> replicaPorts = Set.of(pg.replicas().get(0).port(), pg.replicas().get(1).port());
            Duration maxLag = ds.config().routing().maxLag();
            awaitTrue("both replicas serving within maxLag", Duration.ofSeconds(10),
                    () -> ds.topology().replicas().stream().filter(r -> r.servesReadsWithin(maxLag)).count() == 2,
                    () -> ds.topology().toString());
            Set<Integer> seen = new HashSet<>();
            for (int i = 0; i < 10; i++) {
                seen.add(readPort(ds));
            }
            assertThat(seen).isEqualTo(replicaPorts);
            // the write last: read-your-writes (on by default) positions even a read-write connection that only read,
            // and the reads after it go to the primary until a replica is known to have replayed that position
            try (Connection c = ds.getConnection()) {
                assertThat(port(c)).isEqualTo(pg.primary().port());
            }
        }
    }

    @Test
    void aReplicaAddedByReloadServesReads() throws Exception {
        PostgresCluster pg = CLUSTER.get();
        int r2 = pg.replicas().get(1).port();
        Path file = Files.writeString(dir.resolve("c.yml"), cluster("grow", "r1"));
        try (ReplicaAwareDataSource ds = ReplicaAwareDataSource.fromYaml(file)) {
            awaitServing(ds, "r1");
            for (int i = 0; i < 5; i++) {
                assertThat(readPort(ds)).isEqualTo(pg.replicas().get(0).port());
            }
            Files.writeString(file, cluster("grow", "r1", "r2"));
            ds.reload(file);
            Set<Integer> seen = new HashSet<>();
            awaitTrue("a read on the added replica", Duration.ofSeconds(10), () -> {
                seen.add(readPort(ds));
                return seen.contains(r2);
            }, () -> "read ports seen " + seen);
            assertThat(ds.topology().node("r2")).isPresent();
        }
    }

    @Test
    void aReplicaRemovedByReloadFinishesItsInFlightWorkThenItsPoolCloses() throws Exception {
        PostgresCluster pg = CLUSTER.get();
        int r1 = pg.replicas().get(0).port();
        Path file = Files.writeString(dir.resolve("c.yml"), cluster("shrink", "r1", "r2"));
        try (ReplicaAwareDataSource ds = ReplicaAwareDataSource.fromYaml(file)) {
            awaitServing(ds, "r1", "r2");
            Node removed = ds.routingTopology().node("r1").orElseThrow();
            Connection inFlight = null;
            List<Connection> others = new ArrayList<>();
            for (int i = 0; i < 10 && inFlight == null; i++) {
                Connection c = ds.getConnection();
                c.setReadOnly(true);
                c.setAutoCommit(false);
                if (port(c) == r1) {
                    inFlight = c;
                } else {
                    others.add(c);
                }
            }
            for (Connection c : others) {
                c.close();
            }
            assertThat(inFlight).as("a read-only transaction on r1").isNotNull();

            Files.writeString(file, cluster("shrink", "r2"));
            ds.reload(file);

            for (int i = 0; i < 20; i++) {
                assertThat(readPort(ds)).as("read %d after the reload", i).isNotEqualTo(r1);
            }
            assertThat(port(inFlight)).as("the in-flight transaction stays on its node").isEqualTo(r1);
            assertThat(removed.activeConnections()).isEqualTo(1);
            assertThat(removed.pool().isClosed()).isFalse();
            inFlight.commit();
            inFlight.close();
            awaitTrue("the removed pool closed", Duration.ofSeconds(10), () -> removed.pool().isClosed(),
                    () -> "active=" + removed.activeConnections() + ", closed=" + removed.pool().isClosed());
            assertThat(removed.activeConnections()).isZero();
            assertThat(ds.topology().node("r1")).isEmpty();
            assertThat(ds.monitor().statuses()).doesNotContainKey("r1");
        }
    }

    @Test
    void aRefusedOrInvalidReloadChangesNothing() throws Exception {
        PostgresCluster pg = CLUSTER.get();
        Path file = Files.writeString(dir.resolve("c.yml"), cluster("steady", "r1"));
        try (ReplicaAwareDataSource ds = ReplicaAwareDataSource.fromYaml(file)) {
            awaitServing(ds, "r1");
            Path renamed = Files.writeString(dir.resolve("renamed.yml"), cluster("other", "r1", "r2"));
            ConfigException e = catchThrowableOfType(ConfigException.class, () -> ds.reload(renamed));
            assertThat(e.problems()).extracting(ConfigException.Problem::toString).containsExactly("cluster: cannot change on reload "
                    + "(from 'steady' to 'other'): it names the pools, threads and metrics; start a new DataSource");

            Path moved = Files.writeString(dir.resolve("moved.yml"), cluster("steady", "r1")
                    .replace(hostPort(pg.primary()) + "/orders", hostPort(pg.replicas().get(1)) + "/orders?password=" + URL_SECRET));
            e = catchThrowableOfType(ConfigException.class, () -> ds.reload(moved));
            assertThat(e.getMessage()).contains("primary.url: cannot change on reload", "password=****").doesNotContain(URL_SECRET);

            Path rejoining = Files.writeString(dir.resolve("rejoining.yml"), cluster("steady", "r1")
                    + "failover: { rejoin: true, patroni: { urls: [ 'http://127.0.0.1:1' ] } }\n");
            e = catchThrowableOfType(ConfigException.class, () -> ds.reload(rejoining));
            assertThat(e.getMessage()).contains("failover.patroni.urls: cannot change on reload", "failover.rejoin: cannot change on reload");

            Path invalid = Files.writeString(dir.resolve("invalid.yml"), cluster("steady", "r1", "r2").replace("replicas:", "replica:"));
            e = catchThrowableOfType(ConfigException.class, () -> ds.reload(invalid));
            assertThat(e.problems()).extracting(ConfigException.Problem::toString)
                    .contains("replica (line 5, column 1): is not a setting; did you mean 'replicas'?");

            assertThat(ds.config().name()).isEqualTo("steady");
            assertThat(ds.topology().nodes()).extracting(s -> s.name()).containsExactly("p", "r1");
            assertThat(readPort(ds)).isEqualTo(pg.replicas().get(0).port());
        }
    }

    @Test
    void aWatchedFileIsReloadedWhenItChangesAndAnInvalidOneIsOnlyLogged() throws Exception {
        PostgresCluster pg = CLUSTER.get();
        PrintStream err = System.err;
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        Path file = Files.writeString(dir.resolve("c.yml"), cluster("watched", "r1") + "watch: true\n");
        try (ReplicaAwareDataSource ds = ReplicaAwareDataSource.fromYaml(file)) {
            assertThat(Thread.getAllStackTraces().keySet()).extracting(Thread::getName).contains("replicaware-watched-config-watch");
            System.setErr(new PrintStream(log, true, StandardCharsets.UTF_8));
            Files.writeString(file, cluster("watched", "r1").replace("replicas:", "replica:") + "watch: true\n");
            awaitTrue("the invalid file logged", Duration.ofSeconds(10),
                    () -> log.toString(StandardCharsets.UTF_8).contains("was not applied; nothing changed"), log::toString);
            assertThat(log.toString(StandardCharsets.UTF_8)).contains("replica (line 5, column 1): is not a setting; did you mean 'replicas'?");
            assertThat(ds.topology().nodes()).extracting(s -> s.name()).containsExactly("p", "r1");

            Files.writeString(file, cluster("watched", "r2") + "watch: true\n");
            awaitTrue("r2 in and r1 out after the file changed", Duration.ofSeconds(10),
                    () -> ds.topology().node("r2").isPresent() && ds.topology().node("r1").isEmpty(), () -> ds.topology().toString());
            awaitTrue("a read on r2", Duration.ofSeconds(10), () -> readPort(ds) == pg.replicas().get(1).port(), () -> "");
        } finally {
            System.setErr(err);
        }
        assertThat(Thread.getAllStackTraces().keySet()).extracting(Thread::getName).doesNotContain("replicaware-watched-config-watch");
    }

    @Test
    void noPasswordAppearsInLogsMessagesToStringsOrMetricTags() throws Exception {
        PostgresCluster pg = CLUSTER.get();
        String yaml = """
                cluster: secrets
                username: app
                password: ${ORDERS_DB_PASSWORD}
                primary: { name: p, url: "jdbc:postgresql://PRIMARY/orders" }
                replicas:
                  - { name: r1, url: "jdbc:postgresql://R1/orders?sslpassword=URL_SECRET&password=ORDERS_PW" }
                  - { name: r2, url: "jdbc:postgresql://R2/orders", password: WRONG }
                pool: { dataSourceProperties: { sslpassword: URL_SECRET } }
                routing: { fallbackToPrimary: false }
                health: { interval: 100ms, timeout: 1s, failuresBeforeDown: 1 }
                failover: { mode: automatic, adminUsername: postgres, adminPassword: ${ADMIN_PW} }
                """.replace("PRIMARY", hostPort(pg.primary())).replace("R1", hostPort(pg.replicas().get(0)))
                .replace("R2", hostPort(pg.replicas().get(1))).replace("URL_SECRET", URL_SECRET)
                .replace("ORDERS_PW", APP_PASSWORD).replace("WRONG", WRONG_PASSWORD);
        Path file = Files.writeString(dir.resolve("secrets.yml"), yaml);
        List<String> seen = new ArrayList<>();
        PrintStream err = System.err;
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        System.setErr(new PrintStream(log, true, StandardCharsets.UTF_8));
        try (ReplicaAwareDataSource ds = ReplicaAwareDataSource.fromYaml(file)) {
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            for (Node n : ds.routingTopology().nodes()) {
                n.pool().setMetricRegistry(registry);
                seen.add(n.toString());
                seen.add(n.pool().getPoolName());
            }
            awaitTrue("r2 down for its wrong password", Duration.ofSeconds(10),
                    () -> log.toString(StandardCharsets.UTF_8).contains("probe of node r2 failed"), log::toString);
            for (int i = 0; i < 4; i++) {
                try (Connection c = ds.getConnection()) {
                    c.setReadOnly(true);
                    port(c);
                } catch (SQLException e) {
                    seen.add(e.toString());
                }
            }
            Path moved = Files.writeString(dir.resolve("moved.yml"), yaml.replace(hostPort(pg.primary()) + "/orders",
                    hostPort(pg.primary()) + "/orders?password=" + APP_PASSWORD + "&x=1"));
            seen.add(catchThrowableOfType(ConfigException.class, () -> ds.reload(moved)).getMessage());
            Path bad = Files.writeString(dir.resolve("bad.yml"), yaml.replace("jdbc:postgresql://" + hostPort(pg.replicas().get(0)), "pg://r1"));
            seen.add(catchThrowableOfType(ConfigException.class, () -> ds.reload(bad)).getMessage());
            seen.add(ds.toString());
            seen.add(ds.config().toString());
            seen.add(YamlConfig.read(file).toString());
            seen.add(ds.topology().toString());
            seen.add(ds.routingTopology().toString());
            seen.add(ds.monitor().statuses().toString());
            for (Meter m : registry.getMeters()) {
                seen.add(m.getId().getName() + m.getId().getTags());
            }
            assertThat(registry.getMeters()).isNotEmpty();
        } finally {
            System.setErr(err);
        }
        seen.add(log.toString(StandardCharsets.UTF_8));
        String everything = String.join("\n", seen);
        assertThat(everything).contains("r2", "****", "password authentication failed");
        for (String secret : List.of(APP_PASSWORD, ADMIN_PASSWORD, URL_SECRET, WRONG_PASSWORD)) {
            assertThat(everything).as("everything shown").doesNotContain(secret);
        }
    }

    /** Waits until the monitor sees these replicas up and within {@code maxLag}: before that, reads fall back to the primary. */
    private static void awaitServing(ReplicaAwareDataSource ds, String... replicas) {
        Duration maxLag = ds.config().routing().maxLag();
        awaitTrue("replicas " + List.of(replicas) + " serving", Duration.ofSeconds(10), () -> {
            for (String r : replicas) {
                if (ds.topology().node(r).map(s -> !s.servesReadsWithin(maxLag)).orElse(true)) {
                    return false;
                }
            }
            return true;
        }, () -> ds.topology().toString());
    }

    private static int readPort(ReplicaAwareDataSource ds) {
        try (Connection c = ds.getConnection()) {
            c.setReadOnly(true);
            return port(c);
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }

    private static int port(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT inet_server_port()")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static void awaitTrue(String what, Duration timeout, Supplier<Boolean> condition, Supplier<String> lastSeen) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.get()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("Waited " + timeout + " for " + what + "; last seen: " + lastSeen.get());
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
