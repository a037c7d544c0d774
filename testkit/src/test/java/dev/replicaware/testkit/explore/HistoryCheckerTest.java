package dev.replicaware.testkit.explore;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class HistoryCheckerTest {
    private static final long MS = 1_000_000;

    private static Op write(int instance, long id, long invokedMs, long completedMs, boolean ok) {
        return new Op(instance, 0, Op.Type.WRITE, id, invokedMs * MS, completedMs * MS, ok, ok, ok ? null : "SQLException");
    }

    private static Op read(int instance, int generation, long id, long invokedMs, boolean found) {
        return new Op(instance, generation, Op.Type.READ, id, invokedMs * MS, (invokedMs + 1) * MS, true, found, null);
    }

    @Test
    void anAcknowledgedWriteMissingIsLostButAFailedOneIsNot() {
        List<Op> ops = List.of(write(0, 1, 0, 1, true), write(0, 2, 2, 3, true), write(0, 3, 4, 5, false));
        assertThat(HistoryChecker.lostWrites(ops, Set.of(1L, 2L), 0, "p")).isEmpty();
        assertThat(HistoryChecker.lostWrites(ops, Set.of(1L), 0, "p")).singleElement()
                .satisfies(v -> assertThat(v.kind()).isEqualTo(Violation.Kind.ACKNOWLEDGED_WRITE_LOST))
                .satisfies(v -> assertThat(v.detail()).contains("[2]"));
        assertThat(HistoryChecker.lostWrites(ops, Set.of(1L), 1, "p")).as("within the allowed bound").isEmpty();
    }

    @Test
    void aReadThatMissesItsOwnAcknowledgedWriteIsStale() {
        List<Op> ops = List.of(write(0, 7, 0, 10, true), read(0, 0, 7, 11, false));
        assertThat(HistoryChecker.staleReads(ops, Set.of(), 0)).singleElement()
                .satisfies(v -> assertThat(v.kind()).isEqualTo(Violation.Kind.STALE_READ));
    }

    @Test
    void readsOutsideTheirWritesSessionAreNotJudged() {
        List<Op> ops = List.of(
                write(0, 7, 0, 10, true),
                read(0, 0, 7, 12, true),   // saw it
                read(1, 0, 7, 12, false),  // another instance: read-your-writes promises it nothing
                read(0, 1, 7, 12, false),  // the instance restarted: a new DataSource
                read(0, 0, 7, 5, false));  // began before the commit returned
        assertThat(HistoryChecker.staleReads(ops, Set.of(), 0)).isEmpty();
        assertThat(HistoryChecker.staleReads(List.of(write(0, 7, 0, 10, true), read(0, 0, 7, 11, false)), Set.of(7L), 0))
                .as("a lost write is reported as lost, not again as stale").isEmpty();
    }

    @Test
    void writesMustResumeOnEveryInstanceWithinTheBound() {
        List<Op> ops = List.of(write(0, 1, 100, 150, true), write(1, 2, 90, 160, true), write(1, 3, 200, 5_000, true));
        assertThat(HistoryChecker.writesResumed(ops, 2, 100 * MS, 1_000 * MS, 0)).singleElement()
                .satisfies(v -> assertThat(v.detail()).startsWith("instance 1").contains("4900 ms later"));
        assertThat(HistoryChecker.writesResumed(ops, 3, 100 * MS, 10_000 * MS, 0)).singleElement()
                .satisfies(v -> assertThat(v.detail()).startsWith("instance 2 acknowledged no write"));
    }

    @Test
    void theWindowIsTheLongestGapBetweenAcknowledgedShortWrites() {
        List<Op> ops = List.of(write(0, 1, 0, 100, true), write(0, 2, 100, 700, true), write(0, 3, 700, 800, false),
                write(1, 4, 0, 300, true), write(1, 5, 300, 1_000, true));
        assertThat(HistoryChecker.longestWriteGapMillis(ops, 2, 0, 1_000 * MS)).isEqualTo(700);
    }
}
