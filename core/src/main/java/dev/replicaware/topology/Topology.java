package dev.replicaware.topology;

import dev.replicaware.dialect.Role;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Internal: an immutable snapshot of a cluster's nodes as routing sees them, rebuilt by the monitor whenever what it
 * sees changes and published through a {@link TopologyHolder}; the request path reads whichever is current without
 * locking. Roles are the observed ones: after a promotion, routing follows what the servers say.
 */
public final class Topology {
    private final String cluster;
    private final List<Node> nodes;
    private final List<Node> primaries;
    private final List<Node> replicas;

    /** The topology as configured, before the monitor has spoken: the configured primary takes writes. */
    public Topology(String cluster, Node primary, List<Node> replicas) {
        this(cluster, concat(primary, replicas), List.of(primary), replicas);
    }

    private Topology(String cluster, List<Node> nodes, List<Node> primaries, List<Node> replicas) {
        this.cluster = cluster;
        this.nodes = List.copyOf(nodes);
        this.primaries = List.copyOf(primaries);
        this.replicas = List.copyOf(replicas);
    }

    /**
     * The topology the nodes' current {@link Node#status() statuses} describe: every reachable, unfenced node that says
     * it is primary is a primary (more than one is a split brain: writes fail closed); every node that says it is a
     * replica, whatever its health, is a replica, the router deciding per request which of them may serve.
     */
    public static Topology observed(String cluster, List<Node> nodes) {
        return observed(cluster, nodes, node -> true);
    }

    /**
     * As {@link #observed(String, List)}, leaving out of the replicas those {@code readable} refuses (Patroni's
     * noloadbalance). A node that answered its last probe as primary but is not UP yet (a node back from DOWN waits
     * {@code health.successesBeforeUp} probes) takes no write itself, yet counts against a serving primary as a split
     * brain: it is writable and reachable. The explorer's postgres seed 82: one instance saw the killed old primary back
     * UP while the replica another instance had promoted answered as primary but was still DOWN to it, and wrote to the
     * old primary, which acknowledged 358 writes the new one never got.
     */
    public static Topology observed(String cluster, List<Node> nodes, java.util.function.Predicate<String> readable) {
        List<Node> primaries = new ArrayList<>(1);
        List<Node> claimants = null;
        List<Node> replicas = new ArrayList<>(nodes.size());
        for (Node n : nodes) {
            NodeStatus s = n.status();
            if (s.role() == Role.PRIMARY && s.state().serves()) {
                primaries.add(n);
            } else if (s.role() == Role.PRIMARY && s.state() == NodeState.DOWN && s.lastProbe() != null && s.lastError() == null) {
                if (claimants == null) {
                    claimants = new ArrayList<>(1);
                }
                claimants.add(n);
            } else if (s.role() == Role.REPLICA && readable.test(n.name())) {
                replicas.add(n);
            }
        }
        if (claimants != null && !primaries.isEmpty()) {
            primaries.addAll(claimants); // two answer as primary: writes fail closed until one is demoted or fenced
        }
        return new Topology(cluster, nodes, primaries, replicas);
    }

    /** This topology with no node taking writes: new writes wait (a switchover holds them). */
    public Topology withoutPrimaries() {
        return new Topology(cluster, nodes, List.of(), replicas);
    }

    /** This topology with {@code name} taking no writes (a lost primary being replaced): writes wait for another. */
    public Topology withoutPrimary(String name) {
        if (primaries.stream().noneMatch(n -> n.name().equals(name))) {
            return this;
        }
        return new Topology(cluster, nodes, primaries.stream().filter(n -> !n.name().equals(name)).toList(), replicas);
    }

    private static List<Node> concat(Node primary, List<Node> replicas) {
        List<Node> all = new ArrayList<>(replicas.size() + 1);
        all.add(primary);
        all.addAll(replicas);
        return all;
    }

    public String cluster() {
        return cluster;
    }

    /** The one node that takes writes, or null when there is none or more than one (see {@link #primaries()}). */
    public Node primary() {
        return primaries.size() == 1 ? primaries.get(0) : null;
    }

    /** Every node that takes writes now: normally one; none while there is no primary; two or more in a split brain. */
    public List<Node> primaries() {
        return primaries;
    }

    /** The nodes that say they are replicas, in configured order, whatever their health. */
    public List<Node> replicas() {
        return replicas;
    }

    /** Every configured node, in configured order. */
    public List<Node> nodes() {
        return nodes;
    }

    /** The node of that name. */
    public Optional<Node> node(String name) {
        return nodes.stream().filter(n -> n.name().equals(name)).findFirst();
    }

    @Override
    public String toString() {
        return "Topology[" + cluster + ": primaries=" + primaries.stream().map(Node::name).toList() + ", replicas="
                + replicas.stream().map(Node::name).toList() + "]";
    }
}
