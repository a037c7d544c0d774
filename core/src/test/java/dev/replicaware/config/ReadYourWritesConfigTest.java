package dev.replicaware.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.replicaware.ReadConsistency;
import dev.replicaware.config.RoutingConfig.ReadYourWrites;
import dev.replicaware.config.RoutingConfig.ReadYourWritesWait;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The read-your-writes settings: parsed, defaulted, refused with a clear message. */
class ReadYourWritesConfigTest {

    private static final String CLUSTER = """
            cluster: c
            primary: { name: p, url: "jdbc:postgresql://h1:5432/c" }
            replicas: [ { name: r, url: "jdbc:postgresql://h2:5432/c" } ]
            """;

    @Test
    void instanceIsTheDefaultWithAOneSecondTimeout() {
        RoutingConfig routing = YamlConfig.parse(CLUSTER, null, Map.<String, String>of()::get).cluster().routing();
        assertThat(routing.readYourWrites()).isEqualTo(ReadYourWrites.INSTANCE);
        assertThat(routing.readYourWritesTimeout()).isEqualTo(Duration.ofSeconds(1));
        assertThat(routing.readYourWritesWait()).as("reads never wait by default").isEqualTo(ReadYourWritesWait.NEVER);
    }

    @Test
    void yamlSetsTheWait() {
        RoutingConfig routing = YamlConfig.parse(CLUSTER + "routing: { readYourWritesWait: Always }\n", null,
                Map.<String, String>of()::get).cluster().routing();
        assertThat(routing.readYourWritesWait()).isEqualTo(ReadYourWritesWait.ALWAYS);
    }

    @Test
    void theDeferredBeginIsOnByDefaultAndYamlTurnsItOff() {
        assertThat(YamlConfig.parse(CLUSTER, null, Map.<String, String>of()::get).cluster().routing().deferBegin())
                .as("routing.deferBegin by default").isTrue();
        assertThat(YamlConfig.parse(CLUSTER + "routing: { deferBegin: false }\n", null, Map.<String, String>of()::get)
                .cluster().routing().deferBegin()).isFalse();
    }

    @Test
    void anUnknownWaitIsRefusedNamingTheKeyTheLineAndTheChoices() {
        assertThatThrownBy(() -> YamlConfig.parse(CLUSTER + "routing: { readYourWritesWait: sometimes }\n", null,
                Map.<String, String>of()::get))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("routing.readYourWritesWait")
                .hasMessageContaining("line 4")
                .hasMessageContaining("must be never or always, but was 'sometimes'");
    }

    @Test
    void yamlSetsTheScopeTheTimeoutAndReadYourWritesAsTheDefaultConsistency() {
        RoutingConfig routing = YamlConfig.parse(CLUSTER + "routing: { readYourWrites: Session, readYourWritesTimeout: 250ms,"
                + " readConsistency: read-your-writes }\n", null, Map.<String, String>of()::get).cluster().routing();
        assertThat(routing.readYourWrites()).isEqualTo(ReadYourWrites.SESSION);
        assertThat(routing.readYourWritesTimeout()).isEqualTo(Duration.ofMillis(250));
        assertThat(routing.readConsistency()).isEqualTo(ReadConsistency.READ_YOUR_WRITES);
    }

    @Test
    void anUnknownScopeIsRefusedNamingTheKeyTheLineAndTheChoices() {
        assertThatThrownBy(() -> YamlConfig.parse(CLUSTER + "routing: { readYourWrites: global }\n", null,
                Map.<String, String>of()::get))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("routing.readYourWrites")
                .hasMessageContaining("line 4")
                .hasMessageContaining("must be instance, session or off, but was 'global'");
    }
}
