package dev.replicaware.spring;

import com.zaxxer.hikari.metrics.micrometer.MicrometerMetricsTrackerFactory;
import dev.replicaware.ReplicaAwareDataSource;
import dev.replicaware.topology.Node;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Binds HikariCP's own pool meters ({@code hikaricp.connections.*}, tag {@code pool=<cluster>-<node>}) of every node
 * to the application's registry. HikariCP takes a metrics tracker once per pool: a pool that already has one keeps it.
 */
final class ReplicawarePoolMetrics implements MeterBinder {
    private static final Log log = LogFactory.getLog(ReplicawarePoolMetrics.class);

    private final ReplicaAwareDataSource dataSource;

    ReplicawarePoolMetrics(ReplicaAwareDataSource dataSource) {
        this.dataSource = dataSource;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        MicrometerMetricsTrackerFactory factory = new MicrometerMetricsTrackerFactory(registry);
        for (Node node : dataSource.routingTopology().nodes()) {
            if (node.pool().getMetricsTrackerFactory() != null || node.pool().getMetricRegistry() != null) {
                log.info("Pool " + node.pool().getPoolName() + " already reports metrics; left as it is");
                continue;
            }
            try {
                node.pool().setMetricsTrackerFactory(factory);
            } catch (RuntimeException e) {
                log.warn("Pool " + node.pool().getPoolName() + " cannot report metrics to the application's registry: " + e.getMessage());
            }
        }
    }
}
