package dev.replicaware.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class NodeStateTest {
    @Test
    void allowedTransitionsAreAllowed() {
        assertThat(NodeState.UP.moveTo(NodeState.LAGGING)).isEqualTo(NodeState.LAGGING);
        assertThat(NodeState.LAGGING.moveTo(NodeState.UP)).isEqualTo(NodeState.UP);
        assertThat(NodeState.DOWN.moveTo(NodeState.UP)).isEqualTo(NodeState.UP);
        assertThat(NodeState.UP.moveTo(NodeState.FENCED)).isEqualTo(NodeState.FENCED);
        assertThat(NodeState.FENCED.moveTo(NodeState.FENCED)).isEqualTo(NodeState.FENCED);
    }

    @Test
    void aFencedNodeNeverServesAgainAndTheErrorNamesBothStates() {
        assertThatThrownBy(() -> NodeState.FENCED.moveTo(NodeState.UP))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("A node cannot go from FENCED to UP");
        assertThat(NodeState.FENCED.serves()).isFalse();
        assertThat(NodeState.DOWN.serves()).isFalse();
        assertThat(NodeState.LAGGING.serves()).isTrue();
    }
}
