package dev.replicaware.topology;

import dev.replicaware.dialect.Role;
import java.time.Duration;
import java.time.Instant;

/**
 * One node as the monitor last saw it. Immutable; part of the snapshot {@code dataSource.topology()} returns.
 *
 * @param name            the node's name
 * @param role            the role the server reported (the configured one until it has answered; generic mode: configured)
 * @param state           its health
 * @param lagSeconds      how long ago the primary was where this replica is; 0 for the primary; NaN when unknown
 * @param lagPositions    how far behind the primary, in {@code positionUnit}; -1 when unknown
 * @param positionUnit    {@code bytes} (PostgreSQL WAL), {@code transactions} (GTID) or {@code none}
 * @param receiving       a replica's replication stream is up
 * @param lastProbe       when the last probe ended; null before the first
 * @param lastProbeTime   how long the last probe took
 * @param lastError       why the last probe failed (secrets masked); null after a success
 * @param readPosition    where a read on this node stood at the last answered probe (a primary's write position, a
 *                        replica's replayed one), in {@code positionUnit}; -1 when unknown
 * @param outOfRotation   why this replica serves no reads although it may be up ("backup in progress", "replay
 *                        paused"); null while it is in read rotation
 */
public record NodeStatus(String name, Role role, NodeState state, double lagSeconds, long lagPositions, String positionUnit,
                         boolean receiving, Instant lastProbe, Duration lastProbeTime, String lastError, long readPosition,
                         String outOfRotation) {

    /** A status in read rotation. */
    public NodeStatus(String name, Role role, NodeState state, double lagSeconds, long lagPositions, String positionUnit,
                      boolean receiving, Instant lastProbe, Duration lastProbeTime, String lastError, long readPosition) {
        this(name, role, state, lagSeconds, lagPositions, positionUnit, receiving, lastProbe, lastProbeTime, lastError,
                readPosition, null);
    }

    /** A status whose read position is unknown. */
    public NodeStatus(String name, Role role, NodeState state, double lagSeconds, long lagPositions, String positionUnit,
                      boolean receiving, Instant lastProbe, Duration lastProbeTime, String lastError) {
        this(name, role, state, lagSeconds, lagPositions, positionUnit, receiving, lastProbe, lastProbeTime, lastError, -1);
    }

    /**
     * A replica that is reachable and at most {@code maxLag} behind. An unknown lag qualifies only without a bound,
     * except in generic mode, where no lag can ever be known and the bound does not apply.
     */
    public boolean servesReadsWithin(Duration maxLag) {
        // the request path: decide without building refusal()'s message
        if (role != Role.REPLICA || !state.serves() || outOfRotation != null) {
            return false;
        }
        if (maxLag == null || "none".equals(positionUnit)) {
            return true;
        }
        return !Double.isNaN(lagSeconds) && lagSeconds * 1000 <= maxLag.toMillis();
    }

    /** Why this node may not serve a read within {@code maxLag}, or null when it may. */
    public String refusal(Duration maxLag) {
        if (role != Role.REPLICA) {
            return "it is " + role;
        }
        if (!state.serves()) {
            return state + (lastError == null ? "" : " (" + lastError + ")");
        }
        if (outOfRotation != null) {
            return "out of read rotation: " + outOfRotation;
        }
        if (maxLag == null || "none".equals(positionUnit)) {
            return null;
        }
        if (Double.isNaN(lagSeconds)) {
            return "its lag is unknown and reads are bounded to " + maxLag.toMillis() + " ms";
        }
        if (lagSeconds * 1000 > maxLag.toMillis()) {
            return String.format(java.util.Locale.ROOT, "lag %.3f s exceeds the bound of %.3f s", lagSeconds, maxLag.toMillis() / 1000.0);
        }
        return null;
    }

    NodeStatus withState(NodeState newState) {
        return new NodeStatus(name, role, newState, lagSeconds, lagPositions, positionUnit, receiving, lastProbe, lastProbeTime, lastError,
                readPosition, outOfRotation);
    }

    NodeStatus withOutOfRotation(String reason) {
        return new NodeStatus(name, role, state, lagSeconds, lagPositions, positionUnit, receiving, lastProbe, lastProbeTime, lastError,
                readPosition, reason);
    }

    @Override
    public String toString() {
        return name + "[" + role + " " + state + (Double.isNaN(lagSeconds) ? "" : String.format(" lag=%.3fs", lagSeconds))
                + (outOfRotation == null ? "" : " out of rotation: " + outOfRotation)
                + (lastError == null ? "" : " error=" + lastError) + "]";
    }
}
