package dev.replicaware.failover;

import java.util.Comparator;
import java.util.List;

/**
 * Which replica to promote: a pure function, so that every application instance, given the same answers from the
 * servers, picks the same one.
 */
final class Candidates {
    private Candidates() {}

    /**
     * A replica as it answered just now.
     *
     * @param name     its configured name
     * @param received how far it has received the lost primary's changes (in the dialect's position unit)
     * @param priority its configured failover priority: higher is preferred among equals
     */
    record Replica(String name, long received, int priority) {}

    /**
     * The replica to promote, or null with the reason none may be; {@code behind}: how far the candidate is behind the
     * freshest position known (-1 when refused before it could be told).
     */
    record Choice(Replica candidate, String refusal, long behind) {
        static Choice refused(String why) {
            return new Choice(null, why, -1);
        }
    }

    /** Highest received position first; ties by higher priority, then by name. */
    static final Comparator<Replica> PREFERENCE = Comparator.comparingLong(Replica::received).reversed()
            .thenComparing(Comparator.comparingInt(Replica::priority).reversed())
            .thenComparing(Replica::name);

    /**
     * The best of {@code reachable}, refused when it is further behind the freshest position known than
     * {@code maxLag}: the lost primary's last sample, or a replica's received position when one got further (the
     * sample is up to a probe interval old). What the primary acknowledged after both is unknown to anyone: the
     * real loss bound is {@code maxLag} plus that (see docs/failover.md).
     *
     * @param lastPrimaryPosition the newest position the monitor saw on the lost primary; -1 when unknown
     * @param unit                the position unit, for the refusal's message
     */
    static Choice choose(List<Replica> reachable, long lastPrimaryPosition, long maxLag, String unit) {
        if (reachable.isEmpty()) {
            return Choice.refused("no replica is reachable");
        }
        Replica best = reachable.stream().min(PREFERENCE).orElseThrow();
        if (lastPrimaryPosition < 0) {
            return Choice.refused("the lost primary's last position is unknown, so the lag of candidate " + best.name()
                    + " cannot be bounded by failover.maxLagOnFailover");
        }
        long freshest = Math.max(lastPrimaryPosition, reachable.stream().mapToLong(Replica::received).max().orElse(-1));
        long behind = freshest - best.received();
        if (behind > maxLag) {
            return Choice.refused("the best candidate " + best.name() + " is " + behind + " " + unit
                    + " behind the lost primary's last known position, more than failover.maxLagOnFailover (" + maxLag + " " + unit
                    + "); promoting it would lose those changes");
        }
        return new Choice(best, null, behind);
    }
}
