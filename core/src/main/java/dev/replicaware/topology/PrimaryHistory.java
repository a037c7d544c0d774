package dev.replicaware.topology;

/**
 * The monitor's own samples of the primary's write position over time, so that a replica's lag can be told in time
 * without trusting clocks or replay timestamps: a replica at position {@code p} is as stale as the time since the
 * primary was at {@code p}. An idle primary does not move, so a replica that replayed everything shows zero lag
 * (the {@code now() - pg_last_xact_replay_timestamp()} trap does not apply).
 *
 * <p>Written by the monitor after each primary probe, read after each replica probe; never on the request path.
 */
final class PrimaryHistory {
    private final long[] nanos;
    private final long[] positions;
    private int size;
    private int next;

    PrimaryHistory(int capacity) {
        if (capacity < 2) {
            throw new IllegalArgumentException("capacity must be at least 2, but was " + capacity);
        }
        nanos = new long[capacity];
        positions = new long[capacity];
    }

    /** Records the primary at {@code position} at {@code atNanos}; a position going backwards means a new primary, so forget the old. */
    synchronized void record(long atNanos, long position) {
        if (size > 0 && position < positions[index(size - 1)]) {
            size = 0;
            next = 0;
        }
        nanos[next] = atNanos;
        positions[next] = position;
        next = (next + 1) % nanos.length;
        size = Math.min(size + 1, nanos.length);
    }

    synchronized void clear() {
        size = 0;
        next = 0;
    }

    /** When the newest position was recorded ({@link System#nanoTime()}), or 0 when there is none. */
    synchronized long latestNanos() {
        return size == 0 ? 0 : nanos[index(size - 1)];
    }

    /** The newest recorded position, or -1 when there is none. */
    synchronized long latestPosition() {
        return size == 0 ? -1 : positions[index(size - 1)];
    }

    /**
     * Seconds since the primary was at {@code replayed}, seen from a replica probe at {@code observedAtNanos};
     * NaN when there are no samples. Between two samples the moment is interpolated by position, which is exact under
     * a steady write rate and off by at most one probe interval otherwise. A replica older than every sample gets a
     * lower bound: the age of the oldest sample.
     */
    synchronized double lagSeconds(long replayed, long observedAtNanos) {
        if (size == 0) {
            return Double.NaN;
        }
        if (replayed >= positions[index(size - 1)]) {
            return 0;
        }
        // newest sample at or below the replica's position
        int a = -1;
        for (int i = size - 1; i >= 0; i--) {
            if (positions[index(i)] <= replayed) {
                a = i;
                break;
            }
        }
        if (a < 0) {
            return seconds(observedAtNanos - nanos[index(0)]);
        }
        int b = a + 1; // exists: the newest sample is above the replica
        long pa = positions[index(a)];
        long pb = positions[index(b)];
        long ta = nanos[index(a)];
        long tb = nanos[index(b)];
        double reachedAt = ta + (double) (replayed - pa) / (pb - pa) * (tb - ta);
        return Math.max(0, (observedAtNanos - reachedAt) / 1e9);
    }

    private int index(int i) {
        return Math.floorMod(next - size + i, nanos.length);
    }

    private static double seconds(long nanos) {
        return Math.max(0, nanos / 1e9);
    }
}
