package dev.replicaware.testkit.explore;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * A seeded list of faults over a span of time: the same seed and settings give the same schedule, in any JVM, so a
 * failing schedule is replayed from its seed.
 *
 * @param seed       what the schedule was drawn from
 * @param spanMillis how long faults are injected; every fault still in effect heals at its end
 * @param faults     ordered by start
 */
public record FaultSchedule(long seed, long spanMillis, List<Fault> faults) {

    public FaultSchedule {
        faults = List.copyOf(faults);
    }

    /**
     * Draws a schedule from {@code seed}: 1 to {@code maxFaults} faults of the given kinds, each starting within the
     * first {@code spanMillis} less one second.
     *
     * @param replicas  how many replicas the cluster has (targets are drawn among them and the primary)
     * @param instances how many application instances run
     */
    public static FaultSchedule generate(long seed, Set<FaultKind> kinds, int maxFaults, long spanMillis, int replicas, int instances) {
        if (kinds.isEmpty()) {
            throw new IllegalArgumentException("kinds must name at least one fault kind, but was empty");
        }
        if (maxFaults < 1) {
            throw new IllegalArgumentException("maxFaults must be at least 1, but was " + maxFaults);
        }
        if (spanMillis < 2_000) {
            throw new IllegalArgumentException("spanMillis must be at least 2000, but was " + spanMillis);
        }
        if (replicas < 1 || instances < 1) {
            throw new IllegalArgumentException("replicas and instances must be at least 1, but were " + replicas + " and " + instances);
        }
        // java.util.Random's sequence is specified by its Javadoc: the same in every JVM and version. Its first draws
        // from neighbouring seeds (1, 2, 3...) are alike, so the seed is scrambled first (MurmurHash3's finalizer).
        Random rnd = new Random(scramble(seed));
        List<FaultKind> pool = new ArrayList<>(EnumSet.copyOf(kinds)); // enum order, whatever order the set iterates in
        int count = 1 + rnd.nextInt(maxFaults);
        List<Fault> faults = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            FaultKind kind = pool.get(rnd.nextInt(pool.size()));
            long at = rnd.nextInt((int) (spanMillis - 1_000));
            long left = spanMillis - at;
            int anyReplica = rnd.nextInt(replicas);
            int nodeTarget = rnd.nextInt(10) < 6 ? Fault.PRIMARY : anyReplica;
            int instance = rnd.nextInt(instances);
            faults.add(switch (kind) {
                case KILL -> new Fault(at, kind, nodeTarget, Fault.ALL_INSTANCES, 0, 0);
                case PAUSE -> new Fault(at, kind, nodeTarget, Fault.ALL_INSTANCES, between(rnd, 1_000, 8_000, left), 0);
                case CRASH_RESTART -> new Fault(at, kind, nodeTarget, Fault.ALL_INSTANCES, between(rnd, 500, 6_000, left), 0);
                case PARTITION_APP -> new Fault(at, kind, nodeTarget, rnd.nextBoolean() ? Fault.ALL_INSTANCES : instance,
                        between(rnd, 1_000, 8_000, left), 0);
                case PARTITION_REPLICATION -> new Fault(at, kind, Fault.PRIMARY, Fault.ALL_INSTANCES, between(rnd, 1_000, 8_000, left), 0);
                case APPLY_DELAY -> new Fault(at, kind, anyReplica, Fault.ALL_INSTANCES, between(rnd, 2_000, 8_000, left),
                        between(rnd, 1_000, 3_000, Long.MAX_VALUE));
                case SWITCHOVER -> new Fault(at, kind, anyReplica, instance, 0, 0);
                case RELOAD, RESTART_INSTANCE -> new Fault(at, kind, Fault.PRIMARY, instance, 0, 0);
            });
        }
        faults.sort(Comparator.comparingLong(Fault::atMillis));
        return new FaultSchedule(seed, spanMillis, faults);
    }

    private static long scramble(long seed) {
        long z = seed;
        z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
        z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
        return z ^ (z >>> 33);
    }

    /** A uniform draw in [min, max], at most {@code cap}; always drawn, so that later draws do not depend on the cap. */
    private static long between(Random rnd, long min, long max, long cap) {
        long v = min + rnd.nextInt((int) (max - min + 1));
        return Math.min(v, Math.max(cap, 1));
    }

    /** The schedule, one fault per line, headed by its seed. */
    public String timeline() {
        StringBuilder b = new StringBuilder("seed ").append(seed).append(", faults over ").append(spanMillis).append(" ms:");
        for (Fault f : faults) {
            b.append("\n  ").append(f.describe());
        }
        return b.toString();
    }
}
