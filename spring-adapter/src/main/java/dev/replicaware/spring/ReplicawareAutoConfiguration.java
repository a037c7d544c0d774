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

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean(DataSource.class)
    ReplicaAwareDataSource dataSource(ReplicawareProperties properties) {
        SpringReplicaAwareDataSource dataSource = new SpringReplicaAwareDataSource(ClusterConfigFactory.create(properties));
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
