package dev.replicaware.testkit.explore;

import java.util.List;

/**
 * What one schedule did and which invariants it broke.
 *
 * @param schedule           the faults, with the seed that replays them
 * @param timeline           what happened, in order, each line with its time from the start of the fault span
 * @param violations         empty when every invariant held
 * @param writeUnavailableMs the longest time an instance acknowledged no short write, from the start of the faults
 *                           to the end of the load
 * @param acknowledgedWrites writes whose commit returned
 * @param durationMs         the whole schedule, cluster start and checks included
 */
public record ScheduleResult(FaultSchedule schedule, List<String> timeline, List<Violation> violations, long writeUnavailableMs,
                             int acknowledgedWrites, long durationMs) {

    public ScheduleResult {
        timeline = List.copyOf(timeline);
        violations = List.copyOf(violations);
    }

    public long seed() {
        return schedule.seed();
    }

    public boolean passed() {
        return violations.isEmpty();
    }

    /** The seed, the schedule, the violations and the timeline: what a failure message shows. */
    public String report() {
        StringBuilder b = new StringBuilder(schedule.timeline());
        b.append("\nviolations: ").append(violations.isEmpty() ? "none" : "");
        violations.forEach(v -> b.append("\n  ").append(v));
        b.append("\nwrite unavailability ").append(writeUnavailableMs).append(" ms, ").append(acknowledgedWrites)
                .append(" acknowledged writes, ").append(durationMs).append(" ms in all\ntimeline:");
        timeline.forEach(line -> b.append("\n  ").append(line));
        b.append("\nreplay: the same seed (").append(schedule.seed()).append(") with the same settings");
        return b.toString();
    }
}
