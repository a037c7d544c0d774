package dev.replicaware.routing;

import dev.replicaware.topology.Node;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Replicas in proportion to their weights, deterministically: a smooth weighted round-robin schedule (weights 2:1 give
 * {@code A B A}) computed once per topology snapshot, walked by one atomic counter. An excluded replica passes its turn
 * to the next slot of the schedule, so the others keep their proportions.
 */
final class WeightedSelector implements ReplicaSelector {
    private final AtomicLong next = new AtomicLong();
    private volatile Schedule schedule = new Schedule(List.of(), new int[0]);

    @Override
    public int select(List<Node> replicas, long excluded) {
        int count = replicas.size();
        if (count == 0) {
            return -1;
        }
        Schedule s = schedule;
        if (s.replicas != replicas) {
            s = Schedule.of(replicas);
            schedule = s;
        }
        int[] slots = s.slots;
        int start = (int) Long.remainderUnsigned(next.getAndIncrement(), slots.length);
        for (int i = 0; i < slots.length; i++) {
            int slot = start + i < slots.length ? start + i : start + i - slots.length;
            if (ReplicaSelector.eligible(excluded, slots[slot])) {
                return slots[slot];
            }
        }
        return -1;
    }

    @Override
    public String toString() {
        return "weighted";
    }

    /** The replica index for each slot of one cycle; a cycle is as long as the weights' sum. */
    private record Schedule(List<Node> replicas, int[] slots) {
        static Schedule of(List<Node> replicas) {
            int count = replicas.size();
            int total = 0;
            for (Node n : replicas) {
                total += n.weight();
            }
            int[] slots = new int[total];
            int[] current = new int[count];
            for (int slot = 0; slot < total; slot++) {
                int best = 0;
                for (int i = 0; i < count; i++) {
                    current[i] += replicas.get(i).weight();
                    if (current[i] > current[best]) {
                        best = i;
                    }
                }
                current[best] -= total;
                slots[slot] = best;
            }
            return new Schedule(replicas, slots);
        }
    }
}
