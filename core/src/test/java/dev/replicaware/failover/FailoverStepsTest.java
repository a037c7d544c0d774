package dev.replicaware.failover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.replicaware.dialect.Probe;
import dev.replicaware.dialect.Role;
import dev.replicaware.failover.FailoverSteps.Refused;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The failover sequence's decisions, each alone, from replicas' answers and no server. */
class FailoverStepsTest {

    private static Probe replica(long received, long replayed, boolean receiving) {
        return new Probe(Role.REPLICA, Probe.NO_POSITION, received, replayed, receiving, Double.NaN);
    }

    private static Probe primary() {
        return new Probe(Role.PRIMARY, 500, Probe.NO_POSITION, Probe.NO_POSITION, false, Double.NaN);
    }

    private static Map<String, Probe> answers(Object... nameThenProbe) {
        Map<String, Probe> answers = new LinkedHashMap<>();
        for (int i = 0; i < nameThenProbe.length; i += 2) {
            answers.put((String) nameThenProbe[i], (Probe) nameThenProbe[i + 1]);
        }
        return answers;
    }

    @Test
    void aReplicaThatSaysItIsPrimaryIsFollowed() {
        assertThat(FailoverSteps.claimsPrimary(answers("r1", replica(10, 10, false), "r2", primary()))).isEqualTo("r2");
        assertThat(FailoverSteps.claimsPrimary(answers("r1", replica(10, 10, false)))).isNull();
    }

    @Test
    void replicasStillReceivingFromTheLostPrimaryRefuseThePromotion() throws Refused {
        assertThatThrownBy(() -> FailoverSteps.refuseIfAlive("p", answers("r1", replica(10, 10, false), "r2", replica(10, 10, true))))
                .isInstanceOf(Refused.class)
                .hasMessageContaining("the primary p is unreachable from this application, but replicas [r2] still receive from it");
        FailoverSteps.refuseIfAlive("p", answers("r1", replica(10, 10, false))); // none receives: go on
    }

    @Test
    void candidatesAreTheReplicasWithTheFurtherOfReceivedAndReplayedAndTheirPriority() {
        List<Candidates.Replica> candidates = FailoverSteps.candidates(
                answers("r1", replica(100, 90, false), "p", primary(), "r2", replica(Probe.NO_POSITION, 70, false)),
                name -> name.equals("r2") ? 5 : 0);
        assertThat(candidates).containsExactly(new Candidates.Replica("r1", 100, 0), new Candidates.Replica("r2", 70, 5));
    }

    /** Issue 23, mariadb seed 14: a promoted replica restarted read-only holds its own writes, beyond what it once replayed. */
    @Test
    void aLostPrimaryBackReadOnlyIsWeighedByItsWritesAndPreferredAmongEquals() {
        Map<String, Probe> answers = answers("old", new Probe(Role.REPLICA, 120, 40, 40, false, Double.NaN),
                "r2", replica(120, 120, true));
        List<Candidates.Replica> weighed = FailoverSteps.preferringLostPrimary(FailoverSteps.candidates(answers, name -> 0), "old",
                answers.get("old"));
        assertThat(weighed).containsExactly(new Candidates.Replica("old", 120, Integer.MAX_VALUE), new Candidates.Replica("r2", 120, 0));
        assertThat(Candidates.choose(weighed, 120, 0, "transactions").candidate().name()).isEqualTo("old");
        assertThat(FailoverSteps.preferringLostPrimary(List.of(new Candidates.Replica("r2", 120, 0)), "old", null))
                .containsExactly(new Candidates.Replica("r2", 120, 0)); // it did not answer: as it was
    }

    /** A node this instance does not reach may be the primary another instance promoted: the lost one stays read-only. */
    @Test
    void aLostPrimaryBackReadOnlyIsRestoredOnlyWhenEveryUnfencedNodeAnswersAndItReceivesFromNobody() throws Refused {
        Probe back = new Probe(Role.REPLICA, 120, 40, 40, false, Double.NaN);
        assertThatThrownBy(() -> FailoverSteps.refuseRestoringUnlessAllAnswer("old", answers("old", back, "r2", replica(120, 120, true)),
                List.of("old", "r2", "r3")))
                .isInstanceOf(Refused.class).hasMessageContaining("but [r3] did not answer");
        assertThatThrownBy(() -> FailoverSteps.refuseRestoringUnlessAllAnswer("old", answers("old", replica(120, 120, true)), List.of("old")))
                .isInstanceOf(Refused.class).hasMessageContaining("answers again as a replica that receives from another node");
        // r2 streams from the restarted old primary itself: that is expected
        FailoverSteps.refuseRestoringUnlessAllAnswer("old", answers("old", back, "r2", replica(120, 120, true)), List.of("old", "r2"));
    }

    @Test
    void aCandidateThatDidNotReplayAllItReceivedIsRefused() throws Refused {
        assertThatThrownBy(() -> FailoverSteps.refuseIfNotDrained("r1", replica(100, 90, false), Duration.ofMillis(1500)))
                .isInstanceOf(Refused.class)
                .hasMessage("candidate r1 did not replay what it received within 1500 ms (replayed 90 of 100)");
        FailoverSteps.refuseIfNotDrained("r1", replica(100, 100, false), Duration.ofMillis(1500));
    }
}
