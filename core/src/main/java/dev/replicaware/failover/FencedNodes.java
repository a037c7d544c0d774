package dev.replicaware.failover;

import dev.replicaware.dialect.Dialect;
import dev.replicaware.dialect.Role;
import dev.replicaware.topology.NodeState;
import dev.replicaware.topology.NodeStatus;
import dev.replicaware.topology.TopologyMonitor;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fencing lifecycle of a former primary, on the failover thread:
 * <ol>
 *   <li><b>fenced</b> when another node took its place: the monitor never routes to it, whatever it claims;</li>
 *   <li><b>made read-only</b> as soon as it answers again (a paused primary that resumed), where the database allows;</li>
 *   <li><b>lifted</b> when the monitor sees it follow the current primary: a replica whose replication stream is up
 *       while exactly one other node serves as primary (it was re-pointed after a planned switchover, rewound or
 *       re-cloned). From then on it is an ordinary replica, and may be switched over to again. The read-only setting
 *       the fence left (PostgreSQL's {@code default_transaction_read_only} in {@code postgresql.auto.conf}) is undone
 *       by the dialect when the node is re-pointed or promoted.</li>
 * </ol>
 */
final class FencedNodes {
    private static final Logger LOG = LoggerFactory.getLogger(FencedNodes.class);

    /** Opens an admin session to a node. */
    interface AdminSessions {
        Connection open(String node) throws SQLException;
    }

    private final String cluster;
    private final TopologyMonitor monitor;
    private final AdminSessions admin;
    private final Function<Throwable, String> describe;
    private final Set<String> notYetReadOnly = new LinkedHashSet<>();

    FencedNodes(String cluster, TopologyMonitor monitor, AdminSessions admin, Function<Throwable, String> describe) {
        this.cluster = cluster;
        this.monitor = monitor;
        this.admin = admin;
        this.describe = describe;
    }

    /** Never route to {@code node} again until it follows the current primary; make it read-only as soon as it answers. */
    void fence(String node, String why) {
        NodeStatus s = monitor.statuses().get(node);
        if (s == null) {
            return; // removed by a reload
        }
        if (s.state() != NodeState.FENCED) {
            monitor.fence(node);
        }
        notYetReadOnly.add(node);
        LOG.warn("{} - fenced former primary {} ({}); it is not routed to until it follows the current primary",
                cluster, node, why);
        makeReadOnlyWhereAnswering();
    }

    /** A fenced node that answers again (a paused primary resumed) is set read-only where the database allows. */
    void makeReadOnlyWhereAnswering() {
        for (String node : List.copyOf(notYetReadOnly)) {
            NodeStatus s = monitor.statuses().get(node);
            if (s == null || s.state() != NodeState.FENCED) {
                notYetReadOnly.remove(node); // removed by a reload, or its fence was lifted
                continue;
            }
            if (s.lastError() != null || s.lastProbe() == null) {
                continue;
            }
            try (Connection c = admin.open(node)) {
                Dialect d = monitor.dialect(node).confirm(c.getMetaData());
                d.fence(c);
                notYetReadOnly.remove(node);
                LOG.warn("{} - former primary {} answers again; set it read-only", cluster, node);
            } catch (SQLException | RuntimeException e) {
                LOG.info("{} - could not set former primary {} read-only yet: {}", cluster, node, describe.apply(e));
            }
        }
    }

    /** True when the node answered as a replica whose replication stream is up. */
    static boolean follows(NodeStatus s) {
        return s.role() == Role.REPLICA && s.receiving() && s.lastError() == null;
    }

    /** Ends the fence of every fenced node that now follows {@code primary}, the one node serving as primary. */
    void liftWhereFollowing(Map<String, NodeStatus> statuses, String primary) {
        for (NodeStatus s : statuses.values()) {
            if (s.state() == NodeState.FENCED && !s.name().equals(primary) && follows(s)) {
                monitor.unfence(s.name());
                notYetReadOnly.remove(s.name());
                LOG.warn("{} - fenced node {} follows the primary {} as a replica; its fence is lifted", cluster, s.name(), primary);
            }
        }
    }
}
