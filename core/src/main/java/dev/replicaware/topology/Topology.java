package dev.replicaware.topology;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * An immutable snapshot of a cluster's nodes as routing sees them: one primary and the replicas, in configured order.
 * Published through a {@link TopologyHolder}; the topology monitor will publish new snapshots carrying health, lag and
 * observed roles, and the request path reads whichever is current without locking.
 */
public final class Topology {
    private final String cluster;
    private final Node primary;
    private final List<Node> replicas;
    private final List<Node> nodes;

    public Topology(String cluster, Node primary, List<Node> replicas) {
        this.cluster = cluster;
        this.primary = primary;
        this.replicas = List.copyOf(replicas);
        List<Node> all = new ArrayList<>(replicas.size() + 1);
        all.add(primary);
        all.addAll(replicas);
        this.nodes = List.copyOf(all);
    }

    public String cluster() {
        return cluster;
    }

    /** The node that takes writes. */
    public Node primary() {
        return primary;
    }

    /** The nodes that may serve reads, in configured order. */
    public List<Node> replicas() {
        return replicas;
    }

    /** The primary, then the replicas. */
    public List<Node> nodes() {
        return nodes;
    }

    /** The node of that name. */
    public Optional<Node> node(String name) {
        return nodes.stream().filter(n -> n.name().equals(name)).findFirst();
    }

    @Override
    public String toString() {
        return "Topology[" + cluster + ": primary=" + primary.name() + ", replicas="
                + replicas.stream().map(Node::name).toList() + "]";
    }
}
