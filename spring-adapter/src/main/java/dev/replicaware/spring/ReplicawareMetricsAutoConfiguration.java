package dev.replicaware.spring;

import com.zaxxer.hikari.metrics.micrometer.MicrometerMetricsTrackerFactory;
import dev.replicaware.ReplicaAwareDataSource;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Binds the meters of the Replicaware DataSource to the application's {@link MeterRegistry}: HikariCP's pool meters
 * of every node, and Replicaware's own ({@code replicaware.*}) when core provides its binder,
 * {@code dev.replicaware.metrics.ReplicawareMetrics}. Each binder can be replaced by a bean of its name.
 */
@AutoConfiguration(after = ReplicawareAutoConfiguration.class,
        afterName = {"org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
                "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
                "org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration"})
@ConditionalOnClass({MeterRegistry.class, MeterBinder.class})
@ConditionalOnBean(MeterRegistry.class)
@ConditionalOnSingleCandidate(ReplicaAwareDataSource.class)
public final class ReplicawareMetricsAutoConfiguration {

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(MicrometerMetricsTrackerFactory.class)
    static class PoolMetricsConfiguration {
        @Bean
        @ConditionalOnMissingBean(name = "replicawarePoolMetrics")
        MeterBinder replicawarePoolMetrics(ReplicaAwareDataSource dataSource) {
            return new ReplicawarePoolMetrics(dataSource);
        }
    }

    /**
     * Core's binder of {@code replicaware.*} meters, when the core on the class path has it. Found by name so that
     * this adapter builds against a core without it; constructed once, at start-up.
     */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = CoreMetricsConfiguration.BINDER)
    static class CoreMetricsConfiguration {
        static final String BINDER = "dev.replicaware.metrics.ReplicawareMetrics";

        @Bean
        @ConditionalOnMissingBean(name = "replicawareMetrics")
        MeterBinder replicawareMetrics(ReplicaAwareDataSource dataSource) throws ReflectiveOperationException {
            return (MeterBinder) Class.forName(BINDER, true, getClass().getClassLoader())
                    .getConstructor(ReplicaAwareDataSource.class).newInstance(dataSource);
        }
    }
}
