package dev.replicaware.routing;

import dev.replicaware.topology.Node;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The replica whose pool has the fewest connections in use, read from HikariCP's pool MXBean. Ties go to a random one
 * among them, so equal replicas share the load instead of the first taking it all.
 */
final class LeastActiveSelector implements ReplicaSelector {

    @Override
    public int select(List<Node> replicas, long excluded) {
        int count = replicas.size();
        if (count == 0) {
            return -1;
        }
        int start = ThreadLocalRandom.current().nextInt(count);
        int best = -1;
        int bestActive = Integer.MAX_VALUE;
        for (int i = 0; i < count; i++) {
            int candidate = start + i < count ? start + i : start + i - count;
            if (ReplicaSelector.eligible(excluded, candidate)) {
                int active = replicas.get(candidate).activeConnections();
                if (active < bestActive) {
                    best = candidate;
                    bestActive = active;
                }
            }
        }
        return best;
    }

    @Override
    public String toString() {
        return "least-active";
    }
}
