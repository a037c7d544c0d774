package dev.replicaware.spring.example;

import static org.assertj.core.api.Assertions.assertThat;

import dev.replicaware.testkit.ClusterNode;
import dev.replicaware.testkit.PostgresCluster;
import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A user's own write across HTTP requests, with read-your-writes scoped to the session and the position carried in
 * the HTTP session: create, redirect, view, with one replica 2 s behind. The view never misses the write and runs on
 * the caught-up replica, read back from the server.
 */
@SpringBootTest(classes = ShopApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "replicaware.routing.read-your-writes=session",
        "replicaware.routing.read-your-writes-wait=always", // the view waits for the caught-up replica, as asserted
        "replicaware.web.consistency-token=http-session"})
class PostgresSessionTokenTest {
    static final PostgresCluster CLUSTER = PostgresCluster.builder().replicas(2).app("shop", "pg-Sh0p-pw-71").start();
    static final ClusterNode DELAYED = CLUSTER.replicas().get(0);
    static final ClusterNode CAUGHT_UP = CLUSTER.replicas().get(1);

    static {
        ExampleApplicationContract.createServerInfoView(CLUSTER, "select inet_server_port() as port");
        CLUSTER.applyDelay(DELAYED, Duration.ofSeconds(2));
    }

    @Value("${local.server.port}")
    int serverPort;

    @DynamicPropertySource
    static void replicaware(DynamicPropertyRegistry registry) {
        ExampleApplicationContract.register(registry, CLUSTER, "select inet_server_port()");
    }

    @AfterAll
    static void stopCluster() {
        CLUSTER.close();
    }

    @Test
    void theViewAfterTheRedirectSeesTheCreatedAccountOnTheCaughtUpReplica() throws Exception {
        int cycles = 100;
        HttpClient user = HttpClient.newBuilder().cookieHandler(new CookieManager())
                .followRedirects(HttpClient.Redirect.NORMAL).build();
        Map<Integer, Integer> servedByPort = new TreeMap<>();
        int stale = 0;
        for (int i = 0; i < cycles; i++) {
            HttpResponse<String> view = user.send(HttpRequest.newBuilder(
                            URI.create("http://localhost:" + serverPort + "/accounts?owner=user" + i))
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(view.statusCode()).as("the view after the redirect: " + view.body()).isEqualTo(200);
            String[] seen = view.body().trim().split(" ");
            servedByPort.merge(Integer.parseInt(seen[1]), 1, Integer::sum);
            if (!Boolean.parseBoolean(seen[0])) {
                stale++;
            }
        }
        System.out.printf("create -> redirect -> view over HTTP, %d cycles, token in the HTTP session: stale %d; served by port %s"
                + " (delayed %d, caught up %d, primary %d)%n", cycles, stale, servedByPort, DELAYED.port(), CAUGHT_UP.port(),
                CLUSTER.primary().port());
        assertThat(stale).as("views that did not show the account just created").isZero();
        assertThat(servedByPort).doesNotContainKey(DELAYED.port());
        assertThat(servedByPort.getOrDefault(CAUGHT_UP.port(), 0)).as("served by port " + servedByPort).isGreaterThan(cycles * 8 / 10);
    }
}
