package dev.replicaware.config;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** YAML anchors and aliases: an alias stands for the value its anchor marks, never for the anchor's name. */
class YamlAliasTest {

    @Test
    void anAliasTakesTheValueOfItsAnchor() {
        ClusterConfig c = YamlConfig.parse("""
                cluster: c
                username: &user app_user
                pool: &pool { maximumPoolSize: 7 }
                primary: { url: "jdbc:postgresql://db1/c" }
                replicas:
                  - url: "jdbc:postgresql://db2/c"
                    username: *user
                    pool: *pool
                """, "c.yml", n -> null).cluster();
        assertThat(c.username()).isEqualTo("app_user");
        assertThat(c.replicas().get(0).username()).isEqualTo("app_user");
        assertThat(c.replicas().get(0).pool()).containsEntry("maximumPoolSize", "7");
    }

    @Test
    void aMergeKeyAddsTheAnchoredSettingsItDoesNotOverride() {
        ClusterConfig c = YamlConfig.parse("""
                cluster: c
                primary: &node
                  url: "jdbc:postgresql://db1/c"
                  username: shared
                  weight: 3
                replicas:
                  - <<: *node
                    url: "jdbc:postgresql://db2/c"
                """, "c.yml", n -> null).cluster();
        NodeConfig replica = c.replicas().get(0);
        assertThat(replica.url()).isEqualTo("jdbc:postgresql://db2/c");
        assertThat(replica.username()).isEqualTo("shared");
        assertThat(replica.weight()).isEqualTo(3);
    }

    @Test
    void theExampleOfTheConfigurationDocsReads() {
        ClusterConfig c = YamlConfig.parse("""
                cluster: orders
                username: &user app
                primary: &node { url: "jdbc:postgresql://db1:5432/orders", pool: { maximumPoolSize: 20 } }
                replicas:
                  - <<: *node
                    url: "jdbc:postgresql://db2:5432/orders"
                    username: *user
                """, "orders.yml", n -> null).cluster();
        NodeConfig replica = c.replicas().get(0);
        assertThat(replica.url()).isEqualTo("jdbc:postgresql://db2:5432/orders");
        assertThat(replica.username()).isEqualTo("app");
        assertThat(replica.pool()).containsEntry("maximumPoolSize", "20");
    }

    @Test
    void anAliasWithoutAnAnchorIsRefusedWithItsPlace() {
        assertThatThrownBy(() -> YamlConfig.parse("""
                cluster: c
                username: *nowhere
                primary: { url: "jdbc:postgresql://db1/c" }
                """, "c.yml", n -> null))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("username (line 2")
                .hasMessageContaining("*nowhere");
    }
}
