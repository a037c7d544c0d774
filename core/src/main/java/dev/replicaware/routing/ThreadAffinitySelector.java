package dev.replicaware.routing;

import dev.replicaware.topology.Node;

import java.util.List;

/**
 * Each application thread keeps to one replica, the one its thread id picks, and moves to the next eligible one only
 * while that one is excluded. A worker thread then keeps one server session warm on one replica instead of one on
 * each (round robin alternates every thread's transactions), which is what pools pinned per physical connection
 * (pgjdbc's multi-host URLs) get by accident. The balance is the threads': consecutive ids spread evenly, a handful of
 * busy threads may not. No state, nothing shared, nothing allocated.
 */
final class ThreadAffinitySelector implements ReplicaSelector {

    @Override
    public int select(List<Node> replicas, long excluded) {
        int count = replicas.size();
        if (count == 0) {
            return -1;
        }
        int start = (int) ((Thread.currentThread().getId() & Long.MAX_VALUE) % count);
        return ReplicaSelector.firstEligibleFrom(start, count, excluded);
    }

    @Override
    public String toString() {
        return "thread-affinity";
    }
}
