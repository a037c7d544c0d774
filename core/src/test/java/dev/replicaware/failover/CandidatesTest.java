package dev.replicaware.failover;

import static org.assertj.core.api.Assertions.assertThat;

import dev.replicaware.failover.Candidates.Choice;
import dev.replicaware.failover.Candidates.Replica;
import java.util.List;
import org.junit.jupiter.api.Test;

class CandidatesTest {

    @Test
    void highestReceivedPositionWins() {
        Choice c = Candidates.choose(List.of(new Replica("a", 100, 9), new Replica("b", 200, 0)), 200, 0, "bytes");
        assertThat(c.candidate().name()).isEqualTo("b");
        assertThat(c.refusal()).isNull();
    }

    @Test
    void tiesGoToHigherPriorityThenToName() {
        List<Replica> tied = List.of(new Replica("c", 100, 1), new Replica("b", 100, 5), new Replica("a", 100, 5));
        assertThat(Candidates.choose(tied, 100, 0, "bytes").candidate().name()).isEqualTo("a");
        List<Replica> byPriority = List.of(new Replica("a", 100, 1), new Replica("z", 100, 2));
        assertThat(Candidates.choose(byPriority, 100, 0, "bytes").candidate().name()).isEqualTo("z");
    }

    @Test
    void everyOrderOfTheSameAnswersPicksTheSameReplica() {
        Replica a = new Replica("a", 100, 0);
        Replica b = new Replica("b", 100, 0);
        Replica c = new Replica("c", 90, 7);
        assertThat(Candidates.choose(List.of(a, b, c), 100, 0, "bytes").candidate())
                .isEqualTo(Candidates.choose(List.of(c, b, a), 100, 0, "bytes").candidate())
                .isEqualTo(a);
    }

    @Test
    void candidateFurtherBehindThanMaxLagIsRefusedNamingTheGap() {
        Choice c = Candidates.choose(List.of(new Replica("a", 1_000, 0)), 3_000_000, 1 << 20, "bytes");
        assertThat(c.candidate()).isNull();
        assertThat(c.refusal()).contains("a", "2999000 bytes", "maxLagOnFailover", "1048576");
    }

    @Test
    void candidateExactlyAtMaxLagOrAheadOfTheLastSampleIsAccepted() {
        assertThat(Candidates.choose(List.of(new Replica("a", 90, 0)), 100, 10, "transactions").candidate()).isNotNull();
        assertThat(Candidates.choose(List.of(new Replica("a", 150, 0)), 100, 0, "transactions").candidate()).isNotNull();
    }

    @Test
    void candidateIsMeasuredAgainstTheFreshestPositionKnownNotOnlyTheLastPrimarySample() {
        // the primary was last sampled at 100; replica a has received up to 900 since, b only up to 500
        Choice c = Candidates.choose(List.of(new Replica("a", 900, 0), new Replica("b", 500, 0)), 100, 0, "bytes");
        assertThat(c.candidate().name()).isEqualTo("a");
        assertThat(c.behind()).isZero();
        // with the sample ahead of every replica, the distance is to the sample
        assertThat(Candidates.choose(List.of(new Replica("a", 900, 0)), 1_000, 200, "bytes").behind()).isEqualTo(100);
    }

    @Test
    void noReplicaOrUnknownPrimaryPositionIsRefused() {
        assertThat(Candidates.choose(List.of(), 100, 10, "bytes").refusal()).contains("no replica is reachable");
        assertThat(Candidates.choose(List.of(new Replica("a", 90, 0)), -1, 10, "bytes").refusal()).contains("unknown");
    }
}
