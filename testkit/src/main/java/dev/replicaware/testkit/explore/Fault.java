package dev.replicaware.testkit.explore;

import java.util.Locale;

/**
 * One step of a {@link FaultSchedule}. Nodes are named by role, resolved from the servers when the fault starts, since
 * roles change during a schedule.
 *
 * @param atMillis       when the fault starts, from the start of the schedule's fault span
 * @param kind           what happens
 * @param target         {@link #PRIMARY} (the node that takes writes when the fault starts) or the index of a
 *                       replica among the running replicas sorted by name (taken modulo their number)
 * @param instance       the application instance it concerns ({@link FaultKind#PARTITION_APP}, switchover, reload,
 *                       restart), or {@link #ALL_INSTANCES}; unused otherwise
 * @param durationMillis how long the fault lasts before it heals by itself; 0 for {@link FaultKind#KILL} (healed
 *                       at the end of the span) and for the instant kinds
 * @param amountMillis   the apply delay of {@link FaultKind#APPLY_DELAY}; 0 otherwise
 */
public record Fault(long atMillis, FaultKind kind, int target, int instance, long durationMillis, long amountMillis) {
    /** {@link #target()}: the current primary. */
    public static final int PRIMARY = -1;
    /** {@link #instance()}: every application instance. */
    public static final int ALL_INSTANCES = -1;

    /** One line of a timeline: {@code +3.200s PAUSE primary for 4.100s}. */
    public String describe() {
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "+%.3fs %s", atMillis / 1000.0, kind));
        if (kind != FaultKind.RELOAD && kind != FaultKind.RESTART_INSTANCE) {
            b.append(' ').append(target == PRIMARY ? "primary" : "replica#" + target);
        }
        if (kind == FaultKind.PARTITION_APP || kind.actsOnInstance()) {
            b.append(instance == ALL_INSTANCES ? " from every instance" : " instance " + instance);
        }
        if (amountMillis > 0) {
            b.append(String.format(Locale.ROOT, " delay %.3fs", amountMillis / 1000.0));
        }
        if (durationMillis > 0) {
            b.append(String.format(Locale.ROOT, " for %.3fs", durationMillis / 1000.0));
        }
        return b.toString();
    }
}
