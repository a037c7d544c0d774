package dev.replicaware.testkit.explore;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** What a recorded history says about a schedule: pure functions of the operations and what the servers hold. */
final class HistoryChecker {
    private HistoryChecker() {
    }

    /** Ids of writes whose commit returned. */
    static Set<Long> acknowledged(Collection<Op> ops) {
        Set<Long> ids = new HashSet<>();
        for (Op op : ops) {
            if (op.isWrite() && op.ok()) {
                ids.add(op.id());
            }
        }
        return ids;
    }

    /** Acknowledged ids {@code present} lacks; a violation when more than {@code allowed} of them. */
    static List<Violation> lostWrites(Collection<Op> ops, Set<Long> present, int allowed, String where) {
        TreeSet<Long> lost = new TreeSet<>(acknowledged(ops));
        lost.removeAll(present);
        if (lost.size() <= allowed) {
            return List.of();
        }
        return List.of(new Violation(Violation.Kind.ACKNOWLEDGED_WRITE_LOST, -1, lost.size() + " acknowledged writes missing on " + where
                + " (" + allowed + " allowed), of " + acknowledged(ops).size() + "; first ids " + lost.stream().limit(10).toList()));
    }

    /**
     * Reads that did not find the row they expected, where that row's write was acknowledged by the same DataSource
     * before the read began and was not lost (a lost write is reported as such, not once more as a stale read).
     */
    static List<Violation> staleReads(Collection<Op> ops, Set<Long> lost, long origin) {
        Map<Long, Op> writes = new HashMap<>();
        for (Op op : ops) {
            if (op.isWrite() && op.ok()) {
                writes.put(op.id(), op);
            }
        }
        List<Violation> out = new ArrayList<>();
        for (Op op : ops) {
            if (op.type() != Op.Type.READ || !op.ok() || op.found()) {
                continue;
            }
            Op w = writes.get(op.id());
            if (w == null || lost.contains(op.id()) || w.instance() != op.instance() || w.generation() != op.generation()
                    || w.completed() - op.invoked() > 0) {
                continue;
            }
            out.add(new Violation(Violation.Kind.STALE_READ, millis(op.invoked(), origin), "instance " + op.instance()
                    + " read row " + op.id() + " " + (op.invoked() - w.completed()) / 1_000_000 + " ms after its commit returned"
                    + " on the same DataSource, and did not see it"));
        }
        return out;
    }

    /**
     * For each instance, whether a write invoked at or after {@code healedAt} was acknowledged within {@code boundNanos}
     * of it.
     */
    static List<Violation> writesResumed(Collection<Op> ops, int instances, long healedAt, long boundNanos, long origin) {
        List<Violation> out = new ArrayList<>();
        for (int i = 0; i < instances; i++) {
            long first = firstWriteAfter(ops, i, healedAt);
            if (first < 0 || first - healedAt > boundNanos) {
                out.add(new Violation(Violation.Kind.WRITES_DID_NOT_RESUME, millis(healedAt, origin), "instance " + i
                        + (first < 0 ? " acknowledged no write begun after the faults healed"
                        : " acknowledged its first write begun after the faults healed " + (first - healedAt) / 1_000_000 + " ms later")
                        + "; bound " + boundNanos / 1_000_000 + " ms"));
            }
        }
        return out;
    }

    /** The completion of instance {@code i}'s first acknowledged write invoked at or after {@code from}; -1 if none. */
    static long firstWriteAfter(Collection<Op> ops, int i, long from) {
        long first = -1;
        for (Op op : ops) {
            if (op.instance() == i && op.isWrite() && op.ok() && op.invoked() - from >= 0 && (first < 0 || op.completed() - first < 0)) {
                first = op.completed();
            }
        }
        return first;
    }

    /**
     * The longest time, in ms, any instance went without acknowledging a short write between {@code from} and
     * {@code to}: the write-unavailability window of the schedule.
     */
    static long longestWriteGapMillis(Collection<Op> ops, int instances, long from, long to) {
        long worst = 0;
        for (int i = 0; i < instances; i++) {
            List<Long> acks = new ArrayList<>();
            for (Op op : ops) {
                if (op.instance() == i && op.type() == Op.Type.WRITE && op.ok() && op.completed() - from >= 0 && op.completed() - to <= 0) {
                    acks.add(op.completed());
                }
            }
            acks.sort(null);
            long last = from;
            for (long t : acks) {
                worst = Math.max(worst, t - last);
                last = t;
            }
            worst = Math.max(worst, to - last);
        }
        return worst / 1_000_000;
    }

    static long millis(long nanos, long origin) {
        return (nanos - origin) / 1_000_000;
    }
}
