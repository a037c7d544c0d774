package dev.replicaware.failover;

import static org.assertj.core.api.Assertions.assertThat;

import dev.replicaware.testkit.explore.FaultKind;
import dev.replicaware.testkit.explore.ScheduleResult;
import java.util.EnumSet;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A fixed handful of fault schedules (issue 23) on each engine: two ReplicaAwareDataSources in automatic failover as
 * the application instances, replication that acknowledges no commit before a replica has it (see
 * {@link ReplicawareApplication#explorer}). A failure prints the seed, the schedule and its timeline;
 * {@code Explore --engine <engine> --schedules 1 --seed <seed>} replays it.
 */
class FaultScheduleExplorerTest {
    // seed 3: an apply delay, a partition of both instances from a replica, a crash-restart of the primary;
    // seed 8: a replica killed, a crash-restart of the primary, replication cut from the new primary

    @ParameterizedTest(name = "{0} seed {1}")
    @CsvSource({"postgres, 3", "postgres, 8", "mariadb, 3", "mariadb, 8"})
    void everyInvariantHoldsUnderTheSchedule(String engine, long seed) {
        ScheduleResult r = ReplicawareApplication.explorer(engine).build().run(seed);
        System.out.println(engine + " " + r.report());
        assertThat(r.violations()).as(r.report()).isEmpty();
    }

    /**
     * Seed 6 with switchovers alone: one switchover, made by instance 1 at +0.5 s. On PostgreSQL the other instance
     * then refused every write and every read as "split brain: nodes primary and replica1 both claim to be the
     * primary" for as long as it was watched (40 s), the old primary being fenced read-only by instance 1 but, as
     * PostgreSQL can be, not in recovery (explorer runs of 2026-12-07; the docs say the other instances fence it too).
     */
    @Disabled("fails until the PostgreSQL switchover is followed by the instances that did not make it (issue 23 finding)")
    @ParameterizedTest(name = "{0} seed {1}")
    @CsvSource({"postgres, 6", "mariadb, 6"})
    void writesResumeOnEveryInstanceAfterASwitchoverMadeByAnother(String engine, long seed) {
        ScheduleResult r = ReplicawareApplication.explorer(engine).kinds(EnumSet.of(FaultKind.SWITCHOVER)).maxFaults(1).build().run(seed);
        System.out.println(engine + " " + r.report());
        assertThat(r.violations()).as(r.report()).isEmpty();
    }
}
