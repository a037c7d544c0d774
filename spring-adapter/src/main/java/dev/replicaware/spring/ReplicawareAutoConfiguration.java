package dev.replicaware.spring;

import dev.replicaware.ReplicaAwareDataSource;

import javax.sql.DataSource;

import org.springframework.aop.Advisor;
import org.springframework.aop.support.DefaultPointcutAdvisor;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Role;
import org.springframework.core.Ordered;

/**
 * The application's {@link DataSource}: a {@link ReplicaAwareDataSource} built from {@code replicaware.*} when
 * {@code replicaware.primary.url} is set. Runs before Spring Boot's {@code DataSourceAutoConfiguration}, which then
 * creates no second pool; a DataSource bean of the application's own wins over this one. The DataSource is closed
 * with the context.
 *
 * <p>Also applies {@link ReadFromPrimary @ReadFromPrimary} and {@link ReadConsistency @ReadConsistency} to Spring beans.
 */
@AutoConfiguration(beforeName = "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration")
@ConditionalOnClass(ReplicaAwareDataSource.class)
@ConditionalOnProperty(prefix = "replicaware.primary", name = "url")
@EnableConfigurationProperties(ReplicawareProperties.class)
public final class ReplicawareAutoConfiguration {

    /**
     * The order of the advisor behind the read-consistency annotations: ahead of Spring's transaction advisor (lowest
     * precedence by default), so the method's consistency is in place when its transaction takes a connection.
     */
    public static final int READ_CONSISTENCY_ORDER = Ordered.LOWEST_PRECEDENCE - 1000;

    /** {@code replicaware.web.consistency-token}: {@code http-session} needs spring-web; {@code off}, the default, nothing. */
    private static boolean sessionTokens(ReplicawareProperties properties) {
        String mode = properties.getWeb().getConsistencyToken();
        String key = mode == null ? "off" : mode.trim().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        if (key.equals("off")) {
            return false;
        }
        if (!key.equals("http-session")) {
            throw new InvalidReplicawareConfigurationException(properties.getCluster(), java.util.List.of(
                    new InvalidReplicawareConfigurationException.Problem("replicaware.web.consistency-token",
                            "unknown value '" + mode + "'; expected off or http-session")));
        }
        if (!org.springframework.util.ClassUtils.isPresent("org.springframework.web.context.request.RequestContextHolder",
                ReplicawareAutoConfiguration.class.getClassLoader())) {
            throw new InvalidReplicawareConfigurationException(properties.getCluster(), java.util.List.of(
                    new InvalidReplicawareConfigurationException.Problem("replicaware.web.consistency-token",
                            "http-session needs spring-web (a Spring MVC application); it is not on the classpath")));
        }
        return true;
    }

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean(DataSource.class)
    ReplicaAwareDataSource dataSource(ReplicawareProperties properties) {
        SpringReplicaAwareDataSource dataSource = new SpringReplicaAwareDataSource(ClusterConfigFactory.create(properties),
                sessionTokens(properties));
        dataSource.setLateReadOnlyListener(new LateReadOnlyWarning());
        return dataSource;
    }

    @Bean
    @Role(BeanDefinition.ROLE_INFRASTRUCTURE)
    @ConditionalOnMissingBean(name = "replicawareReadConsistencyAdvisor")
    static Advisor replicawareReadConsistencyAdvisor(ObjectProvider<ReplicaAwareDataSource> dataSources) {
        DefaultPointcutAdvisor advisor = new DefaultPointcutAdvisor(new ReadConsistencyPointcut(),
                new ReadConsistencyInterceptor(dataSources));
        advisor.setOrder(READ_CONSISTENCY_ORDER);
        return advisor;
    }
}
