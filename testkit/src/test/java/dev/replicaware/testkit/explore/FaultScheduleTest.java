package dev.replicaware.testkit.explore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.EnumSet;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FaultScheduleTest {
    private static final Set<FaultKind> ALL = EnumSet.allOf(FaultKind.class);

    @Test
    void sameSeedGivesTheSameSchedule() {
        for (long seed = 0; seed < 50; seed++) {
            FaultSchedule a = FaultSchedule.generate(seed, ALL, 5, 15_000, 2, 3);
            FaultSchedule b = FaultSchedule.generate(seed, EnumSet.copyOf(ALL), 5, 15_000, 2, 3);
            assertThat(b).isEqualTo(a);
            assertThat(b.timeline()).isEqualTo(a.timeline());
        }
    }

    @Test
    void aSeedPinsItsSchedule() {
        // replaying a seed reported by an earlier run (or another JVM) must give what that run injected
        assertThat(FaultSchedule.generate(1, ALL, 4, 15_000, 2, 2).timeline()).isEqualTo("""
                seed 1, faults over 15000 ms:
                  +0.786s RELOAD instance 0
                  +2.962s RESTART_INSTANCE instance 0
                  +9.616s PARTITION_REPLICATION primary for 5.384s
                  +12.887s RESTART_INSTANCE instance 1""");
    }

    @Test
    void neighbouringSeedsDrawDifferentShapes() {
        // the seeds CI and a first exploration use are small and consecutive: they must not all look alike
        Set<Integer> sizes = new HashSet<>();
        Set<FaultKind> first = EnumSet.noneOf(FaultKind.class);
        for (long seed = 1; seed <= 12; seed++) {
            FaultSchedule s = FaultSchedule.generate(seed, ALL, 4, 15_000, 2, 2);
            sizes.add(s.faults().size());
            first.add(s.faults().get(0).kind());
        }
        assertThat(sizes).hasSizeGreaterThanOrEqualTo(3);
        assertThat(first).hasSizeGreaterThanOrEqualTo(5);
    }

    @Test
    void seedsExploreDifferentSchedules() {
        Set<FaultSchedule> distinct = new HashSet<>();
        Set<FaultKind> kinds = EnumSet.noneOf(FaultKind.class);
        for (long seed = 0; seed < 100; seed++) {
            FaultSchedule s = FaultSchedule.generate(seed, ALL, 4, 15_000, 2, 2);
            distinct.add(s);
            s.faults().forEach(f -> kinds.add(f.kind()));
        }
        assertThat(distinct).hasSize(100);
        assertThat(kinds).isEqualTo(ALL);
    }

    @Test
    void faultsStayWithinTheSpanAndTheCluster() {
        for (long seed = 0; seed < 200; seed++) {
            FaultSchedule s = FaultSchedule.generate(seed, ALL, 4, 12_000, 2, 3);
            assertThat(s.faults()).isNotEmpty().hasSizeLessThanOrEqualTo(4);
            assertThat(s.faults()).isSortedAccordingTo((x, y) -> Long.compare(x.atMillis(), y.atMillis()));
            for (Fault f : s.faults()) {
                assertThat(f.atMillis()).isBetween(0L, 11_000L);
                assertThat(f.atMillis() + f.durationMillis()).as(f.describe()).isLessThanOrEqualTo(12_000L);
                assertThat(f.target()).isBetween(Fault.PRIMARY, 1);
                assertThat(f.instance()).isBetween(Fault.ALL_INSTANCES, 2);
            }
        }
    }

    @Test
    void onlyTheGivenKindsAreDrawn() {
        for (long seed = 0; seed < 50; seed++) {
            assertThat(FaultSchedule.generate(seed, EnumSet.of(FaultKind.KILL, FaultKind.PAUSE), 4, 15_000, 2, 2).faults())
                    .allMatch(f -> f.kind() == FaultKind.KILL || f.kind() == FaultKind.PAUSE);
        }
    }

    @Test
    void badSettingsAreRefusedWithTheValue() {
        assertThatThrownBy(() -> FaultSchedule.generate(1, EnumSet.noneOf(FaultKind.class), 4, 15_000, 2, 2))
                .hasMessageContaining("kinds");
        assertThatThrownBy(() -> FaultSchedule.generate(1, ALL, 0, 15_000, 2, 2)).hasMessageContaining("maxFaults").hasMessageContaining("0");
        assertThatThrownBy(() -> FaultSchedule.generate(1, ALL, 4, 500, 2, 2)).hasMessageContaining("spanMillis").hasMessageContaining("500");
    }
}
