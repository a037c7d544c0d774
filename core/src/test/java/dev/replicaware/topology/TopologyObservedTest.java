package dev.replicaware.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.replicaware.config.HealthConfig;
import dev.replicaware.dialect.Role;
import dev.replicaware.support.StubCluster;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which nodes take writes, from the nodes' statuses: {@link Topology#observed}. */
class TopologyObservedTest {

    /**
     * The explorer's postgres seed 82: the replica another instance promoted answered as primary while still DOWN to
     * this instance (a node back from DOWN waits successesBeforeUp probes), and the killed old primary, started again,
     * was UP: writes went to the old primary, which acknowledged them and was then fenced.
     */
    @Test
    void aNodeAnsweringAsPrimaryBeforeItIsUpMakesASplitBrainWithTheServingPrimary() {
        // probes an hour apart: the statuses below are the test's, not the stub servers'
        try (StubCluster c = StubCluster.start(2, b -> b.health(new HealthConfig(Duration.ofHours(1), Duration.ofSeconds(1), 3, 2)))) {
            List<Node> nodes = c.dataSource.routingTopology().nodes();
            Node old = nodes.get(0);
            Node promoted = nodes.get(1);
            old.status(status(old, Role.PRIMARY, NodeState.UP, null));
            promoted.status(status(promoted, Role.PRIMARY, NodeState.DOWN, null)); // answered, not UP yet
            Topology both = Topology.observed("stub", nodes);
            assertThat(both.primary()).as("the node writes go to").isNull();
            assertThat(both.primaries()).extracting(Node::name).containsExactly(old.name(), promoted.name());

            // a node that did not answer keeps its last role (a killed primary): no claimant
            promoted.status(status(promoted, Role.PRIMARY, NodeState.DOWN, "Connection refused"));
            assertThat(Topology.observed("stub", nodes).primary()).isSameAs(old);

            // alone, a node answering as primary takes no write until it is UP
            old.status(status(old, Role.PRIMARY, NodeState.DOWN, "Connection refused"));
            promoted.status(status(promoted, Role.PRIMARY, NodeState.DOWN, null));
            assertThat(Topology.observed("stub", nodes).primaries()).isEmpty();
        }
    }

    private static NodeStatus status(Node node, Role role, NodeState state, String error) {
        return new NodeStatus(node.name(), role, state, 0, 0, "bytes", false, Instant.now(), Duration.ofMillis(1), error);
    }
}
