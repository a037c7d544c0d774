package dev.replicaware.testkit;

import java.util.Objects;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Shares one cluster among the tests of a class: started before the first test, closed after the last.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final ClusterExtension<PostgresCluster> CLUSTER =
 *         ClusterExtension.of(() -> PostgresCluster.builder().replicas(2).start());
 *
 * @Test
 * void readsOnReplica(PostgresCluster cluster) { ... }   // or CLUSTER.get()
 * }</pre>
 *
 * @param <C> the kind of cluster
 */
public final class ClusterExtension<C extends ReplicatedCluster> implements BeforeAllCallback, AfterAllCallback, ParameterResolver {
    private final Supplier<C> starter;
    private volatile C cluster;

    private ClusterExtension(Supplier<C> starter) {
        this.starter = Objects.requireNonNull(starter, "starter");
    }

    /** An extension that starts its cluster with {@code starter}; register it in a static field. */
    public static <C extends ReplicatedCluster> ClusterExtension<C> of(Supplier<C> starter) {
        return new ClusterExtension<>(starter);
    }

    /** The running cluster. */
    public C get() {
        C c = cluster;
        if (c == null) {
            throw new IllegalStateException("The cluster is not running: register the ClusterExtension in a static field "
                    + "annotated @RegisterExtension, and use it from test methods only");
        }
        return c;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        cluster = starter.get();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        C c = cluster;
        cluster = null;
        if (c != null) {
            c.close();
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return ReplicatedCluster.class.isAssignableFrom(type) && cluster != null && type.isInstance(cluster);
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return get();
    }
}
