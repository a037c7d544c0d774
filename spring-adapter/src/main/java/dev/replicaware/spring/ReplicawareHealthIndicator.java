package dev.replicaware.spring;

import dev.replicaware.ReplicaAwareDataSource;
import dev.replicaware.topology.NodeState;
import dev.replicaware.topology.NodeStatus;
import dev.replicaware.topology.TopologySnapshot;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;

/**
 * The cluster's health as the topology monitor last saw it, with one entry per node (role, state, lag). Reads the
 * snapshot only: no query of its own.
 * <ul>
 *   <li>{@code DOWN}: no writable primary (none reachable, or two that both claim the role);</li>
 *   <li>{@link #DEGRADED}: the primary is fine but a replica is down, lagging or fenced, or there is no replica to read from;</li>
 *   <li>{@code UP}: every node is up.</li>
 * </ul>
 * Spring Boot leaves a custom status out of the aggregate by default, so a lost replica does not turn
 * {@code /actuator/health} DOWN; add {@code DEGRADED} to {@code management.endpoint.health.status.order} to surface it.
 * The auto-configured bean is named {@code replicawareHealthIndicator} (health entry {@code replicaware}); define a
 * bean of that name to replace it.
 */
public class ReplicawareHealthIndicator implements HealthIndicator {

    /** The primary is writable but reads have fewer replicas than configured. */
    public static final Status DEGRADED = new Status("DEGRADED", "A replica is down or lagging; the primary takes writes");

    private final ReplicaAwareDataSource dataSource;

    public ReplicawareHealthIndicator(ReplicaAwareDataSource dataSource) {
        this.dataSource = dataSource;
    }

    @Override
    public Health health() {
        TopologySnapshot topology = dataSource.topology();
        List<NodeStatus> primaries = topology.primaries();
        Health.Builder health;
        if (primaries.size() == 1) {
            boolean allUp = topology.nodes().stream().allMatch(n -> n.state() == NodeState.UP);
            boolean canRead = topology.replicas().stream().anyMatch(n -> n.state() == NodeState.UP);
            health = allUp && (canRead || dataSource.config().replicas().isEmpty()) ? Health.up() : Health.status(DEGRADED);
            health.withDetail("primary", primaries.get(0).name());
        } else {
            health = Health.down().withDetail("error", primaries.isEmpty()
                    ? "no writable primary: writes fail until one is back or promoted"
                    : "no writable primary: " + primaries.size() + " nodes claim the role, writes are refused");
        }
        Map<String, Object> nodes = new LinkedHashMap<>();
        for (NodeStatus node : topology.nodes()) {
            nodes.put(node.name(), NodeView.of(node).asMap());
        }
        return health.withDetail("cluster", topology.cluster()).withDetail("nodes", nodes).build();
    }
}
