package dev.replicaware.topology;

import dev.replicaware.dialect.Role;
import java.util.List;
import java.util.Optional;

/**
 * What {@code dataSource.topology()} returns: every node as the monitor last saw it, in configured order. Immutable;
 * no secret in it.
 *
 * @param cluster the cluster's name
 * @param nodes   each node's role, state, lag, last probe and last error
 */
public record TopologySnapshot(String cluster, List<NodeStatus> nodes) {
    public TopologySnapshot {
        nodes = List.copyOf(nodes);
    }

    /** The node of that name. */
    public Optional<NodeStatus> node(String name) {
        return nodes.stream().filter(n -> n.name().equals(name)).findFirst();
    }

    /** The nodes that take writes now: one when healthy, none during a failover, more in a split brain. */
    public List<NodeStatus> primaries() {
        return nodes.stream().filter(n -> n.role() == Role.PRIMARY && n.state().serves()).toList();
    }

    /** The nodes that say they are replicas. */
    public List<NodeStatus> replicas() {
        return nodes.stream().filter(n -> n.role() == Role.REPLICA).toList();
    }
}
