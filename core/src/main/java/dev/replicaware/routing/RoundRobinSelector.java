package dev.replicaware.routing;

import dev.replicaware.topology.Node;

import java.util.List;
import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * Each eligible replica in turn. The turn counts among the eligible ones only, so that with one replica of three
 * excluded the other two still share evenly (passing an excluded one's turn to its neighbour would give it double).
 */
final class RoundRobinSelector implements ReplicaSelector {
    // The turn counter is striped by thread: one shared counter is written by every read of every thread, and its
    // cache line moving between cores was the read path's largest cost at 8 threads. Each stripe sits on its own
    // 64-byte line and starts at its own offset; one thread always uses the same stripe, so it goes round in turn.
    private static final int STRIPES = 16; // a power of two
    private static final int INTS_PER_LINE = 16;
    private final AtomicIntegerArray turns = new AtomicIntegerArray(STRIPES * INTS_PER_LINE);

    @Override
    public int select(List<Node> replicas, long excluded) {
        int count = replicas.size();
        int eligible = count - Long.bitCount(excluded & (count == 64 ? -1L : (1L << count) - 1));
        if (eligible <= 0) {
            return -1;
        }
        int stripe = (int) Thread.currentThread().getId() & (STRIPES - 1);
        int turn = ((turns.getAndIncrement(stripe * INTS_PER_LINE) + stripe) & Integer.MAX_VALUE) % eligible;
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
