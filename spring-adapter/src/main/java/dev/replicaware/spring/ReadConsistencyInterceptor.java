package dev.replicaware.spring;

import dev.replicaware.ReadConsistency;
import dev.replicaware.ReplicaAwareConnection;
import dev.replicaware.ReplicaAwareDataSource;

import java.lang.reflect.Method;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.jdbc.datasource.ConnectionHolder;
import org.springframework.transaction.IllegalTransactionStateException;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Applies {@link dev.replicaware.spring.ReadConsistency @ReadConsistency} and {@link ReadFromPrimary @ReadFromPrimary}.
 * For the duration of the method the consistency is this thread's: connections the auto-configured DataSource hands
 * out meanwhile carry it, so a transaction the method starts (before or after this interceptor runs) is routed by it.
 * A transaction already bound to the thread whose connection has not run a statement yet is switched too; one that
 * has already read from a replica cannot move, and that is an error naming the method.
 */
final class ReadConsistencyInterceptor implements MethodInterceptor {
    private final ObjectProvider<ReplicaAwareDataSource> dataSources;
    private final Map<Method, Optional<ReadConsistency>> byMethod = new ConcurrentHashMap<>();

    ReadConsistencyInterceptor(ObjectProvider<ReplicaAwareDataSource> dataSources) {
        this.dataSources = dataSources;
    }

    @Override
    public Object invoke(MethodInvocation invocation) throws Throwable {
        Class<?> targetClass = invocation.getThis() == null ? invocation.getMethod().getDeclaringClass()
                : AopUtils.getTargetClass(invocation.getThis());
        Method method = AopUtils.getMostSpecificMethod(invocation.getMethod(), targetClass);
        Optional<ReadConsistency> declared = byMethod.computeIfAbsent(method, m -> consistencyOf(m, targetClass));
        if (declared.isEmpty()) {
            return invocation.proceed();
        }
        ReadConsistency consistency = declared.get();
        ReadConsistency previous = ReadConsistencyContext.replace(consistency);
        ReplicaAwareConnection bound = boundConnection();
        ReadConsistency boundBefore = bound == null ? null : bound.getReadConsistency();
        try {
            if (bound != null && !consistency.equals(boundBefore)) {
                try {
                    bound.setReadConsistency(consistency);
                } catch (SQLException e) {
                    throw new IllegalTransactionStateException(method.getDeclaringClass().getSimpleName() + "." + method.getName()
                            + " asks for read consistency " + consistency + " but joins a transaction that has already read on node '"
                            + bound.servingNode().orElse("?") + "'; start a new transaction for it (Propagation.REQUIRES_NEW) "
                            + "or annotate the method that starts the transaction", e);
                }
            }
            return invocation.proceed();
        } finally {
            ReadConsistencyContext.replace(previous);
            if (bound != null && !consistency.equals(boundBefore) && !bound.isClosed()) {
                try {
                    bound.setReadConsistency(boundBefore);
                } catch (SQLException e) {
                    // Still inside the outer transaction: it keeps this consistency until it ends, which only matters at a boundary.
                }
            }
        }
    }

    /** The Replicaware connection of the transaction bound to this thread, if any. Takes no physical connection. */
    private ReplicaAwareConnection boundConnection() throws SQLException {
        if (!TransactionSynchronizationManager.isActualTransactionActive()) {
            return null;
        }
        ReplicaAwareDataSource dataSource = dataSources.getIfUnique();
        if (dataSource == null) {
            return null;
        }
        Object resource = TransactionSynchronizationManager.getResource(dataSource);
        if (!(resource instanceof ConnectionHolder holder) || holder.getConnectionHandle() == null) {
            return null;
        }
        Connection connection = holder.getConnection();
        return connection.isWrapperFor(ReplicaAwareConnection.class) ? connection.unwrap(ReplicaAwareConnection.class) : null;
    }

    /**
     * The consistency the method's annotation asks for, else its class's; empty without either.
     *
     * @throws IllegalStateException when an annotation is malformed, naming the method
     */
    static Optional<ReadConsistency> consistencyOf(Method method, Class<?> targetClass) {
        ReadConsistency own = declared(method, method.getDeclaringClass().getName() + "." + method.getName());
        if (own != null) {
            return Optional.of(own);
        }
        return Optional.ofNullable(declared(targetClass, targetClass.getName()));
    }

    private static ReadConsistency declared(java.lang.reflect.AnnotatedElement element, String where) {
        boolean primary = AnnotatedElementUtils.hasAnnotation(element, ReadFromPrimary.class);
        dev.replicaware.spring.ReadConsistency annotation =
                AnnotatedElementUtils.findMergedAnnotation(element, dev.replicaware.spring.ReadConsistency.class);
        if (primary && annotation != null) {
            throw new IllegalStateException(where + " has both @ReadFromPrimary and @ReadConsistency; keep one");
        }
        if (primary) {
            return ReadConsistency.PRIMARY;
        }
        if (annotation == null) {
            return null;
        }
        String staleness = annotation.maxStaleness().trim();
        if (staleness.isEmpty()) {
            return ReadConsistency.ANY;
        }
        Duration bound;
        try {
            bound = DurationStyle.detectAndParse(staleness);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("@ReadConsistency(maxStaleness = \"" + staleness + "\") on " + where
                    + " is not a duration; expected e.g. 500ms, 2s or PT2S", e);
        }
        if (bound.isNegative()) {
            throw new IllegalStateException("@ReadConsistency(maxStaleness = \"" + staleness + "\") on " + where
                    + " must not be negative");
        }
        return ReadConsistency.boundedStaleness(bound);
    }
}
