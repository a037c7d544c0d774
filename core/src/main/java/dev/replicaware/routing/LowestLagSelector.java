package dev.replicaware.routing;

import dev.replicaware.topology.Node;

import java.util.List;

/**
 * The eligible replica the monitor last saw least behind the primary, in time; ties (most often: several replicas
 * fully caught up) go round-robin, so caught-up replicas share the load.
 */
final class LowestLagSelector implements ReplicaSelector {
    private final RoundRobinSelector tieBreak = new RoundRobinSelector();

    @Override
    public int select(List<Node> replicas, long excluded) {
        double best = Double.MAX_VALUE;
        long notBest = ~0L;
        for (int i = 0; i < replicas.size(); i++) {
            if (!ReplicaSelector.eligible(excluded, i)) {
                continue;
            }
            double lag = replicas.get(i).lagSeconds();
            lag = Double.isNaN(lag) ? Double.MAX_VALUE / 2 : lag;
            if (lag < best) {
                best = lag;
                notBest = ~(1L << i);
            } else if (lag == best) {
                notBest &= ~(1L << i);
            }
        }
        return best == Double.MAX_VALUE ? -1 : tieBreak.select(replicas, notBest | excluded);
    }

    @Override
    public String toString() {
        return "lowest-lag";
    }
}
