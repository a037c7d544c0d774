package dev.replicaware.spring.example;

import dev.replicaware.testkit.ClusterNode;
import dev.replicaware.testkit.PostgresCluster;
import dev.replicaware.testkit.ReplicatedCluster;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The example application on a PostgreSQL primary with two streaming replicas, behind a real web server: routing
 * proven by {@code inet_server_port()}, Actuator over HTTP, a killed replica reported as degraded, no password anywhere.
 */
@SpringBootTest(classes = ShopApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "management.endpoints.web.exposure.include=health,replicaware,configprops,env,prometheus",
        "management.endpoint.health.show-details=always",
        "management.endpoint.configprops.show-values=always",
        "management.endpoint.env.show-values=always"})
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PostgresExampleTest extends ExampleApplicationContract {
    static final String PASSWORD = "pg-Sh0p-pw-93";
    static final PostgresCluster CLUSTER = PostgresCluster.builder().replicas(2).app("shop", PASSWORD).start();

    static {
        createServerInfoView(CLUSTER, "select inet_server_port() as port");
    }

    private final HttpClient http = HttpClient.newHttpClient();

    @Value("${local.server.port}")
    int serverPort;

    @DynamicPropertySource
    static void replicaware(DynamicPropertyRegistry registry) {
        register(registry, CLUSTER, "select inet_server_port()");
    }

    @AfterAll
    static void stopCluster() {
        CLUSTER.close();
    }

    @Override
    ReplicatedCluster cluster() {
        return CLUSTER;
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + serverPort + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void readOnlyTransactionOfAWebRequestRunsOnAReplicaWithOpenSessionInView() throws Exception {
        for (int i = 0; i < 4; i++) {
            HttpResponse<String> response = get("/read-port");
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(Integer.parseInt(response.body().trim())).isIn(replicaPorts());
        }
    }

    @Test
    void earlyPhysicalConnectionIsWarnedAboutOnceAndStillRoutedToAReplica() throws Exception {
        try (Connection c = dataSource.getConnection()) {
            c.getMetaData(); // takes the primary's connection before the read-only flag is set
            c.setReadOnly(true);
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("select inet_server_port()")) {
                rs.next();
                assertThat(rs.getInt(1)).isIn(replicaPorts());
            }
        }
        assertThat(log()).contains("was made read-only after it had taken a physical connection of node '"
                + CLUSTER.primary().name() + "'");
    }

    @Test
    void actuatorHealthAndTopologyAnswerOverHttp() throws Exception {
        HttpResponse<String> health = get("/actuator/health");
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).contains("\"replicaware\"").contains("\"nodes\"").contains(CLUSTER.primary().name())
                .contains("\"role\":\"primary\"").contains("\"lagSeconds\"");
        HttpResponse<String> topology = get("/actuator/replicaware");
        assertThat(topology.statusCode()).isEqualTo(200);
        assertThat(topology.body()).contains("\"cluster\":\"shop\"").contains("\"primary\":\"" + CLUSTER.primary().name() + "\"")
                .contains("\"loadBalance\":\"round-robin\"");
        for (ClusterNode node : CLUSTER.nodes()) {
            assertThat(topology.body()).contains("\"name\":\"" + node.name() + "\"");
        }
        HttpResponse<String> one = get("/actuator/replicaware/" + CLUSTER.replicas().get(0).name());
        assertThat(one.statusCode()).isEqualTo(200);
        assertThat(one.body()).contains("\"role\":\"replica\"");
        assertThat(get("/actuator/replicaware/no-such-node").statusCode()).isEqualTo(404);
    }

    /** What a user gets by adding micrometer-registry-prometheus: Replicaware's meters and every node pool's on /actuator/prometheus. */
    @Test
    void prometheusScrapeOverHttpHasReplicawareAndNodePoolMeters() throws Exception {
        for (int i = 0; i < 3; i++) {
            assertThat(get("/read-port").statusCode()).isEqualTo(200);
        }
        HttpResponse<String> scrape = get("/actuator/prometheus");
        assertThat(scrape.statusCode()).isEqualTo(200);
        String body = scrape.body();
        for (ClusterNode node : CLUSTER.nodes()) {
            assertThat(body).contains("replicaware_node_up{cluster=\"shop\",node=\"" + node.name() + "\"")
                    .contains("hikaricp_connections_active{pool=\"shop-" + node.name() + "\"");
        }
        assertThat(body).contains("replicaware_replica_lag_seconds{").contains("replicaware_routing_max_lag_seconds{cluster=\"shop\"}")
                .contains("replicaware_failovers_total{cluster=\"shop\",outcome=\"refused\"} 0")
                .contains("replicaware_routed_requests_total{cluster=\"shop\",kind=\"read\"")
                .doesNotContain(PASSWORD);
        double reads = body.lines().filter(l -> l.startsWith("replicaware_routed_requests_total{") && l.contains("kind=\"read\""))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
        assertThat(reads).as("reads routed to replicas, summed over the scrape's series").isGreaterThanOrEqualTo(3);
    }

    @Test
    void switchoverOverHttpIsOffByDefault() throws Exception {
        HttpResponse<String> post = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + serverPort + "/actuator/replicaware"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"target\":\"" + CLUSTER.replicas().get(0).name() + "\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(post.statusCode()).isIn(404, 405);
        assertThat(get("/actuator/replicaware").body()).contains("\"primary\":\"" + CLUSTER.primary().name() + "\"");
    }

    @Test
    void noPasswordInActuatorOutput() throws Exception {
        for (String path : new String[] {"/actuator/health", "/actuator/replicaware", "/actuator/configprops", "/actuator/env"}) {
            HttpResponse<String> response = get(path);
            assertThat(response.statusCode()).as(path).isEqualTo(200);
            assertThat(response.body()).as(path).doesNotContain(PASSWORD);
        }
        assertThat(get("/actuator/configprops").body()).contains("replicaware").contains("\"password\":\"******\"");
    }

    @Test
    @Order(Integer.MAX_VALUE - 1)
    void killedReplicaIsDegradedNotDown() throws Exception {
        ClusterNode killed = CLUSTER.replicas().get(1);
        CLUSTER.kill(killed);
        String body = await(() -> {
            try {
                return get("/actuator/health/replicaware").body();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, b -> b.contains("\"status\":\"DEGRADED\""), Duration.ofSeconds(15));
        assertThat(body).contains("\"state\":\"DOWN\"");
        HttpResponse<String> overall = get("/actuator/health");
        assertThat(overall.statusCode()).isEqualTo(200);
        assertThat(overall.body()).endsWith("\"status\":\"UP\"}"); // a custom status is left out of the aggregate
        assertThat(get("/actuator/replicaware/" + killed.name()).body()).contains("\"state\":\"DOWN\"");
        for (int i = 0; i < 3; i++) {
            assertThat(service.readPort()).isEqualTo(CLUSTER.replicas().get(0).port()); // reads go on, on the other replica
        }
    }

    @Test
    @Order(Integer.MAX_VALUE)
    void noPasswordInTheLog() throws Exception {
        assertThat(log()).contains("Started ").doesNotContain(PASSWORD);
    }

    static String log() throws Exception {
        return Files.readString(Path.of("target/spring-adapter-tests.log"));
    }
}
