package dev.replicaware.routing;

import dev.replicaware.topology.Node;
import dev.replicaware.topology.NodeStatus;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;

/**
 * Tells a busy node from a failed one when its pool could not give a connection. A pool that timed out with no
 * connection failure behind it (HikariCP sets the last one as the cause) had every connection in use: that is load,
 * and if the node also answered its last probe, backing it off would only push its reads onto the others, which then
 * fill up in turn until every read is on the primary.
 */
final class PoolExhaustion {
    private PoolExhaustion() {
    }

    /** True when {@code failure}, from borrowing on {@code node}, only says that every connection was in use. */
    static boolean isBusy(Node node, SQLException failure) {
        if (!(failure instanceof SQLTransientConnectionException) || failure.getCause() != null) {
            return false;
        }
        NodeStatus status = node.status();
        return status.state().serves() && status.lastError() == null;
    }
}
