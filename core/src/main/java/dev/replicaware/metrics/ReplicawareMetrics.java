package dev.replicaware.metrics;

import com.zaxxer.hikari.metrics.micrometer.MicrometerMetricsTrackerFactory;
import dev.replicaware.ReplicaAwareDataSource;
import dev.replicaware.dialect.Role;
import dev.replicaware.failover.FailoverCoordinator;
import dev.replicaware.routing.CausalReads;
import dev.replicaware.topology.Node;
import dev.replicaware.topology.NodeState;
import dev.replicaware.topology.NodeStatus;
import dev.replicaware.topology.TopologyEvent;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Binds a {@link ReplicaAwareDataSource}'s figures to a Micrometer registry: replica lag in time and in position,
 * node health, routed requests, probe timings, and each node's HikariCP pool meters (pool name {@code <cluster>-<node>}).
 * Every meter carries {@code cluster} and, where it applies, {@code node}; tag values are bounded (no URL, no SQL).
 * Meters that count events (failovers, role changes) are registered at 0 from the start, so that a dashboard shows
 * them and {@code increase()} sees the first one. {@code ops/} holds a Grafana dashboard and Prometheus alert rules
 * built on these meters (docs/operations.md).
 *
 * <pre>{@code
 * new ReplicawareMetrics(dataSource).bindTo(meterRegistry);
 * }</pre>
 *
 * <p>Micrometer is optional: nothing else in Replicaware loads this class, and without it the same figures are read
 * from {@code dataSource.topology()}. The binder never throws into the application.
 */
public final class ReplicawareMetrics implements MeterBinder {
    private static final Logger LOG = LoggerFactory.getLogger(ReplicawareMetrics.class);

    private final ReplicaAwareDataSource dataSource;

