package dev.replicaware.config;

import dev.replicaware.testkit.stub.StubDriver;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class ClusterConfigTest {

    @BeforeAll
    static void driver() {
        StubDriver.register();
    }

    @Test
    void reportsEveryProblemAtOnceWithItsPath() {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ClusterConfig.builder("shop")
                .replica("a", "jdbc:stub:a")
                .replica("a", "jdbc:stub:b")
                .replica("c", " ")
                .replica(new NodeConfig("d", "jdbc:stub:d", null, null, Map.of("maximumPoolSize", "-1"), 1))
                .pool("minimumIdle", "-5")
                .pool("maximumPoolSiz", "10")
                .strategy("fastest")
                .build());
        assertThat(e).isInstanceOf(IllegalArgumentException.class);
        assertThat(e.problems()).extracting(ConfigException.Problem::path).containsExactlyInAnyOrder(
                "pool.minimumIdle", "pool.maximumPoolSiz", "primary", "replicas[1].name", "replicas[2].url",
                "replicas[3].pool.maximumPoolSize", "routing.strategy");
        assertThat(e.getMessage())
                .contains("cluster 'shop'", "7 problems")
                .contains("replicas[1].name: 'a' is already the name of replicas[0]")
                .contains("replicas[2].url: must be a JDBC URL, but was ' '")
                .contains("unknown strategy 'fastest'; expected one of round-robin, random, least-active, weighted")
                .contains("maxPoolSize cannot be less than 1").contains("'-1'")
                .contains("pool.maximumPoolSiz: is not a HikariCP setting; expected one of")
                .contains("primary: is missing");
    }

    @Test
    void masksSecretsInMessagesAndToString() {
        String url = "jdbc:postgresql://db1:5432/app?user=app&password=hunter2&sslpassword=hunter3";
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ClusterConfig.builder("shop")
                .primary("postgres-like", url.replace("jdbc:", "jdbx:"))
                .pool("dataSource.password", "hunter4")
                .pool("leakDetectionThreshold", "x")
                .password("hunter5")
                .build());
        assertThat(e.getMessage()).doesNotContain("hunter").contains("password=****", "sslpassword=****");

        ClusterConfig ok = ClusterConfig.builder("shop").primary("jdbc:stub:p?password=hunter2")
                .replica(new NodeConfig(null, "jdbc:stub:r", "u", "hunter6", Map.of("dataSource.sslpassword", "hunter7"), 1))
                .password("hunter5").pool("dataSource.password", "hunter4").build();
        assertThat(ok.toString()).doesNotContain("hunter").contains("password=****");
        assertThat(ok.replicas().get(0).toString()).doesNotContain("hunter");
    }

    @Test
    void masksUrlParametersAndUserInfo() {
        assertThat(Secrets.maskUrl("jdbc:mysql://app:s3cret@db:3306/shop?sslPassword=x&user=app;password=y"))
                .isEqualTo("jdbc:mysql://app:****@db:3306/shop?sslPassword=****&user=app;password=****");
        assertThat(Secrets.maskUrl("jdbc:mysql://address=(host=db)(password=z)/shop")).doesNotContain("z)");
    }

    @Test
    void namesNodesFromHostAndPortWhenNotGiven() {
        ClusterConfig config = ClusterConfig.builder("shop").primary("jdbc:stub:alpha")
                .replica(NodeConfig.of("jdbc:stub:beta?x=1")).build();
        assertThat(config.primary().name()).isEqualTo("alpha");
        assertThat(config.replicas().get(0).name()).isEqualTo("beta");
        assertThat(NodeConfig.defaultName("jdbc:postgresql://u:p@db1.example:5432/app?ssl=true")).isEqualTo("db1.example:5432");
    }

    @Test
    void sameHostAndPortTwiceIsADuplicateName() {
        assertThatThrownBy(() -> ClusterConfig.builder("shop").primary("jdbc:postgresql://db1:5432/app")
                .replica("jdbc:postgresql://db1:5432/other").build())
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("replicas[0].name: 'db1:5432' is already the name of primary");
    }

    @Test
    void refusesSettingsReplicawareOwnsAndUnknownDrivers() {
        assertThatThrownBy(() -> ClusterConfig.builder("shop").primary("jdbc:nosuchdriver://x/y")
                .pool("jdbcUrl", "jdbc:stub:x").pool("poolName", "p").build())
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("primary.url: no JDBC driver on the class path accepts 'jdbc:nosuchdriver://x/y'")
                .hasMessageContaining("pool.jdbcUrl: is set by Replicaware")
                .hasMessageContaining("pool.poolName: is set by Replicaware");
    }

    @Test
    void recordsRefuseBadValuesToo() {
        assertThatThrownBy(() -> new ClusterConfig(" ", NodeConfig.of("jdbc:stub:p"), null, null, null, null,
                new RoutingConfig(null, true, null, java.time.Duration.ofSeconds(-1), null), null, null))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("name: must be a non-blank name")
                .hasMessageContaining("routing.failureBackoff: must not be negative");
    }

    @Test
    void nodeOverridesTheClustersPoolSettingsAndCredentials() {
        NodeConfig replica = new NodeConfig("r", "jdbc:stub:r", "reader", "pw", Map.of("maximumPoolSize", "3"), 2);
        ClusterConfig config = ClusterConfig.builder("shop").primary("p", "jdbc:stub:p").replica(replica)
                .username("app").password("app-pw").pool(Map.of("maximumPoolSize", "10", "minimumIdle", "1")).build();
        assertThat(config.poolSettings(replica)).containsEntry("maximumPoolSize", "3").containsEntry("minimumIdle", "1");
        assertThat(config.usernameOf(replica)).isEqualTo("reader");
        assertThat(config.usernameOf(config.primary())).isEqualTo("app");
        assertThat(config.routing()).isEqualTo(RoutingConfig.DEFAULTS);
    }
}
