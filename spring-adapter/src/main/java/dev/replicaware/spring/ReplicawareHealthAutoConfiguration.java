package dev.replicaware.spring;

import dev.replicaware.ReplicaAwareDataSource;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * The {@code replicaware} health entry, when Spring Boot's health support is on the class path and
 * {@code management.health.replicaware.enabled} is not false. Replace it with a bean named {@code replicawareHealthIndicator}.
 */
@AutoConfiguration(after = ReplicawareAutoConfiguration.class)
@ConditionalOnClass({HealthIndicator.class, ConditionalOnEnabledHealthIndicator.class})
@ConditionalOnSingleCandidate(ReplicaAwareDataSource.class)
public final class ReplicawareHealthAutoConfiguration {

    // On the method, not the class: its condition class must only load once @ConditionalOnClass has passed.
    @Bean
    @ConditionalOnEnabledHealthIndicator("replicaware")
    @ConditionalOnMissingBean(name = "replicawareHealthIndicator")
    ReplicawareHealthIndicator replicawareHealthIndicator(ReplicaAwareDataSource dataSource) {
        return new ReplicawareHealthIndicator(dataSource);
    }
}
