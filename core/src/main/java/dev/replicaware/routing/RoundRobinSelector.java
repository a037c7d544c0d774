package dev.replicaware.routing;

import dev.replicaware.topology.Node;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** Each replica in turn; an excluded one passes its turn to the next. */
final class RoundRobinSelector implements ReplicaSelector {
    private final AtomicInteger next = new AtomicInteger();

    @Override
    public int select(List<Node> replicas, long excluded) {
        int count = replicas.size();
        if (count == 0) {
            return -1;
        }
        int start = (next.getAndIncrement() & Integer.MAX_VALUE) % count;
        return ReplicaSelector.firstEligibleFrom(start, count, excluded);
    }

    @Override
    public String toString() {
        return "round-robin";
    }
}
