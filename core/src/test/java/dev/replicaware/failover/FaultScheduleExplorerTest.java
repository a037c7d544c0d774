package dev.replicaware.failover;

import static org.assertj.core.api.Assertions.assertThat;

import dev.replicaware.testkit.explore.FaultExplorer;
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
    // postgres 8: a replica killed, a crash-restart of the primary, replication cut from the new primary; mariadb 3: an
    // apply delay, a partition of both instances from a replica, a crash-restart of the primary (postgres 3 is that
    // schedule too: see knownFindings). One seed per engine keeps the build's time (issue 23); the fixed seeds that
    // left it, postgres 9 (an apply delay, then the primary killed) and mariadb 8 (postgres 8's schedule), replay with
    // Explore --engine <engine> --schedules 1 --seed <seed> (docs/testkit.md).

    @ParameterizedTest(name = "{0} seed {1}")
    @CsvSource({"postgres, 8", "mariadb, 3"})
    void everyInvariantHoldsUnderTheSchedule(String engine, long seed) {
        ScheduleResult r = ReplicawareApplication.explorer(engine).build().run(seed);
        System.out.println(engine + " " + r.report());
        assertThat(r.violations()).as(r.report()).isEmpty();
    }

    /**
     * Schedules that broke invariants in the explorer runs of 2026-12-07 (Explore, same seeds; "switchover": with
     * {@code --kinds switchover --max-faults 1}):
     * <ul>
     *   <li>postgres 3 (failed 1 of 2 runs): the primary crash-restarted for 1.7 s came back while the failover was
     *       under way, both instances saw it UP again (+15.7 s) and wrote to it (replica2, presumably, still streaming
     *       from it as its synchronous standby) until replica1 was promoted and it was fenced (+16.1 s): 37 acknowledged writes
     *       missing on the final primary; and 7 read-your-writes reads just after (+16.9 s) missed rows their own
     *       instance had committed on replica1 0-17 ms before;</li>
     *   <li>mariadb 14 (2 of 2 runs): the primary killed, then the promoted replica1 killed; once both were started
     *       again no node took writes for the 100 s watched (replica1 restarts read-only as configured when it was a
     *       replica, the old primary is fenced; failover refused: "could not lock [primary] (unreachable)" while it ran);</li>
     *   <li>postgres 5 and 6, switchover (both failed; seed 2 of the first generator too): one switchover made by
     *       instance 1; the other instance then refused every write as "split brain: nodes primary and replicaN both
     *       claim to be the primary" for the 35-45 s watched, the old primary fenced read-only by instance 1 but not in
     *       recovery. docs/failover.md says instances that did not switch over fence it too.</li>
     * </ul>
     */
    @Disabled("fails until the failover findings of issue 23 are fixed")
    @ParameterizedTest(name = "{0} seed {1} {2}")
    @CsvSource({"postgres, 3, all", "mariadb, 14, all", "postgres, 5, switchover", "postgres, 6, switchover"})
    void knownFindings(String engine, long seed, String kinds) {
        FaultExplorer.Builder explorer = ReplicawareApplication.explorer(engine);
        if (kinds.equals("switchover")) {
            explorer.kinds(EnumSet.of(FaultKind.SWITCHOVER)).maxFaults(1);
        }
        ScheduleResult r = explorer.build().run(seed);
        System.out.println(engine + " " + r.report());
        assertThat(r.violations()).as(r.report()).isEmpty();
    }
}
