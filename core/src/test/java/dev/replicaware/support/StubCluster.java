package dev.replicaware.support;

import dev.replicaware.ReplicaAwareDataSource;
import dev.replicaware.config.ClusterConfig;
import dev.replicaware.config.NodeConfig;
import dev.replicaware.testkit.stub.StubDriver;
import dev.replicaware.testkit.stub.StubServer;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/** A primary and replicas on the stub driver, with server names unique to each use. */
public final class StubCluster implements AutoCloseable {
    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    public final StubServer primary;
    public final StubServer[] replicas;
    public final ReplicaAwareDataSource dataSource;

    private StubCluster(int replicaCount, int[] weights, Consumer<ClusterConfig.Builder> customizer) {
        StubDriver.register();
        String prefix = "c" + SEQUENCE.incrementAndGet() + "-";
        primary = StubServer.named(prefix + "primary");
        replicas = new StubServer[replicaCount];
        ClusterConfig.Builder builder = ClusterConfig.builder("stub")
                .primary(NodeConfig.of("primary", primary.url()))
                .username("app").password("app-secret")
                .pool(Map.of("maximumPoolSize", "2", "minimumIdle", "0"));
        for (int i = 0; i < replicaCount; i++) {
            replicas[i] = StubServer.named(prefix + "replica" + (i + 1));
            builder.replica(new NodeConfig("replica" + (i + 1), replicas[i].url(), null, null,
                    Map.of("connectionTimeout", "250"), weights == null ? NodeConfig.DEFAULT_WEIGHT : weights[i]));
        }
        customizer.accept(builder);
        dataSource = new ReplicaAwareDataSource(builder.build());
    }

    public static StubCluster start(int replicas) {
        return new StubCluster(replicas, null, b -> { });
    }

    /** Replicas with these weights, and the weighted strategy. */
    public static StubCluster weighted(int... weights) {
        return new StubCluster(weights.length, weights, b -> b.strategy("weighted"));
    }

    public static StubCluster start(int replicas, Consumer<ClusterConfig.Builder> customizer) {
        return new StubCluster(replicas, null, customizer);
    }

    /** The name of the stub server that runs a query on {@code c}. */
    public static String servedBy(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT server")) {
            rs.next();
            return rs.getString(1);
        }
    }

    @Override
    public void close() {
        dataSource.close();
    }
}
