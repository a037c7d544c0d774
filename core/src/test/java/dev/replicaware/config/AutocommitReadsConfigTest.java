package dev.replicaware.config;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code routing.autocommitReads} in YAML and in the builder. */
class AutocommitReadsConfigTest {

    private static ClusterConfig yaml(String routing) {
        return YamlConfig.parse("""
                cluster: c
                primary: { url: "jdbc:postgresql://db1/c" }
                replicas: [ { url: "jdbc:postgresql://db2/c" } ]
                """ + routing, null, n -> null).cluster();
    }

    @Test
    void autocommitReadsStayOnThePrimaryUnlessConfigured() {
        assertThat(yaml("").routing().autocommitReads()).isEqualTo(RoutingConfig.AutocommitReads.PRIMARY);
        assertThat(RoutingConfig.DEFAULTS.autocommitReads()).isEqualTo(RoutingConfig.AutocommitReads.PRIMARY);
        assertThat(yaml("routing: { autocommitReads: replica }\n").routing().autocommitReads())
                .isEqualTo(RoutingConfig.AutocommitReads.REPLICA);
        assertThat(yaml("routing: { autocommitReads: PRIMARY }\n").routing().autocommitReads())
                .isEqualTo(RoutingConfig.AutocommitReads.PRIMARY);
    }

    @Test
    void anUnknownValueIsRefusedNamingTheKeyLineAndValue() {
        assertThatThrownBy(() -> yaml("routing:\n  autocommitReads: sometimes\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("routing.autocommitReads")
                .hasMessageContaining("line 5")
                .hasMessageContaining("must be primary or replica, but was 'sometimes'");
        assertThatThrownBy(() -> ClusterConfig.builder("c").primary("jdbc:postgresql://db1/c").autocommitReads("always").build())
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("routing.autocommitReads")
                .hasMessageContaining("'always'");
    }

    @Test
    void theBuilderTakesTheModeByValueOrName() {
        assertThat(ClusterConfig.builder("c").primary("jdbc:mysql://db1/c").autocommitReads("replica").build()
                .routing().autocommitReads()).isEqualTo(RoutingConfig.AutocommitReads.REPLICA);
        assertThat(ClusterConfig.builder("c").primary("jdbc:mysql://db1/c")
                .autocommitReads(RoutingConfig.AutocommitReads.REPLICA).build().routing().autocommitReads())
                .isEqualTo(RoutingConfig.AutocommitReads.REPLICA);
    }
}