    public ReplicawareMetrics(ReplicaAwareDataSource dataSource) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        String cluster = dataSource.config().name();
        NodeMeters perNode = new NodeMeters(registry, cluster);
        for (Node node : dataSource.routingTopology().nodes()) {
            perNode.bind(node);
        }
        Map<String, Timer> probeTimers = perNode.probeTimers;
        Map<String, Counter> roleChanges = perNode.roleChanges;
        dataSource.monitor().addProbeObserver((node, nanos, answered) -> {
            Timer t = probeTimers.get(node + answered);
            if (t != null) {
                t.record(nanos, TimeUnit.NANOSECONDS);
            }
        });
        Tags clusterTag = Tags.of("cluster", cluster);
        Gauge.builder("replicaware.routing.max.lag", dataSource, ReplicawareMetrics::maxLagSeconds)
                .description("routing.maxLag: replicas further behind serve no reads (NaN when unbounded)")
                .baseUnit("seconds").tags(clusterTag).strongReference(true).register(registry);
        Gauge.builder("replicaware.replicas.serving", dataSource, ReplicawareMetrics::servingReplicas)
                .description("Replicas that may serve a read now: reachable, not fenced, within routing.maxLag")
                .tags(clusterTag).strongReference(true).register(registry);
        bindCausalReads(registry, clusterTag, dataSource.causalReads());
        Map<String, Counter> failovers = new ConcurrentHashMap<>();
        for (String outcome : new String[] {"started", "completed", "refused"}) {
            failovers.put(outcome, Counter.builder("replicaware.failovers")
                    .description("Failover episodes this instance began, promotions it completed (failovers and switchovers), "
                            + "and times it decided not to promote")
                    .tags(clusterTag).tag("outcome", outcome).register(registry));
        }
        Map<Boolean, Timer> promotionDurations = new ConcurrentHashMap<>();
        for (boolean switchover : new boolean[] {false, true}) {
            promotionDurations.put(switchover, Timer.builder("replicaware.failover.duration")
                    .description("From losing the primary (kind failover) or starting a switchover (kind switchover) to the"
                            + " new primary published")
                    .tags(clusterTag).tag("kind", switchover ? "switchover" : "failover").register(registry));
        }
        dev.replicaware.failover.Rejoin rejoin = dataSource.rejoin();
        if (rejoin != null) {
            for (dev.replicaware.failover.Rejoin.Outcome outcome : dev.replicaware.failover.Rejoin.Outcome.values()) {
                FunctionCounter.builder("replicaware.rejoins", rejoin, r -> r.counts().get(outcome))
                        .description("Attempts to turn a fenced former primary into a replica of the new primary, by outcome")
                        .tags(clusterTag).tag("outcome", outcome.name().toLowerCase(java.util.Locale.ROOT)).register(registry);
            }
        }
        // node.up carries the role, which a promotion changes: re-register under the new tag
        dataSource.addTopologyListener(event -> {
            switch (event.type()) {
                case FAILOVER_STARTED -> failovers.get("started").increment();
                case FAILOVER_REFUSED -> failovers.get("refused").increment();
                case FAILOVER_COMPLETED -> {
                    failovers.get("completed").increment();
                    if (event.duration() != null) {
                        promotionDurations.get(FailoverCoordinator.isSwitchover(event)).record(event.duration());
                    }
                }
                // a reload: the new replica's meters from now on; the removed one's go, so no gauge keeps its Node
                case NODE_REMOVED -> perNode.unbind(event.node());
                case NODE_ADDED -> dataSource.routingTopology().node(event.node()).ifPresent(perNode::bind);
                default -> { }
            }
            if (event.type() != TopologyEvent.Type.ROLE_CHANGED) {
                return;
            }
            Counter changes = roleChanges.get(event.node());
            if (changes != null) {
                changes.increment();
            }
            dataSource.routingTopology().node(event.node()).ifPresent(perNode::rebindUp);
        });
    }

    /**
     * The meters of each node, by node name, so that a reload can add a new replica's and remove a removed one's: a
     * gauge holds its node strongly, so a meter left in the registry would keep a removed node (and its closed pool)
     * alive and report it forever. Listeners run on the monitor's and the reloading thread: one lock.
     */
    private static final class NodeMeters {
        private final MeterRegistry registry;
        private final String cluster;
        private final Map<String, java.util.List<Meter>> meters = new java.util.HashMap<>();
        final Map<String, Meter> upGauges = new ConcurrentHashMap<>();
        final Map<String, Timer> probeTimers = new ConcurrentHashMap<>();
        final Map<String, Counter> roleChanges = new ConcurrentHashMap<>();

        NodeMeters(MeterRegistry registry, String cluster) {
            this.registry = registry;
            this.cluster = cluster;
        }

        synchronized void bind(Node node) {
            if (meters.containsKey(node.name())) {
                return; // bound at bind time and heard again from a reload that raced it
            }
            java.util.List<Meter> mine = new java.util.ArrayList<>();
            Tags tags = Tags.of("cluster", cluster, "node", node.name());
            mine.add(Gauge.builder("replicaware.replica.lag", node, n -> n.status().lagSeconds())
                    .description("How long ago the primary was where this node is (0 on the primary, NaN when unknown)")
                    .baseUnit("seconds").tags(tags).strongReference(true).register(registry));
            String unit = node.status().positionUnit();
            if (!"none".equals(unit)) {
                String name = "bytes".equals(unit) ? "replicaware.replica.lag.bytes" : "replicaware.replica.lag.transactions";
                mine.add(Gauge.builder(name, node, n -> positions(n.status()))
                        .description("How far this node is behind the primary's last sampled position, in " + unit)
                        .baseUnit(unit).tags(tags).strongReference(true).register(registry));
            }
            upGauges.put(node.name(), registerUp(registry, tags, node));
            for (NodeState state : NodeState.values()) {
                mine.add(Gauge.builder("replicaware.node.state", node, n -> n.status().state() == state ? 1 : 0)
                        .description("1 for the node's current health (up, lagging, down, fenced), 0 for the others;"
                                + " a fenced former primary needs a rewind or re-clone to rejoin")
                        .tags(tags).tag("state", state.name().toLowerCase(Locale.ROOT)).strongReference(true).register(registry));
            }
            Counter changes = Counter.builder("replicaware.role.changes")
                    .description("Times the node's server reported another role than before (a promotion, or a demotion)")
                    .tags(tags).register(registry);
            roleChanges.put(node.name(), changes);
            mine.add(changes);
            mine.add(Gauge.builder("replicaware.node.in.rotation", node, n -> n.status().outOfRotation() == null ? 1 : 0)
                    .description("1 while the node may serve reads as far as rotation goes; 0 while a replica is held out of"
                            + " read rotation (a backup runs on it, or its replay is paused)")
                    .tags(tags).strongReference(true).register(registry));
            mine.add(routed(registry, tags, node, "read", Node::reads));
            mine.add(routed(registry, tags, node, "write", Node::writes));
            mine.add(routed(registry, tags, node, "fallback", Node::fallbacks));
            mine.add(routed(registry, tags, node, "busy", Node::busy));
            for (boolean answered : new boolean[] {true, false}) {
                Timer t = Timer.builder("replicaware.probe.duration")
                        .description("Time of one health probe of a node, on its dedicated connection")
                        .tags(tags).tag("outcome", answered ? "success" : "failure").register(registry);
                probeTimers.put(node.name() + answered, t);
                mine.add(t);
            }
            meters.put(node.name(), mine);
            bindPool(registry, node);
        }

        /** node.up carries the role, which a promotion changes: re-registered under the new tag. */
        synchronized void rebindUp(Node node) {
            if (!meters.containsKey(node.name())) {
                return;
            }
            Meter old = upGauges.get(node.name());
            if (old != null) {
                registry.remove(old);
            }
            upGauges.put(node.name(), registerUp(registry, Tags.of("cluster", cluster, "node", node.name()), node));
        }

        /** Removes every meter of {@code name}; its pool's HikariCP meters go when the retired pool closes. */
        synchronized void unbind(String name) {
            java.util.List<Meter> mine = meters.remove(name);
            if (mine == null) {
                return;
            }
            mine.forEach(registry::remove);
            Meter up = upGauges.remove(name);
            if (up != null) {
                registry.remove(up);
            }
            roleChanges.remove(name);
            probeTimers.remove(name + true);
            probeTimers.remove(name + false);
        }
    }

    /** Read-your-writes: how reads that had to see a commit were served, the time spent waiting, the positions read. */
    private static void bindCausalReads(MeterRegistry registry, Tags tags, CausalReads causal) {
        String description = "Reads that had to see a commit (read-your-writes), by how they were served: by a replica "
                + "already known to have replayed it, by a replica after waiting for it, or by the primary";
        FunctionCounter.builder("replicaware.causal.reads", causal, CausalReads::caughtUpReads)
                .description(description).tags(tags).tag("served", "caught-up").register(registry);
        FunctionCounter.builder("replicaware.causal.reads", causal, CausalReads::waitedReads)
                .description(description).tags(tags).tag("served", "waited").register(registry);
        FunctionCounter.builder("replicaware.causal.reads", causal, CausalReads::primaryReads)
                .description(description).tags(tags).tag("served", "primary").register(registry);
        io.micrometer.core.instrument.FunctionTimer.builder("replicaware.causal.wait", causal, CausalReads::waits,
                        CausalReads::waitNanos, TimeUnit.NANOSECONDS)
                .description("Waits on a replica for it to replay a commit a read must see, whether it got there or not")
                .tags(tags).register(registry);
        FunctionCounter.builder("replicaware.causal.positions", causal, CausalReads::positionsRead)
                .description("Commit positions read from the primary for read-your-writes: with the COMMIT on PostgreSQL, one round trip more each elsewhere")
                .tags(tags).register(registry);
    }

    private static Gauge registerUp(MeterRegistry registry, Tags tags, Node node) {
        return Gauge.builder("replicaware.node.up", node, n -> n.status().state().serves() ? 1 : 0)
                .description("1 while the node is reachable and not fenced, 0 otherwise")
                .tags(tags).tag("role", role(node.status().role())).strongReference(true).register(registry);
    }

    private static FunctionCounter routed(MeterRegistry registry, Tags tags, Node node, String kind, java.util.function.ToLongFunction<Node> count) {
        return FunctionCounter.builder("replicaware.routed", node, n -> count.applyAsLong(n))
                .description("Requests routed to this node: reads, writes, reads that fell back to it; busy: reads sent"
                        + " elsewhere because every connection of this node's pool was in use")
                .baseUnit("requests").tags(tags).tag("kind", kind).register(registry);
    }

    private static void bindPool(MeterRegistry registry, Node node) {
        if (node.pool().getMetricsTrackerFactory() != null || node.pool().getMetricRegistry() != null) {
            LOG.info("{} - pool of node {} already reports metrics; left as it is", node.cluster(), node.name());
            return;
        }
        try {
            node.pool().setMetricsTrackerFactory(new MicrometerMetricsTrackerFactory(registry));
        } catch (RuntimeException e) {
            LOG.warn("{} - HikariCP meters of node {} not bound: {}", node.cluster(), node.name(), e.getMessage());
        }
    }

    private static double maxLagSeconds(ReplicaAwareDataSource dataSource) {
        Duration maxLag = dataSource.config().routing().maxLag();
        return maxLag == null ? Double.NaN : maxLag.toNanos() / 1e9;
    }

    private static double servingReplicas(ReplicaAwareDataSource dataSource) {
        Duration maxLag = dataSource.config().routing().maxLag();
        int serving = 0;
        for (Node n : dataSource.routingTopology().replicas()) {
            if (n.status().servesReadsWithin(maxLag)) {
                serving++;
            }
        }
        return serving;
    }

    private static double positions(NodeStatus s) {
        return s.lagPositions() < 0 ? Double.NaN : s.lagPositions();
    }

    private static String role(Role role) {
        return role.name().toLowerCase(Locale.ROOT);
    }
}
