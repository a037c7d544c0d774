package dev.replicaware.spring;

import dev.replicaware.ReadConsistency;
import dev.replicaware.ReplicaAwareDataSource;
import dev.replicaware.config.ClusterConfig;
import dev.replicaware.config.RoutingConfig;
import dev.replicaware.testkit.stub.StubDriver;
import dev.replicaware.testkit.stub.StubServer;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.aop.Advisor;
import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.prometheus.PrometheusMetricsExportAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.prometheus.PrometheusScrapeEndpoint;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Every condition of the auto-configuration, on the stub driver: no database needed. */
class ReplicawareAutoConfigurationTest {
    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    /** The adapter alone, for class-path conditions: Spring Boot's own auto-configurations would miss the filtered classes too. */
    private final ApplicationContextRunner adapterOnly = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ReplicawareAutoConfiguration.class, ReplicawareHealthAutoConfiguration.class,
                    ReplicawareEndpointAutoConfiguration.class, ReplicawareMetricsAutoConfiguration.class));

    private final ApplicationContextRunner runner = adapterOnly
            .withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class, EndpointAutoConfiguration.class,
                    MetricsAutoConfiguration.class, SimpleMetricsExportAutoConfiguration.class));

    @BeforeAll
    static void registerStubDriver() {
        StubDriver.register();
    }

    /** A fresh stub primary and replica, as properties. */
    private static String[] cluster(String... more) {
        String prefix = "sb" + SEQUENCE.incrementAndGet() + "-";
        String[] base = {
                "replicaware.cluster=shop",
                "replicaware.username=app",
                "replicaware.password=s3cret-pw",
                "replicaware.primary.name=primary",
                "replicaware.primary.url=" + StubServer.named(prefix + "primary").url(),
                "replicaware.replicas[0].name=replica1",
                "replicaware.replicas[0].url=" + StubServer.named(prefix + "replica1").url(),
                "replicaware.pool.minimum-idle=0"};
        String[] all = new String[base.length + more.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(more, 0, all, base.length, more.length);
        return all;
    }

    @Test
    void withoutPrimaryUrlTheAdapterStaysOutOfTheWay() {
        runner.withPropertyValues("replicaware.cluster=shop",
                        "spring.datasource.url=" + StubServer.named("plain" + SEQUENCE.incrementAndGet()).url(),
                        "spring.datasource.driver-class-name=" + StubDriver.class.getName())
                .run(context -> {
                    assertThat(context).hasSingleBean(com.zaxxer.hikari.HikariDataSource.class); // Spring Boot's own
                    assertThat(context).doesNotHaveBean(ReplicaAwareDataSource.class);
                    assertThat(context).doesNotHaveBean(ReplicawareHealthIndicator.class);
                    assertThat(context).doesNotHaveBean(ReplicawareEndpoint.class);
                    assertThat(context).doesNotHaveBean("replicawareReadConsistencyAdvisor");
                });
    }

    @Test
    void primaryUrlMakesTheReplicaAwareDataSourceTheOnlyDataSource() {
        runner.withPropertyValues(cluster()).run(context -> {
            assertThat(context).hasSingleBean(DataSource.class);
            ReplicaAwareDataSource dataSource = context.getBean(ReplicaAwareDataSource.class);
            assertThat(dataSource.config().name()).isEqualTo("shop");
            assertThat(dataSource.config().replicas()).hasSize(1);
            assertThat(context).hasSingleBean(ReplicawareHealthIndicator.class);
            assertThat(context).hasBean("replicawareReadConsistencyAdvisor");
            assertThat(context.getBean("replicawareReadConsistencyAdvisor")).isInstanceOf(Advisor.class);
        });
    }

    @Test
    void dataSourceIsClosedWithTheContext() {
        ReplicaAwareDataSource[] seen = new ReplicaAwareDataSource[1];
        runner.withPropertyValues(cluster()).run(context -> seen[0] = context.getBean(ReplicaAwareDataSource.class));
        assertThat(seen[0].isClosed()).isTrue();
    }

    @Test
    void relaxedNamesBindToTheSameSettings() {
        runner.withPropertyValues(cluster(
                        "replicaware.pool.maximum-pool-size=7",
                        "replicaware.pool.connectionTimeout=2500",
                        "replicaware.pool.data-source.cachePrepStmts=true",
                        "replicaware.replicas[0].pool.max-lifetime=60000",
                        "replicaware.routing.load-balance=least-active",
                        "replicaware.routing.maxLag=2s",
                        "replicaware.routing.read-consistency=750ms",
                        "replicaware.routing.fallback-to-primary=false",
                        "replicaware.routing.defer-begin=false",
                        "replicaware.health.interval=250ms",
                        "replicaware.health.failures-before-down=5",
                        "replicaware.failover.mode=disabled",
                        "replicaware.failover.write-wait=3s",
                        "replicaware.failover.rejoin=true"))
                .run(context -> {
                    ClusterConfig config = context.getBean(ReplicaAwareDataSource.class).config();
                    assertThat(config.pool()).containsEntry("maximumPoolSize", "7").containsEntry("connectionTimeout", "2500")
                            .containsEntry("dataSource.cachePrepStmts", "true");
                    assertThat(config.replicas().get(0).pool()).containsEntry("maxLifetime", "60000");
                    assertThat(config.routing().strategy()).isEqualTo(RoutingConfig.Strategy.LEAST_ACTIVE);
                    assertThat(config.routing().maxLag()).isEqualTo(Duration.ofSeconds(2));
                    assertThat(config.routing().readConsistency()).isEqualTo(ReadConsistency.boundedStaleness(Duration.ofMillis(750)));
                    assertThat(config.routing().fallbackToPrimary()).isFalse();
                    assertThat(config.routing().deferBegin()).isFalse();
                    assertThat(config.health().interval()).isEqualTo(Duration.ofMillis(250));
                    assertThat(config.health().failuresBeforeDown()).isEqualTo(5);
                    assertThat(config.failover().mode().configName()).isEqualTo("disabled");
                    assertThat(config.failover().writeWait()).isEqualTo(Duration.ofSeconds(3));
                    assertThat(config.failover().rejoin()).isTrue();
                });
    }

    @Test
    void patroniUrlsBindAsAList() {
        runner.withPropertyValues(cluster(
                        "replicaware.failover.mode=external",
                        "replicaware.failover.patroni.urls[0]=http://127.0.0.1:1",
                        "replicaware.failover.patroni.urls[1]=http://127.0.0.1:2"))
                .run(context -> assertThat(context.getBean(ReplicaAwareDataSource.class).config().failover().patroni().urls())
                        .containsExactly("http://127.0.0.1:1", "http://127.0.0.1:2"));
    }

    @Test
    void usersOwnDataSourceWins() {
        runner.withPropertyValues(cluster()).withUserConfiguration(OwnDataSource.class).run(context -> {
            assertThat(context).hasSingleBean(DataSource.class);
            assertThat(context).doesNotHaveBean(ReplicaAwareDataSource.class);
            assertThat(context).doesNotHaveBean(ReplicawareHealthIndicator.class);
            assertThat(context).doesNotHaveBean(ReplicawareEndpoint.class);
        });
    }

    @Test
    void usersOwnReplicaAwareDataSourceGetsHealthAndEndpoint() {
        runner.withPropertyValues("management.endpoints.web.exposure.include=replicaware")
                .withUserConfiguration(OwnReplicaAwareDataSource.class).run(context -> {
            assertThat(context).hasSingleBean(ReplicaAwareDataSource.class);
            assertThat(context).hasSingleBean(ReplicawareHealthIndicator.class);
            assertThat(context).hasSingleBean(ReplicawareEndpoint.class);
        });
    }

    @Test
    void healthIndicatorIsReplaceableByName() {
        runner.withPropertyValues(cluster()).withUserConfiguration(OwnHealthIndicator.class).run(context -> {
            assertThat(context.getBean("replicawareHealthIndicator")).isNotInstanceOf(ReplicawareHealthIndicator.class);
        });
    }

    @Test
    void healthIndicatorCanBeSwitchedOff() {
        runner.withPropertyValues(cluster("management.health.replicaware.enabled=false"))
                .run(context -> assertThat(context).doesNotHaveBean(ReplicawareHealthIndicator.class));
    }

    @Test
    void healthShowsEveryNodeAndUpWhenAllAreUp() {
        runner.withPropertyValues(cluster()).run(context -> {
            Health health = context.getBean(ReplicawareHealthIndicator.class).health();
            assertThat(health.getStatus().getCode()).isIn("UP", "DEGRADED");
            assertThat(health.getDetails()).containsKeys("cluster", "nodes");
            assertThat(((java.util.Map<?, ?>) health.getDetails().get("nodes")).keySet()).extracting(Object::toString).containsExactly("primary", "replica1");
        });
    }

    @Test
    void withoutActuatorThereIsNoHealthNorEndpoint() {
        adapterOnly.withPropertyValues(cluster("management.endpoints.web.exposure.include=replicaware"))
                .withClassLoader(new FilteredClassLoader("org.springframework.boot.health.", "org.springframework.boot.actuate."))
                .run(context -> {
                    assertThat(context).hasSingleBean(ReplicaAwareDataSource.class);
                    assertThat(context).doesNotHaveBean(ReplicawareHealthIndicator.class);
                    assertThat(context).doesNotHaveBean(ReplicawareEndpoint.class);
                    assertThat(context).doesNotHaveBean("replicawareSanitizingFunction");
                });
    }

    @Test
    void endpointIsThereWhenAvailable() {
        runner.withPropertyValues(cluster("management.endpoints.web.exposure.include=replicaware")).run(context -> {
            ReplicawareEndpoint.ClusterDescriptor topology = context.getBean(ReplicawareEndpoint.class).topology();
            assertThat(topology.cluster()).isEqualTo("shop");
            assertThat(topology.nodes()).extracting(ReplicawareEndpoint.NodeDescriptor::name).containsExactly("primary", "replica1");
            assertThat(topology.toString()).doesNotContain("s3cret-pw").doesNotContain("jdbc:");
        });
    }

    @Test
    void aRefusedSwitchoverSaysWhyAndNamesTheTarget() {
        runner.withPropertyValues(cluster("management.endpoints.web.exposure.include=replicaware",
                "management.endpoint.replicaware.access=UNRESTRICTED")).run(context -> {
            assertThat(context).hasNotFailed();
            // the stub driver's generic dialect cannot promote: the refusal must say so, naming cluster and target
            assertThatThrownBy(() -> context.getBean(ReplicawareEndpoint.class).switchover("replica1"))
                    .isInstanceOf(org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException.class)
                    .hasMessageContaining("Switchover of cluster 'shop' to 'replica1' refused")
                    .hasMessageNotContaining("s3cret-pw");
        });
    }

    @Test
    void withoutMicrometerThereAreNoMeterBinders() {
        adapterOnly.withPropertyValues(cluster())
                .withClassLoader(new FilteredClassLoader("io.micrometer.", "org.springframework.boot.micrometer."))
                .run(context -> {
                    assertThat(context).hasSingleBean(ReplicaAwareDataSource.class);
                    assertThat(context).doesNotHaveBean("replicawareMetrics");
                });
    }

    @Test
    void withAMeterRegistryEveryPoolReportsItsMeters() {
        runner.withPropertyValues(cluster()).run(context -> {
            assertThat(context).hasBean("replicawareMetrics");
            MeterRegistry registry = context.getBean(MeterRegistry.class);
            assertThat(registry.find("replicaware.node.up").tags("cluster", "shop", "node", "primary").gauge()).isNotNull();
            assertThat(registry.find("hikaricp.connections").tags("pool", "shop-primary").gauge()).isNotNull();
            assertThat(registry.find("hikaricp.connections").tags("pool", "shop-replica1").gauge()).isNotNull();
        });
    }

    @Test
    void withMicrometerRegistryPrometheusTheScrapeEndpointShowsReplicawareMeters() {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(ReplicawareAutoConfiguration.class, ReplicawareMetricsAutoConfiguration.class,
                        DataSourceAutoConfiguration.class, EndpointAutoConfiguration.class, MetricsAutoConfiguration.class,
                        PrometheusMetricsExportAutoConfiguration.class, CompositeMeterRegistryAutoConfiguration.class))
                .withPropertyValues(cluster("management.endpoints.web.exposure.include=prometheus"))
                .run(context -> {
                    assertThat(context).hasSingleBean(PrometheusScrapeEndpoint.class).hasBean("replicawareMetrics");
                    String scrape = context.getBean(PrometheusMeterRegistry.class).scrape();
                    assertThat(scrape).contains("replicaware_node_up{cluster=\"shop\",node=\"primary\"")
                            .contains("replicaware_routing_max_lag_seconds{cluster=\"shop\"}")
                            .contains("hikaricp_connections_max{pool=\"shop-replica1\"}")
                            .doesNotContain("s3cret-pw");
                });
    }

    @Test
    void badSettingsFailStartUpNamingEveryProperty() {
        runner.withPropertyValues(cluster(
                        "replicaware.replicas[1].url=postgres://nope",
                        "replicaware.pool.maximum-pool-size=0",
                        "replicaware.pool.no-such-setting=1",
                        "replicaware.routing.load-balance=fastest",
                        "replicaware.routing.read-consistency=soon",
                        "replicaware.routing.read-your-writes=global",
                        "replicaware.routing.read-your-writes-wait=sometimes",
                        "replicaware.health.failures-before-down=0",
                        "replicaware.failover.mode=automatic"))
                .run(context -> {
                    assertThat(context).hasFailed();
                    Throwable failure = context.getStartupFailure();
                    FailureAnalysis analysis = new ReplicawareFailureAnalyzer().analyze(failure);
                    assertThat(analysis).isNotNull();
                    assertThat(analysis.getDescription())
                            .contains("Property: replicaware.replicas[1].url")
                            .contains("Property: replicaware.pool.maximum-pool-size")
                            .contains("Property: replicaware.pool.no-such-setting")
                            .contains("Property: replicaware.routing.load-balance").contains("round-robin, random")
                            .contains("Property: replicaware.routing.read-consistency").contains("expected any, primary, read-your-writes, or a duration")
                            .contains("Property: replicaware.routing.read-your-writes").contains("expected instance, session or off")
                            .contains("Property: replicaware.routing.read-your-writes-wait")
                            .contains("must be never or always, but was 'sometimes'")
                            .contains("Property: replicaware.health.failures-before-down")
                            .contains("Property: replicaware.failover.admin-username")
                            .doesNotContain("s3cret-pw");
                    assertThat(analysis.getAction()).contains("Correct these properties");
                });
    }

    @Test
    void badAnnotationFailsStartUpNamingTheMethod() {
        runner.withPropertyValues(cluster()).withUserConfiguration(BadAnnotation.class)
                .run(context -> assertThat(context).hasFailed().getFailure()
                        .hasMessageContaining("maxStaleness = \"soonish\"").hasMessageContaining("BadService.read"));
    }

    @Test
    void passwordsAreMaskedForTheConfigpropsEndpoint() {
        var data = new org.springframework.boot.actuate.endpoint.SanitizableData(null, "replicaware.primary.url",
                "jdbc:postgresql://db1/shop?password=hunter2");
        assertThat(new ReplicawareSanitizingFunction().apply(data).getValue()).isEqualTo("jdbc:postgresql://db1/shop?password=****");
        var password = new org.springframework.boot.actuate.endpoint.SanitizableData(null, "replicaware.password", "hunter2");
        assertThat(new ReplicawareSanitizingFunction().apply(password).getValue()).isEqualTo("******");
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnDataSource {
        @Bean
        DataSource myDataSource() {
            return new SimpleDriverDataSource();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnReplicaAwareDataSource {
        @Bean
        ReplicaAwareDataSource myDataSource() {
            String prefix = "own" + SEQUENCE.incrementAndGet() + "-";
            return new ReplicaAwareDataSource(ClusterConfig.builder("own")
                    .primary("primary", StubServer.named(prefix + "primary").url())
                    .pool("minimumIdle", "0").build());
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnHealthIndicator {
        @Bean
        org.springframework.boot.health.contributor.HealthIndicator replicawareHealthIndicator() {
            return () -> Health.up().build();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class BadAnnotation {
        @Bean
        BadService badService() {
            return new BadService();
        }

        @Bean
        static org.springframework.aop.framework.autoproxy.DefaultAdvisorAutoProxyCreator autoProxyCreator() {
            return new org.springframework.aop.framework.autoproxy.DefaultAdvisorAutoProxyCreator();
        }
    }

    static class BadService {
        @dev.replicaware.spring.ReadConsistency(maxStaleness = "soonish")
        public void read() {
        }
    }
}
