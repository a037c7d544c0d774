package dev.replicaware.routing;

import dev.replicaware.topology.Node;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Each eligible replica in turn. The turn counts among the eligible ones only, so that with one replica of three
 * excluded the other two still share evenly (passing an excluded one's turn to its neighbour would give it double).
 */
final class RoundRobinSelector implements ReplicaSelector {
    private final AtomicInteger next = new AtomicInteger();

    @Override
    public int select(List<Node> replicas, long excluded) {
        int count = replicas.size();
        int eligible = count - Long.bitCount(excluded & (count == 64 ? -1L : (1L << count) - 1));
        if (eligible <= 0) {
            return -1;
        }
        int turn = (next.getAndIncrement() & Integer.MAX_VALUE) % eligible;
        for (int i = 0; i < count; i++) {
            if (ReplicaSelector.eligible(excluded, i) && turn-- == 0) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public String toString() {
        return "round-robin";
    }
}
