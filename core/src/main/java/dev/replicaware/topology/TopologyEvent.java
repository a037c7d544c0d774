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
 * @param detail  why, for failover and rotation events (the refusal's reason, what was promoted, why a replica left
 *                read rotation); null otherwise
 * @param duration how long a failover took, from detection to the new primary published; null otherwise
 */
public record TopologyEvent(String cluster, String node, Type type, String from, String to, Instant at, String detail,
                            java.time.Duration duration) {

    /** A monitor event: no detail, no duration. */
    public TopologyEvent(String cluster, String node, Type type, String from, String to, Instant at) {
        this(cluster, node, type, from, to, at, null, null);
    }

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
        NODE_FENCED,
        /**
         * A replica left read rotation although it may be up; {@code detail} says why ("backup in progress" held by this
         * instance, "replay paused" seen by the probe, as another instance's backup pauses it).
         */
        OUT_OF_ROTATION,
        /** A replica that was out of read rotation serves reads again (lag permitting). */
        BACK_IN_ROTATION,
        /** The primary was lost and this instance began a failover; {@code node} is the lost primary. */
        FAILOVER_STARTED,
        /** A replica was promoted and published; {@code node} is the new primary, {@code from} the old, with duration. */
        FAILOVER_COMPLETED,
        /** This instance did not promote; {@code detail} says why (replicas still receive, lag, lock, no candidate). */
        FAILOVER_REFUSED,
        /** A configuration reload added this replica (or changed it: removed, then added); it is routed to from now on. */
        NODE_ADDED,
        /** A configuration reload removed this replica (or changed it); nothing is routed to it from now on. */
        NODE_REMOVED
    }

    @Override
    public String toString() {
        return cluster + "/" + node + " " + type + " (" + from + " -> " + to + ")"
                + (detail == null ? "" : ": " + detail) + (duration == null ? "" : " in " + duration.toMillis() + " ms");
    }
}
