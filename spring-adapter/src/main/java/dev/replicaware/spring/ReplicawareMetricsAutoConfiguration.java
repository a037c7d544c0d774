package dev.replicaware.spring;

import dev.replicaware.ReplicaAwareDataSource;
import dev.replicaware.metrics.ReplicawareMetrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.context.annotation.Bean;

/**
 * Binds the Replicaware DataSource's meters to the application's {@link MeterRegistry}: Replicaware's own
 * ({@code replicaware.*}: lag, node health, routing, probes, failovers) and HikariCP's pool meters of every node
 * ({@code hikaricp.connections.*}, tag {@code pool=<cluster>-<node>}). Replaceable by a bean named {@code replicawareMetrics}.
 */
@AutoConfiguration(after = ReplicawareAutoConfiguration.class,
        afterName = {"org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
                "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
                "org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration"})
@ConditionalOnClass({MeterRegistry.class, MeterBinder.class})
@ConditionalOnBean(MeterRegistry.class)
@ConditionalOnSingleCandidate(ReplicaAwareDataSource.class)
public final class ReplicawareMetricsAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean(name = "replicawareMetrics")
    MeterBinder replicawareMetrics(ReplicaAwareDataSource dataSource) {
        return new ReplicawareMetrics(dataSource);
    }
}
