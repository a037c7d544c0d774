package dev.replicaware.failover;

import dev.replicaware.ReplicaAwareDataSource;
import dev.replicaware.config.ClusterConfig;
import dev.replicaware.config.FailoverConfig;
import dev.replicaware.config.NodeConfig;
import dev.replicaware.testkit.MariaDbCluster;
import dev.replicaware.testkit.PostgresCluster;
import dev.replicaware.testkit.ReplicatedCluster;
import dev.replicaware.testkit.explore.Application;
import dev.replicaware.testkit.explore.FaultExplorer;
import dev.replicaware.testkit.explore.FaultKind;
import dev.replicaware.topology.Node;
import dev.replicaware.topology.NodeState;
import dev.replicaware.topology.TopologyEvent;
import java.sql.SQLException;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import javax.sql.DataSource;

/**
 * A {@link ReplicaAwareDataSource} as an application instance of the fault-schedule explorer: automatic failover with
 * rejoin, every node reached through the instance's proxy and replicating through the explorer's replication proxies,
 * topology events (lag crossings aside) on the schedule's timeline. Public for the benchmarks' Explore command.
 */
public final class ReplicawareApplication implements Application {
    private static final Set<TopologyEvent.Type> QUIET = Set.of(TopologyEvent.Type.LAG_OVER_THRESHOLD, TopologyEvent.Type.LAG_UNDER_THRESHOLD);

    private final ReplicaAwareDataSource dataSource;

    /**
     * The explorer of FaultScheduleExplorerTest and the benchmarks' Explore command: a primary and two replicas of
     * {@code engine} (postgres, mariadb) whose commits wait for one replica, every fault kind, two instances with a
     * 15 s write wait. A killed primary the schedule starts again comes up writable (nothing but the fence can change
     * that); it must be read-only within 2 s, the fence watch's retries backing off to 500 ms.
     */
    public static FaultExplorer.Builder explorer(String engine) {
        java.util.function.Supplier<ReplicatedCluster> clusters = switch (engine) {
            case "postgres" -> () -> PostgresCluster.builder().replicas(2).synchronousReplicas(1)
                    .setting("wal_receiver_timeout", "2s").start();
            // semi-synchronous without the fallback to asynchronous (an hour's wait): with it, what the primary
            // acknowledges after the fallback may be lost (docs/failover.md, "What replication mode buys"; seeds 84, 85, 109)
            case "mariadb" -> () -> MariaDbCluster.builder().replicas(2).semiSynchronous(true)
                    .setting("rpl_semi_sync_master_timeout", "3600000").setting("slave_net_timeout", "3").start();
            default -> throw new IllegalArgumentException("engine must be postgres or mariadb, but was '" + engine + "'");
        };
        return FaultExplorer.builder(clusters, setup -> new ReplicawareApplication(setup, Duration.ofSeconds(15)))
                .kinds(EnumSet.allOf(FaultKind.class))
                .twoWritableTolerance(Duration.ZERO, Duration.ofSeconds(2));
    }

    public ReplicawareApplication(Application.Setup setup, Duration writeWait) {
        ReplicatedCluster c = setup.cluster();
        // promotion, fencing and switchover as the least-privilege admin user that docs/failover.md tells users to create
        ClusterConfig.Builder b = ClusterConfig.builder("explore")
                .username(c.app().username()).password(c.app().password())
                .pool(Map.of("maximumPoolSize", "6", "minimumIdle", "1"))
                .failover(new FailoverConfig(FailoverConfig.Mode.AUTOMATIC, null, writeWait, c.failoverAdmin().username(), c.failoverAdmin().password(),
                        true, dev.replicaware.config.PatroniConfig.NONE));
        for (Application.Endpoint e : setup.endpoints()) {
            NodeConfig n = new NodeConfig(e.name(), e.jdbcUrl(), null, null, Map.of(), NodeConfig.DEFAULT_WEIGHT, 0,
                    e.replicationHost(), e.replicationPort());
            if (e.startedAsPrimary()) {
                b.primary(n);
            } else {
                b.replica(n);
            }
        }
        dataSource = new ReplicaAwareDataSource(b.build());
        dataSource.addTopologyListener(event -> {
            if (!QUIET.contains(event.type())) {
                setup.timeline().accept(event.type() + " " + event.node() + (event.detail() == null ? "" : ": " + event.detail()));
            }
        });
    }

    @Override
    public DataSource dataSource() {
        return dataSource;
    }

    @Override
    public int activeConnections() {
        return dataSource.routingTopology().nodes().stream().mapToInt(Node::activeConnections).sum();
    }

    @Override
    public void switchover(String node) throws SQLException {
        dataSource.switchover(node);
    }

    @Override
    public void reload() {
        dataSource.reload(dataSource.config());
    }

    /** A fenced node: Replicaware routes nothing to it again and reports that it needs a rewind or a re-clone. */
    @Override
    public boolean reportsNeedingRejoin(String node) {
        if (dataSource.topology().node(node).map(s -> s.state() == NodeState.FENCED).orElse(false)) {
            return true;
        }
        // a replica left on a forked-off history, which rejoin re-pointed and found unable to follow
        dev.replicaware.failover.Rejoin rejoin = dataSource.rejoin();
        String state = rejoin == null ? "" : rejoin.states().getOrDefault(node, "");
        return state.startsWith("needs_rewind") || state.startsWith("needs_base_backup");
    }

    @Override
    public void close() {
        dataSource.close();
    }
}
