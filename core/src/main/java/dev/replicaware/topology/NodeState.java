package dev.replicaware.topology;

import java.util.EnumSet;
import java.util.Set;

/**
 * The health of one node as the monitor sees it. The allowed transitions are listed here and nowhere else;
 * anything else is a bug, reported naming both states.
 */
public enum NodeState {
    /** Reachable and, for a replica, within the lag bound. */
    UP,
    /** A reachable replica further behind than {@code routing.maxLag}: reads skip it until it catches up. */
    LAGGING,
    /** Failed {@code health.failuresBeforeDown} probes in a row: nothing is routed to it. */
    DOWN,
    /** A former primary after a failover: never routed to again, whatever it claims, until it is rebuilt or rejoined. */
    FENCED;

    private Set<NodeState> next() {
        return switch (this) {
            case UP -> EnumSet.of(LAGGING, DOWN, FENCED);
            case LAGGING -> EnumSet.of(UP, DOWN, FENCED);
            case DOWN -> EnumSet.of(UP, LAGGING, FENCED);
            case FENCED -> EnumSet.of(DOWN); // unfenced after a rejoin: it earns UP from its probes
        };
    }

    /** {@code to}, if this state may become it; staying is always allowed. */
    NodeState moveTo(NodeState to) {
        if (to != this && !next().contains(to)) {
            throw new IllegalStateException("A node cannot go from " + this + " to " + to);
        }
        return to;
    }

    /** Reads may be routed here (lag permitting). */
    public boolean serves() {
        return this == UP || this == LAGGING;
    }
}
