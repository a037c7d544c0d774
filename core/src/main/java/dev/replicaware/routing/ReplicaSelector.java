package dev.replicaware.routing;

import dev.replicaware.config.RoutingConfig;
import dev.replicaware.topology.Node;

import java.util.List;

/**
 * Chooses the replica for a read among those still eligible. Called on the request path: no locks, no allocation.
 * Implementations must be thread-safe. The topology issue adds lowest-lag through this same interface.
 */
public interface ReplicaSelector {

    /**
     * The index in {@code replicas} of the replica to try, or -1 when every one is excluded.
     *
     * @param replicas the replicas of the current topology (at most 64)
     * @param excluded bit {@code i} set means {@code replicas.get(i)} must not be chosen: it failed just now or is backing off
     */
    int select(List<Node> replicas, long excluded);

    /** The selector that implements {@code strategy}. */
    static ReplicaSelector of(RoutingConfig.Strategy strategy) {
        return switch (strategy) {
            case ROUND_ROBIN -> new RoundRobinSelector();
            case RANDOM -> new RandomSelector();
            case LEAST_ACTIVE -> new LeastActiveSelector();
            case WEIGHTED -> new WeightedSelector();
            case LOWEST_LAG -> new LowestLagSelector();
            case THREAD_AFFINITY -> new ThreadAffinitySelector();
        };
    }

    /** True when bit {@code index} of {@code excluded} is clear. */
    static boolean eligible(long excluded, int index) {
        return (excluded & (1L << index)) == 0;
    }

    /** The first eligible index at or after {@code start}, wrapping around; -1 when none is. */
    static int firstEligibleFrom(int start, int count, long excluded) {
        for (int i = 0; i < count; i++) {
            int candidate = start + i < count ? start + i : start + i - count;
            if (eligible(excluded, candidate)) {
                return candidate;
            }
        }
        return -1;
    }
}
