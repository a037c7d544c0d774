package dev.replicaware.spring;

import dev.replicaware.ReplicaAwareDataSource;
import dev.replicaware.config.ClusterConfig;
import dev.replicaware.topology.Node;
import dev.replicaware.topology.NodeStatus;
import dev.replicaware.topology.TopologySnapshot;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;

/**
 * {@code /actuator/replicaware}: the topology as the monitor sees it (each node's role, state, lag, last probe) with
 * the routing settings and what each node has served. No URL, user name or password is shown. Expose it with
 * {@code management.endpoints.web.exposure.include=health,replicaware}.
 *
 * <p>A planned switchover ({@code POST /actuator/replicaware} with {@code {"target": "replica1"}}) is a write
 * operation, off by default: the endpoint's default access is read-only. Allow it with
 * {@code management.endpoint.replicaware.access=unrestricted} (and the failover admin credentials).
 */
@Endpoint(id = "replicaware", defaultAccess = Access.READ_ONLY)
public class ReplicawareEndpoint {

    private final ReplicaAwareDataSource dataSource;

    public ReplicawareEndpoint(ReplicaAwareDataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** The whole cluster. */
    @ReadOperation
    public ClusterDescriptor topology() {
        TopologySnapshot topology = dataSource.topology();
        ClusterConfig config = dataSource.config();
        Map<String, Node> routing = new HashMap<>();
        for (Node n : dataSource.routingTopology().nodes()) {
            routing.put(n.name(), n);
        }
        List<NodeDescriptor> nodes = topology.nodes().stream().map(s -> NodeDescriptor.of(s, routing.get(s.name()))).toList();
        List<NodeStatus> primaries = topology.primaries();
        return new ClusterDescriptor(topology.cluster(), primaries.size() == 1 ? primaries.get(0).name() : null,
                config.routing().strategy().configName(), toMillis(config.routing().maxLag()),
                config.routing().fallbackToPrimary(), dataSource.getReadConsistency().toString(),
                config.failover().mode().configName(), nodes);
    }

    /** One node by name; {@code null} (404) when there is none of that name. */
    @ReadOperation
    public NodeDescriptor node(@Selector String name) {
        return topology().nodes().stream().filter(n -> n.name().equals(name)).findFirst().orElse(null);
    }

    /**
     * Makes {@code target} the primary without losing a write (see {@code ReplicaAwareDataSource.switchover}); answers
     * how long new writes were held. Refused with the reason when the cluster cannot switch over now.
     */
    @WriteOperation
    public SwitchoverResult switchover(String target) {
        try {
            java.time.Duration pause = dataSource.switchover(target);
            return new SwitchoverResult(target, pause.toMillis());
        } catch (java.sql.SQLException | IllegalArgumentException e) {
            throw new InvalidEndpointRequestException("Switchover of cluster '" + dataSource.config().name() + "' to '" + target
                    + "' refused: " + e.getMessage(), "Switchover refused");
        }
    }

    /**
     * @param primary             the node that is primary now
     * @param writesHeldMillis    how long new writes waited while it switched
     */
    public record SwitchoverResult(String primary, long writesHeldMillis) {
    }

    private static Long toMillis(java.time.Duration d) {
        return d == null ? null : d.toMillis();
    }

    /**
     * @param cluster           the cluster's name
     * @param primary           the node that takes writes now; null when there is no single writable primary
     * @param loadBalance       how replicas are chosen
     * @param maxLagMillis      the lag bound of reads; null for none
     * @param fallbackToPrimary reads go to the primary when no replica can serve
     * @param readConsistency   what read-only connections ask for unless a method says otherwise
     * @param failoverMode      who promotes a replica when the primary is lost
     * @param nodes             every node, in configured order
     */
    public record ClusterDescriptor(String cluster, String primary, String loadBalance, Long maxLagMillis,
                                    boolean fallbackToPrimary, String readConsistency, String failoverMode,
                                    List<NodeDescriptor> nodes) {
    }

    /**
     * @param name              the node's name
     * @param role              primary or replica, as the server reports it
     * @param state             UP, LAGGING, DOWN or FENCED
     * @param lagSeconds        how far behind the primary; null when unknown
     * @param lagPositions      how far behind in {@code positionUnit}; null when unknown
     * @param positionUnit      bytes, transactions or none
     * @param receiving         a replica's replication stream is up
     * @param lastProbe         when the last probe ended; null before the first
     * @param lastError         why the last probe failed, secrets masked
     * @param reads             read connections routed here
     * @param writes            read-write connections routed here
     * @param fallbacks         reads that came here because a preferred node could not serve
     * @param activeConnections connections of its pool in use
     * @param totalConnections  connections of its pool
     */
    public record NodeDescriptor(String name, String role, String state, Double lagSeconds, Long lagPositions, String positionUnit,
                                 boolean receiving, String lastProbe, String lastError, long reads, long writes, long fallbacks,
                                 int activeConnections, int totalConnections) {

        static NodeDescriptor of(NodeStatus status, Node node) {
            NodeView v = NodeView.of(status);
            return new NodeDescriptor(v.name(), v.role(), v.state(), v.lagSeconds(), v.lagPositions(), v.positionUnit(),
                    v.receiving(), v.lastProbe(), v.lastError(), node == null ? 0 : node.reads(), node == null ? 0 : node.writes(),
                    node == null ? 0 : node.fallbacks(), node == null ? 0 : node.activeConnections(),
                    node == null ? 0 : node.totalConnections());
        }
    }
}
