package dev.replicaware.config;

import dev.replicaware.ReadConsistency;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class YamlConfigTest {
    /** The example of docs/configuration.md, word for word. */
    static final String EXAMPLE = """
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
            """;

    private static final Map<String, String> ENV = Map.of("ORDERS_DB_PASSWORD", "pw-of-app", "ADMIN_PW", "pw-of-admin");

    @Test
    void theDocumentedExampleGivesWhatTheBuilderGives() {
        ClusterConfig fromYaml = YamlConfig.parse(EXAMPLE, "example.yml", ENV::get).cluster();
        ClusterConfig fromBuilder = ClusterConfig.builder("orders")
                .username("app").password("pw-of-app")
                .primary("jdbc:postgresql://db1:5432/orders")
                .replica("jdbc:postgresql://db2:5432/orders")
                .replica(NodeConfig.of("db3", "jdbc:postgresql://db3:5432/orders").withWeight(2))
                .pool("maximumPoolSize", "20")
                .strategy(RoutingConfig.Strategy.ROUND_ROBIN).maxLag(Duration.ofSeconds(5)).fallbackToPrimary(true)
                .health(new HealthConfig(Duration.ofMillis(500), Duration.ofSeconds(1), 3, HealthConfig.DEFAULT_SUCCESSES_BEFORE_UP))
                .failover(new FailoverConfig(FailoverConfig.Mode.AUTOMATIC, 1L << 20, Duration.ofSeconds(10), "admin", "pw-of-admin"))
                .build();
        assertThat(fromYaml).isEqualTo(fromBuilder);
        assertThat(fromYaml.replicas()).extracting(NodeConfig::name).containsExactly("db2:5432", "db3");
        assertThat(fromYaml.toString()).doesNotContain("pw-of-");
    }

    @Test
    void everySettingHasItsDefaultWhenAbsent() {
        YamlConfig yaml = YamlConfig.parse("cluster: c\nprimary: { url: 'jdbc:postgresql://db1/c' }\n", null, n -> null);
        assertThat(yaml.watch()).isFalse();
        assertThat(yaml.cluster().routing()).isEqualTo(RoutingConfig.DEFAULTS);
        assertThat(yaml.cluster().health()).isEqualTo(HealthConfig.DEFAULTS);
        assertThat(yaml.cluster().failover()).isEqualTo(FailoverConfig.DEFAULTS);
        assertThat(yaml.cluster().pool()).isEmpty();
    }

    @Test
    void readsEveryKindOfValue() {
        String text = """
                cluster: c
                watch: true
                primary:
                  name: p
                  url: "jdbc:postgresql://${DB_HOST:db1}:${DB_PORT:5432}/c"
                  priority: 3
                  replicationHost: 10.0.0.1
                  replicationPort: 5433
                replicas:
                  - name: r
                    url: jdbc:postgresql://db2/c
                    username: reader
                    password: "$${literal}"
                    pool: { maximumPoolSize: 4, connectionTimeout: 2s, dataSourceProperties: { ssl: true, sslpassword: x } }
                pool: { maxLifetime: 30m, idleTimeout: 60000, dataSource.tcpKeepAlive: true }
                routing: { loadBalance: least-active, readConsistency: 2s, maxLag: none, failureBackoff: 1m }
                health: { successesBeforeUp: 5 }
                failover: { mode: external, maxLagOnFailover: 64kB }
                """;
        ClusterConfig c = YamlConfig.parse(text, null, Map.of("DB_HOST", "h1")::get).cluster();
        assertThat(c.primary()).isEqualTo(new NodeConfig("p", "jdbc:postgresql://h1:5432/c", null, null, Map.of(), 1, 3, "10.0.0.1", 5433));
        NodeConfig r = c.replicas().get(0);
        assertThat(r.password()).isEqualTo("${literal}");
        assertThat(r.pool()).containsExactly(Map.entry("maximumPoolSize", "4"), Map.entry("connectionTimeout", "2000"),
                Map.entry("dataSource.ssl", "true"), Map.entry("dataSource.sslpassword", "x"));
        assertThat(c.pool()).containsExactly(Map.entry("maxLifetime", "1800000"), Map.entry("idleTimeout", "60000"),
                Map.entry("dataSource.tcpKeepAlive", "true"));
        assertThat(c.routing()).isEqualTo(new RoutingConfig(RoutingConfig.Strategy.LEAST_ACTIVE, true,
                ReadConsistency.boundedStaleness(Duration.ofSeconds(2)), Duration.ofMinutes(1), null));
        assertThat(c.health().successesBeforeUp()).isEqualTo(5);
        assertThat(c.failover()).isEqualTo(new FailoverConfig(FailoverConfig.Mode.EXTERNAL, 65536L, FailoverConfig.DEFAULT_WRITE_WAIT, null, null));
        assertThat(YamlConfig.parse(text, null, Map.of("DB_HOST", "h1")::get).watch()).isTrue();
    }

    @Test
    void patroniUrlsAndRejoinAreReadUnderFailover() {
        ClusterConfig c = YamlConfig.parse("""
                cluster: c
                primary: { name: pg0, url: "jdbc:postgresql://db1:5432/c" }
                failover:
                  mode: external
                  rejoin: true
                  patroni:
                    urls: [ "http://db1:8008", "http://db2:8008/" ]
                """, null, n -> null).cluster();
        assertThat(c.failover().rejoin()).isTrue();
        assertThat(c.failover().patroni().urls()).containsExactly("http://db1:8008", "http://db2:8008/");
        assertThat(YamlConfig.parse("cluster: c\nprimary: { url: 'jdbc:postgresql://db1/c' }\n", null, n -> null).cluster()
                .failover().patroni().urls()).isEmpty();
    }

    @Test
    void patroniUrlsNeedExternalModeAndPlainHttpUrls() {
        assertThatThrownBy(() -> YamlConfig.parse("""
                cluster: c
                primary: { url: "jdbc:postgresql://db1:5432/c" }
                failover:
                  mode: automatic
                  adminUsername: admin
                  patroni: { urls: [ "db1:8008", "http://u:secret@db2:8008" ] }
                """, null, n -> null))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("failover.mode (line 4")
                .hasMessageContaining("must be external when failover.patroni.urls are given")
                .hasMessageContaining("failover.patroni.urls[0]")
                .hasMessageContaining("must be an http or https URL")
                .hasMessageContaining("failover.patroni.urls[1]")
                .hasMessageContaining("must not hold credentials")
                .hasMessageNotContaining("secret");
        assertThatThrownBy(() -> YamlConfig.parse("cluster: c\nprimary: { url: 'jdbc:postgresql://db1/c' }\n"
                + "failover: { patroni: { url: 'http://db1:8008' } }\n", null, n -> null))
                .hasMessageContaining("failover.patroni.url (line 3").hasMessageContaining("did you mean 'urls'?");
    }

    @Test
    void mysqlAndMariadbUrlsMayMixAndCountLagInTransactions() {
        ClusterConfig c = YamlConfig.parse("""
                cluster: c
                primary: { url: "jdbc:mysql://db1:3306/c" }
                replicas: [ { url: "jdbc:mariadb://db2:3306/c" } ]
                pool: { driverClassName: com.mysql.cj.jdbc.Driver }
                failover: { maxLagOnFailover: 100 }
                """, null, n -> null).cluster();
        assertThat(c.failover().maxLagOnFailover()).isEqualTo(100L);
    }

    @Test
    void placeholdersComeFromSystemPropertiesAndSecretFiles(@TempDir Path dir) throws IOException {
        Path secret = Files.writeString(dir.resolve("db_password"), "from-a-file\n");
        System.setProperty("replicaware.test.user", "app-from-property");
        try {
            ClusterConfig c = YamlConfig.parse("cluster: c\nusername: ${replicaware.test.user}\npassword: ${file:" + secret
                    + "}\nprimary: { url: 'jdbc:postgresql://db1/c' }\n", null, Placeholders.SYSTEM).cluster();
            assertThat(c.username()).isEqualTo("app-from-property");
            assertThat(c.password()).isEqualTo("from-a-file");
        } finally {
            System.clearProperty("replicaware.test.user");
        }
    }

    @Test
    void durationsAndSizesReadAsDocumented() {
        assertThat(ConfigValues.duration("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(ConfigValues.duration("2s")).isEqualTo(Duration.ofSeconds(2));
        assertThat(ConfigValues.duration("1m")).isEqualTo(Duration.ofMinutes(1));
        assertThat(ConfigValues.duration("PT0.25S")).isEqualTo(Duration.ofMillis(250));
        assertThat(ConfigValues.size("16MB")).isEqualTo(16L << 20);
        assertThat(ConfigValues.size("512kB")).isEqualTo(512L << 10);
        assertThat(ConfigValues.size("42")).isEqualTo(42);
        assertThatThrownBy(() -> ConfigValues.duration("1.5s")).hasMessage("must be a duration like 500ms, 2s, 1m or 1h, but was '1.5s'");
        assertThatThrownBy(() -> ConfigValues.size("99999999999TB")).hasMessage("is too large a size: '99999999999TB'");
    }

    @Test
    void nearestKeyIsSuggestedOnlyWhenNear() {
        assertThat(ConfigKeys.nearest("replica", ConfigKeys.CLUSTER_KEYS)).isEqualTo("replicas");
        assertThat(ConfigKeys.nearest("pirmary", ConfigKeys.CLUSTER_KEYS)).isEqualTo("primary");
        assertThat(ConfigKeys.nearest("colour", ConfigKeys.HEALTH_KEYS)).isNull();
        assertThat(ConfigKeys.fromRecordPath("replicas[2].pool.dataSource.ssl")).isEqualTo("replicas[2].pool.dataSourceProperties.ssl");
        assertThat(ConfigKeys.fromRecordPath("routing.strategy")).isEqualTo("routing.loadBalance");
    }
}
