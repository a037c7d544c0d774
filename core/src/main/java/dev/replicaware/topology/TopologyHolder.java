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
    }
}
