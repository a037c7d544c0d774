package dev.replicaware.topology;

import java.util.Objects;

/**
 * Internal: the one volatile reference through which the current {@link Topology} is published. The request path
 * reads it with {@link #current()}; the topology monitor replaces it with {@link #publish}.
 */
public final class TopologyHolder {
    private volatile Topology current;

    public TopologyHolder(Topology initial) {
        this.current = Objects.requireNonNull(initial);
    }

    public Topology current() {
        return current;
    }

    public void publish(Topology next) {
        current = Objects.requireNonNull(next);
        synchronized (this) {
            notifyAll(); // writes waiting for a primary (the failure path); the request path never takes this lock
        }
    }

    /**
     * Waits until a topology other than {@code seen} is published, at most {@code nanos}; answers the current one.
     * Only for the failure path (a write with no primary), never for the request path.
     */
    public Topology awaitNext(Topology seen, long nanos) throws InterruptedException {
        long deadline = System.nanoTime() + nanos;
        synchronized (this) {
            while (current == seen) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                java.util.concurrent.TimeUnit.NANOSECONDS.timedWait(this, left);
            }
            return current;
        }
    }
}
