package dev.replicaware.routing;

import dev.replicaware.topology.Node;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/** A uniformly random replica; an excluded one passes to the next. */
final class RandomSelector implements ReplicaSelector {

    @Override
    public int select(List<Node> replicas, long excluded) {
        int count = replicas.size();
        if (count == 0) {
            return -1;
        }
        return ReplicaSelector.firstEligibleFrom(ThreadLocalRandom.current().nextInt(count), count, excluded);
    }

    @Override
    public String toString() {
        return "random";
    }
}
