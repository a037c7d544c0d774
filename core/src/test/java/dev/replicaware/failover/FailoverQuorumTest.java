package dev.replicaware.failover;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class FailoverQuorumTest {

    @Test
    void theOnlyReplicaOfATwoNodeClusterIsAQuorum() {
        assertThat(FailoverQuorum.refusal(List.of("replica1"), List.of("replica1"), null)).isNull();
    }

    @Test
    void halfOfTheVotersIsAQuorumOnlyWithTheFirstVoter() {
        List<String> voters = List.of("replica1", "replica2");
        assertThat(FailoverQuorum.refusal(voters, List.of("replica1"), null)).isNull();
        assertThat(FailoverQuorum.refusal(voters, List.of("replica2"), null))
                .contains("holds the lock on [replica2]", "could not lock [replica1] (unreachable)", "majority of them (2)",
                        "or half of them including replica1", "acts once it can lock a quorum: make replica1 answer the admin user again")
                .doesNotContain("another Replicaware instance");
    }

    /** Issue 23: a node that refused the admin user answered; it is not reported unreachable. */
    @Test
    void aNodeThatAnsweredWithAnErrorIsReportedWithWhatItSaid() {
        List<String> voters = List.of("replica1", "replica2", "replica3");
        String refusal = FailoverQuorum.refusal(voters, List.of("replica3"), null,
                java.util.Map.of("replica1", "Access denied for user 'replicaware_admin'@'%' to database 'app'"));
        assertThat(refusal).contains("could not lock replica1 (Access denied for user 'replicaware_admin'@'%' to database 'app')",
                "could not lock [replica2] (unreachable)").doesNotContain("[replica1, replica2]");
    }

    @Test
    void aLockHeldByAnotherInstanceIsNamedAsTheReason() {
        assertThat(FailoverQuorum.refusal(List.of("replica1", "replica2", "replica3"), List.of(), "replica1"))
                .startsWith("another Replicaware instance holds the failover lock on replica1");
    }

    @Test
    void twoDisjointSetsOfLocksCanNeverBothBeAQuorum() {
        List<String> voters = List.of("a", "b", "c", "d");
        List<List<String>> subsets = List.of(List.of(), List.of("a"), List.of("b"), List.of("c"), List.of("d"),
                List.of("a", "b"), List.of("a", "c"), List.of("a", "d"), List.of("b", "c"), List.of("b", "d"), List.of("c", "d"));
        for (List<String> x : subsets) {
            for (List<String> y : subsets) {
                boolean disjoint = x.stream().noneMatch(y::contains);
                if (disjoint) {
                    assertThat(FailoverQuorum.refusal(voters, x, null) == null && FailoverQuorum.refusal(voters, y, null) == null)
                            .as("%s and %s both a quorum", x, y).isFalse();
                }
            }
        }
    }
}
