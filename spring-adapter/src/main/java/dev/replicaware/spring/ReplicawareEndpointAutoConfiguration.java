package dev.replicaware.spring;

import dev.replicaware.ReplicaAwareDataSource;

import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.context.annotation.Bean;

/**
 * The {@code replicaware} Actuator endpoint (when available: enabled and exposed), and the sanitizing function that
 * keeps {@code replicaware.*} secrets out of the {@code configprops} and {@code env} endpoints.
 *
 * <p>The endpoint's switchover write operation is off by default (read-only access); see {@link ReplicawareEndpoint}.
 */
@AutoConfiguration(after = ReplicawareAutoConfiguration.class)
@ConditionalOnClass({Endpoint.class, ConditionalOnAvailableEndpoint.class})
public final class ReplicawareEndpointAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnSingleCandidate(ReplicaAwareDataSource.class)
    @ConditionalOnAvailableEndpoint(ReplicawareEndpoint.class)
    ReplicawareEndpoint replicawareEndpoint(ReplicaAwareDataSource dataSource) {
        return new ReplicawareEndpoint(dataSource);
    }

    @Bean
    @ConditionalOnMissingBean(name = "replicawareSanitizingFunction")
    SanitizingFunction replicawareSanitizingFunction() {
        return new ReplicawareSanitizingFunction();
    }
}
