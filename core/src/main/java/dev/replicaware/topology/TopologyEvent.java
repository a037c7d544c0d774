package dev.replicaware.topology;

import java.time.Instant;

/**
 * Something the monitor saw change. Delivered to {@link TopologyListener}s on the monitor's thread, after the new
 * snapshot is published.
 *
 * @param cluster the cluster's name
 * @param node    the node it is about
 * @param type    what happened
 * @param from    the state or role before, as text
 * @param to      the state or role after, as text
 * @param at      when it was seen
 */
public record TopologyEvent(String cluster, String node, Type type, String from, String to, Instant at) {
    public enum Type {
        /** Reachable again after being DOWN. */
        NODE_UP,
        /** Failed enough probes in a row. */
        NODE_DOWN,
        /** The server now reports another role (a promotion, or a demotion). */
        ROLE_CHANGED,
        /** A replica fell further behind than {@code routing.maxLag}. */
        LAG_OVER_THRESHOLD,
        /** A lagging replica caught up. */
        LAG_UNDER_THRESHOLD,
        /** A node was fenced: never routed to again. */
        NODE_FENCED
    }

    @Override
    public String toString() {
        return cluster + "/" + node + " " + type + " (" + from + " -> " + to + ")";
    }
}
