package dev.replicaware.failover;

import java.time.Duration;

/**
 * What this DataSource's failover coordinator has done since start, for the metrics binder
 * ({@code replicaware.failovers}, {@code replicaware.failover.duration}) and for operators.
 *
 * @param started      failover episodes begun (the primary was lost and this instance began to act)
 * @param completed    promotions this instance carried out (failovers and switchovers)
 * @param refused      times this instance decided not to promote, each distinct reason once per episode
 * @param totalDuration the sum of the completed ones' durations (detection, or the switchover's start, to the new primary published)
 * @param lastDuration  the latest completed one's duration; {@link Duration#ZERO} before any
 * @param lastOutcome   the latest event's text (what was promoted, or why not); null before any
 */
public record FailoverStats(long started, long completed, long refused, Duration totalDuration, Duration lastDuration,
                            String lastOutcome) {
}
