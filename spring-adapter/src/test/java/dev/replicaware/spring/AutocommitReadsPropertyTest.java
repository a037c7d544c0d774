package dev.replicaware.spring;

import dev.replicaware.ReplicaAwareDataSource;
import dev.replicaware.config.RoutingConfig;
import dev.replicaware.testkit.stub.StubDriver;
import dev.replicaware.testkit.stub.StubServer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code replicaware.routing.autocommit-reads}: bound, validated, and described in the IDE metadata. */
class AutocommitReadsPropertyTest {
    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ReplicawareAutoConfiguration.class));

    @BeforeAll
    static void registerStubDriver() {
        StubDriver.register();
    }

    private static String[] cluster(String setting) {
        String prefix = "ac" + SEQUENCE.incrementAndGet() + "-";
        return new String[] {
                "replicaware.cluster=shop",
                "replicaware.primary.url=" + StubServer.named(prefix + "primary").url(),
                "replicaware.replicas[0].url=" + StubServer.named(prefix + "replica1").url(),
                "replicaware.pool.minimum-idle=0",
                setting};
    }

    @Test
    void autocommitReadsBindsInEitherSpellingAndDefaultsToPrimary() {
        runner.withPropertyValues(cluster("replicaware.routing.autocommit-reads=replica")).run(context ->
                assertThat(context.getBean(ReplicaAwareDataSource.class).config().routing().autocommitReads())
                        .isEqualTo(RoutingConfig.AutocommitReads.REPLICA));
        runner.withPropertyValues(cluster("replicaware.routing.autocommitReads=REPLICA")).run(context ->
                assertThat(context.getBean(ReplicaAwareDataSource.class).config().routing().autocommitReads())
                        .isEqualTo(RoutingConfig.AutocommitReads.REPLICA));
        runner.withPropertyValues(cluster("replicaware.routing.max-lag=5s")).run(context ->
                assertThat(context.getBean(ReplicaAwareDataSource.class).config().routing().autocommitReads())
                        .isEqualTo(RoutingConfig.AutocommitReads.PRIMARY));
    }

    @Test
    void anUnknownValueFailsStartUpNamingTheProperty() {
        runner.withPropertyValues(cluster("replicaware.routing.autocommit-reads=sometimes")).run(context -> {
            assertThat(context).hasFailed();
            FailureAnalysis analysis = new ReplicawareFailureAnalyzer().analyze(context.getStartupFailure());
            assertThat(analysis).isNotNull();
            assertThat(analysis.getDescription()).contains("Property: replicaware.routing.autocommit-reads")
                    .contains("must be primary or replica, but was 'sometimes'");
        });
    }

    @Test
    void metadataDescribesThePropertyAndItsValues() throws Exception {
        String generated = new String(getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")
                .readAllBytes(), StandardCharsets.UTF_8);
        assertThat(generated).contains("\"name\": \"replicaware.routing.autocommit-reads\"");
        String hints = new String(getClass().getResourceAsStream("/META-INF/additional-spring-configuration-metadata.json")
                .readAllBytes(), StandardCharsets.UTF_8);
        assertThat(hints).contains("\"name\": \"replicaware.routing.autocommit-reads\"").contains("\"value\": \"replica\"");
    }
}
