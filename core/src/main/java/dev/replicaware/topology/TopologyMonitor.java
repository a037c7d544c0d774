package dev.replicaware.topology;

import dev.replicaware.config.HealthConfig;
import dev.replicaware.dialect.Dialect;
import dev.replicaware.dialect.Probe;
import dev.replicaware.dialect.Role;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Probes every node on a small pool of named daemon threads and publishes what it learns as an immutable map of
 * {@link NodeStatus}, through one reference the request path reads without locking.
 *
 * <p>Each node has its own schedule, so a hung node delays nobody else's probe. Health has hysteresis: a node is DOWN
 * after {@code failuresBeforeDown} failed probes in a row and serves again after {@code successesBeforeUp} good ones;
 * a node that fails its very first probe is DOWN at once. Replica lag is measured against the monitor's own samples
 * of the primary's position ({@link PrimaryHistory}), falling back to the replica's own report.
 */
public final class TopologyMonitor implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TopologyMonitor.class);

    /** A node to watch: its name, URL, the application's credentials for probing, and its configured role. Internal. */
    public record Target(String name, String url, String username, String password, Role configuredRole) {
        @Override
        public String toString() {
            return name;
        }
    }

    private final String cluster;
    private volatile HealthConfig health;
    private volatile Duration maxLag;
    private final Clock clock;
    /** Filled by the constructor, then only ever replaced whole (copy on write) by {@link #addTarget}/{@link #removeTarget}. */
    private volatile Map<String, Tracked> nodes = new LinkedHashMap<>();
    private final Object reconfiguring = new Object();
    private final Object publishing = new Object();
    private volatile java.util.concurrent.ScheduledFuture<?> silenceWatch;
    private volatile boolean started;
    private final PrimaryHistory history = new PrimaryHistory(1024);
    private final AtomicReference<Map<String, NodeStatus>> statuses;
    private final List<TopologyListener> listeners = new CopyOnWriteArrayList<>();
    private final List<ProbeObserver> probeObservers = new CopyOnWriteArrayList<>();
    private final Consumer<Map<String, NodeStatus>> onPublish;
    private final ScheduledExecutorService scheduler;
    private volatile String historyOwner;
    /** The timeline of the primary whose history is kept; {@link Probe#UNKNOWN_TIMELINE} where it has none. */
    private volatile long ownerTimeline = Probe.UNKNOWN_TIMELINE;
    /** Replicas whose position a read wanted refreshed: see {@link #refreshPosition}. */
    private final java.util.concurrent.ConcurrentLinkedQueue<Node> positionsWanted = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private volatile Thread refresher;
    private final java.util.concurrent.atomic.LongAdder refreshes = new java.util.concurrent.atomic.LongAdder();
    private volatile boolean closed;
    private volatile PatroniSource patroni;
    private volatile java.util.concurrent.ScheduledFuture<?> patroniPoll;

    /**
     * @param onPublish called with every new snapshot, on the monitor's thread, before listeners hear of the change
     */
    public TopologyMonitor(String cluster, List<Target> targets, HealthConfig health, Duration maxLag, Clock clock,
                           Consumer<Map<String, NodeStatus>> onPublish) {
        this.cluster = cluster;
        this.health = health;
        this.maxLag = maxLag;
        this.clock = clock;
        this.onPublish = onPublish;
        Map<String, NodeStatus> initial = new LinkedHashMap<>();
        for (Target t : targets) {
            Dialect dialect = Dialect.forUrl(t.url());
            Tracked tracked = new Tracked(t, new NodeProbe(t.url(), t.username(), t.password(), dialect, health.timeout()));
            tracked.last = new NodeStatus(t.name(), t.configuredRole(), NodeState.DOWN, Double.NaN, -1,
                    dialect.positionUnit(), false, null, Duration.ZERO, "not probed yet");
            nodes.put(t.name(), tracked);
            initial.put(t.name(), tracked.last);
        }
        this.statuses = new AtomicReference<>(java.util.Collections.unmodifiableMap(initial));
        this.scheduler = Executors.newScheduledThreadPool(Math.min(Math.max(targets.size(), 1), 8), namedDaemons(cluster));
    }

    private static ThreadFactory namedDaemons(String cluster) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, "replicaware-" + cluster + "-monitor-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /**
     * Reads Patroni's REST API ({@code GET /cluster} of the first of {@code urls} that answers) every probe interval,
     * beside the probes: see {@link PatroniSource}. Call before {@link #start()}.
     */
    public void followPatroni(List<String> urls) {
        patroni = new PatroniSource(cluster, urls, () -> {
            Map<String, String> nodeUrls = new LinkedHashMap<>();
            nodes.forEach((name, t) -> nodeUrls.put(name, t.target.url()));
            return nodeUrls;
        }, health.interval(), health.timeout());
    }

    /** False for a node Patroni tags {@code noloadbalance}: it serves no reads. True without Patroni. */
    public boolean servesReads(String node) {
        PatroniSource p = patroni;
        return p == null || p.servesReads(node);
    }

    /** Asks Patroni again; when what it says routes differently, every node is probed now rather than on schedule. */
    private void pollPatroni() {
        PatroniSource p = patroni;
        if (p != null && !closed && p.refresh()) {
            for (String node : nodes.keySet()) {
                reprobe(node);
            }
        }
    }

    /** Probes every node once, in parallel, waiting at most about one timeout; then keeps probing on schedule. */
    public void start() {
        if (patroni != null) {
            patroni.refresh(); // the first round already honours Patroni
        }
        probeNow(nodes.values());
        // A replica probed before the primary's first sample could not tell its lag or history: ask it again, once.
        List<Tracked> unmeasured = new ArrayList<>();
        for (Tracked t : nodes.values()) {
            NodeStatus st = t.last;
            if (st != null && st.role() == Role.REPLICA && st.state().serves()
                    && (Double.isNaN(st.lagSeconds()) || st.readPosition() < 0)) {
                unmeasured.add(t);
            }
        }
        probeNow(unmeasured);
        long interval = health.interval().toNanos();
        synchronized (reconfiguring) {
            for (Tracked t : nodes.values()) {
                t.schedule = scheduler.scheduleWithFixedDelay(() -> probe(t), interval, interval, TimeUnit.NANOSECONDS);
            }
            silenceWatch = scheduler.scheduleAtFixedRate(this::watchSilence, interval, interval, TimeUnit.NANOSECONDS);
            if (patroni != null) {
                patroniPoll = scheduler.scheduleWithFixedDelay(this::pollPatroni, interval, interval, TimeUnit.NANOSECONDS);
            }
            started = true;
        }
    }

    /** Probes these nodes in parallel, waiting at most about one timeout; a slow or failed probe leaves its node DOWN. */
    private void probeNow(java.util.Collection<Tracked> targets) {
        List<Future<?>> probes = new ArrayList<>();
        for (Tracked t : targets) {
            probes.add(scheduler.submit(() -> probe(t)));
        }
        long deadline = System.nanoTime() + health.timeout().toNanos() * 2 + TimeUnit.SECONDS.toNanos(1);
        for (Future<?> f : probes) {
            try {
                f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (Exception e) {
                // the schedule goes on
            }
        }
    }

    /**
     * Starts watching one more node (a replica added by a reload): probes it once, waiting at most about one timeout as
     * {@link #start()} does, then on schedule. Its status is in {@link #statuses()} before this returns.
     */
    public void addTarget(Target target) {
        Tracked tracked;
        synchronized (reconfiguring) {
            if (nodes.containsKey(target.name())) {
                throw new IllegalArgumentException("Cluster '" + cluster + "' already has a node '" + target.name() + "'");
            }
            Dialect dialect = Dialect.forUrl(target.url());
            tracked = new Tracked(target, new NodeProbe(target.url(), target.username(), target.password(), dialect, health.timeout()));
            tracked.last = new NodeStatus(target.name(), target.configuredRole(), NodeState.DOWN, Double.NaN, -1,
                    dialect.positionUnit(), false, null, Duration.ZERO, "not probed yet");
            Map<String, Tracked> next = new LinkedHashMap<>(nodes);
            next.put(target.name(), tracked);
            nodes = next;
            Tracked added = tracked;
            statuses.updateAndGet(old -> {
                Map<String, NodeStatus> m = new LinkedHashMap<>(old);
                m.put(target.name(), added.last);
                return java.util.Collections.unmodifiableMap(m);
            });
        }
        if (closed) {
            return;
        }
        probeNow(List.of(tracked));
        synchronized (reconfiguring) {
            if (started && nodes.get(target.name()) == tracked) {
                long interval = health.interval().toNanos();
                tracked.schedule = scheduler.scheduleWithFixedDelay(() -> probe(tracked), interval, interval, TimeUnit.NANOSECONDS);
            }
        }
    }

    /**
     * Stops watching a node (a replica removed by a reload): no more probes, its probe connection closed, its status
     * gone from {@link #statuses()}. No-op for a node it does not watch.
     */
    public void removeTarget(String name) {
        Tracked removed;
        synchronized (reconfiguring) {
            removed = nodes.get(name);
            if (removed == null) {
                return;
            }
            Map<String, Tracked> next = new LinkedHashMap<>(nodes);
            next.remove(name);
            nodes = next;
            if (removed.schedule != null) {
                removed.schedule.cancel(false);
            }
            statuses.updateAndGet(old -> {
                Map<String, NodeStatus> m = new LinkedHashMap<>(old);
                m.remove(name);
                return java.util.Collections.unmodifiableMap(m);
            });
        }
        removed.closeProbes();
    }

    /**
     * New health settings and lag bound, for the probes from now on: a new interval reschedules every node's probe, a
     * new timeout reconnects each probe with it; the failure and success counts apply from the next probe.
     */
    public void reconfigure(HealthConfig health, Duration maxLag) {
        synchronized (reconfiguring) {
            HealthConfig before = this.health;
            this.health = health;
            this.maxLag = maxLag;
            if (!before.timeout().equals(health.timeout())) {
                for (Tracked t : nodes.values()) {
                    t.probe.retime(health.timeout());
                }
            }
            if (started && !closed && !before.interval().equals(health.interval())) {
                long interval = health.interval().toNanos();
                for (Tracked t : nodes.values()) {
                    if (t.schedule != null) {
                        t.schedule.cancel(false);
                    }
                    t.schedule = scheduler.scheduleWithFixedDelay(() -> probe(t), interval, interval, TimeUnit.NANOSECONDS);
                }
                silenceWatch.cancel(false);
                silenceWatch = scheduler.scheduleAtFixedRate(this::watchSilence, interval, interval, TimeUnit.NANOSECONDS);
                if (patroniPoll != null) {
                    patroniPoll.cancel(false);
                    patroniPoll = scheduler.scheduleWithFixedDelay(this::pollPatroni, interval, interval, TimeUnit.NANOSECONDS);
                }
            }
            if (patroni != null) {
                patroni.reconfigure(health.interval(), health.timeout());
            }
        }
    }

    /**
     * A hung server makes every probe wait out its timeout, so counting failed probes alone would take
     * failuresBeforeDown × timeout. A node silent for longer than interval × failuresBeforeDown + timeout is DOWN.
     */
    private void watchSilence() {
        long limit = health.interval().multipliedBy(health.failuresBeforeDown()).plus(health.timeout()).toNanos();
        long now = System.nanoTime();
        for (Tracked t : nodes.values()) {
            synchronized (t) {
                long silent = now - t.lastAnswerNanos;
                if (t.answered && t.state.serves() && silent > limit) {
                    NodeState before = t.state;
                    t.state = before.moveTo(NodeState.DOWN);
                    t.successes = 0;
                    String error = "no answer for " + silent / 1_000_000 + " ms";
                    LOG.warn("{} - node {} is silent: {}", cluster, t.target.name(), error);
                    t.last = new NodeStatus(t.last.name(), t.last.role(), NodeState.DOWN, t.last.lagSeconds(), t.last.lagPositions(),
                            t.last.positionUnit(), false, clock.instant(), t.last.lastProbeTime(), error, t.last.readPosition(),
                            t.last.outOfRotation());
                    publish(t, t.last);
                    fire(t.target.name(), TopologyEvent.Type.NODE_DOWN, before.name(), NodeState.DOWN.name());
                }
            }
        }
    }

    /** The latest snapshot, by node name in configuration order. */
    public Map<String, NodeStatus> statuses() {
        return statuses.get();
    }

    public void addListener(TopologyListener listener) {
        listeners.add(listener);
    }

    /** Hears how long each probe took and whether it answered (for the probe-duration timer). Internal. */
    @FunctionalInterface
    public interface ProbeObserver {
        void onProbe(String node, long nanos, boolean answered);
    }

    public void addProbeObserver(ProbeObserver observer) {
        probeObservers.add(observer);
    }

    /**
     * Runs {@code task} on the monitor's threads every {@code every} (with a fixed delay, the first after one delay)
     * until {@link #close()}: background work that, like the probes, must stay off the request path.
     */
    public void scheduleBackground(Runnable task, Duration every) {
        try {
            scheduler.scheduleWithFixedDelay(task, every.toNanos(), every.toNanos(), TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // closing
        }
    }

    /** Runs {@code task} once on the monitor's threads, soon; dropped when closing. */
    public void runInBackground(Runnable task) {
        if (!closed) {
            try {
                scheduler.execute(task);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // closing
            }
        }
    }

    /** Probes {@code node} now, off the caller's thread: the request path saw it fail. No-op if a probe is under way. */
    public void reprobe(String node) {
        Tracked t = nodes.get(node);
        if (t != null && !closed && !t.inFlight.get()) {
            try {
                scheduler.execute(() -> probe(t));
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // closing
            }
        }
    }

    /** Never routes to {@code node} again (a former primary after a failover). */
    public void fence(String node) {
        Tracked t = nodes.get(node);
        if (t == null) {
            throw new IllegalArgumentException("Cluster '" + cluster + "' has no node '" + node + "'; it has " + nodes.keySet());
        }
        synchronized (t) {
            NodeState before = t.state;
            t.state = before.moveTo(NodeState.FENCED);
            publish(t, t.last.withState(NodeState.FENCED));
            fire(node, TopologyEvent.Type.NODE_FENCED, before.name(), NodeState.FENCED.name());
        }
    }

    /**
     * Ends the fence of {@code node} (it follows the current primary as a replica): it is DOWN until its next good
     * probes bring it UP, as any node coming back. No-op for a node that is not fenced or not watched.
     */
    public void unfence(String node) {
        Tracked t = nodes.get(node);
        if (t == null) {
            return;
        }
        synchronized (t) {
            if (t.state != NodeState.FENCED) {
                return;
            }
            t.state = NodeState.FENCED.moveTo(NodeState.DOWN);
            t.successes = 0;
            publish(t, t.last.withState(NodeState.DOWN));
            fire(node, TopologyEvent.Type.NODE_DOWN, NodeState.FENCED.name(), NodeState.DOWN.name());
        }
        reprobe(node);
    }

    /** Why a replica whose replay is paused serves no reads: another instance (or an operator) holds it for a backup. */
    public static final String REPLAY_PAUSED = "replay paused";

    /**
     * Takes a replica out of read rotation at once, for {@code reason} (a backup on it): published before this returns,
     * so that no read routed after it goes there, and kept across probes until {@link #returnToRotation}. Routing reads
     * the reason from the status it already reads, so this costs the request path nothing.
     */
    public void holdOutOfRotation(String node, String reason) {
        java.util.Objects.requireNonNull(reason, "reason");
        Tracked t = tracked(node);
        synchronized (t) {
            t.heldOut = reason;
            rotate(t, reason);
        }
    }

    /**
     * Ends {@link #holdOutOfRotation}; the node serves reads again at once unless its last probe saw its replay paused
     * (then after the probe that sees it resumed: probed now). No-op for a node not held.
     */
    public void returnToRotation(String node) {
        Tracked t = tracked(node);
        synchronized (t) {
            if (t.heldOut == null) {
                return;
            }
            t.heldOut = null;
            rotate(t, t.replayPaused ? REPLAY_PAUSED : null);
        }
        reprobe(node);
    }

    private Tracked tracked(String node) {
        Tracked t = nodes.get(node);
        if (t == null) {
            throw new IllegalArgumentException("Cluster '" + cluster + "' has no node '" + node + "'; it has " + nodes.keySet());
        }
        return t;
    }

    /** Publishes {@code t} with {@code reason} (null: in rotation), and the event when it entered or left rotation. */
    private void rotate(Tracked t, String reason) {
        String before = t.last.outOfRotation();
        if (java.util.Objects.equals(before, reason)) {
            return;
        }
        t.last = t.last.withOutOfRotation(reason);
        publish(t, t.last);
        if (before == null) {
            fire(t.target.name(), TopologyEvent.Type.OUT_OF_ROTATION, "IN_ROTATION", "OUT_OF_ROTATION", reason);
        } else if (reason == null) {
            fire(t.target.name(), TopologyEvent.Type.BACK_IN_ROTATION, "OUT_OF_ROTATION", "IN_ROTATION", before);
        }
    }

    /**
     * The newest write position the monitor sampled on the primary, in the dialect's position unit; -1 when it has
     * none. After the primary is lost: the last known primary position that bounds a failover candidate's lag.
     */
    public long lastPrimaryPosition() {
        return history.latestPosition();
    }

    /** When {@link #lastPrimaryPosition()} was sampled ({@link System#nanoTime()}); 0 when never. */
    public long lastPrimarySampleNanos() {
        return history.latestNanos();
    }

    /** Delivers an event that did not come from a probe (a failover's outcome) to the listeners, on the caller's thread. */
    public void publishEvent(TopologyEvent event) {
        deliver(event);
    }

    /** The dialect each node's server confirmed. */
    public Dialect dialect(String node) {
        return nodes.get(node).probe.dialect();
    }

    private void probe(Tracked t) {
        if (closed || !t.inFlight.compareAndSet(false, true)) {
            return;
        }
        try {
            long start = System.nanoTime();
            Probe result = null;
            String error = null;
            try {
                result = t.probe.probe();
            } catch (Exception e) {
                error = t.probe.describe(e);
            }
            long end = System.nanoTime();
            for (ProbeObserver o : probeObservers) {
                o.onProbe(t.target.name(), end - start, result != null);
            }
            synchronized (t) {
                update(t, result, error, end, Duration.ofNanos(end - start));
            }
        } catch (RuntimeException e) {
            LOG.error("{} - monitor failed on node {}", cluster, t.target.name(), e);
        } finally {
            t.inFlight.set(false);
        }
    }

    /** Health, role and lag of one node from one probe: the whole decision, in one place. */
    private void update(Tracked t, Probe probe, String error, long atNanos, Duration took) {
        String name = t.target.name();
        NodeState before = t.state;
        Role roleBefore = t.role;
        Dialect dialect = t.probe.dialect();
        double lagSeconds = Double.NaN;
        long lagPositions = -1;
        boolean receiving = false;
        boolean first = t.probes++ == 0;
        long readPosition = probe != null ? probe.readPosition() : t.last.readPosition();
        if (probe != null) {
            t.failures = 0;
            t.successes++;
            t.lastAnswerNanos = atNanos;
            Role observed = dialect.comparesPositions() ? probe.role() : t.target.configuredRole();
            PatroniSource p = patroni;
            if (p != null) {
                Role believed = p.role(name, observed);
                if (believed != observed) {
                    error = p.disagreement(name);
                    if (roleBefore != believed) {
                        LOG.warn("{} - node {} is not taken as primary: {}", cluster, name, error);
                    }
                    observed = believed;
                }
            }
            t.role = observed;
            receiving = probe.receiving();
            if (probe.timeline() > 0 && observed == Role.REPLICA) {
                t.streamedTimeline = probe.timeline();
            }
            if (observed == Role.PRIMARY) {
                recordPrimary(name, probe.writePosition(), probe.timeline(), atNanos);
                lagSeconds = 0;
                lagPositions = 0;
            } else if (observed == Role.REPLICA && dialect.comparesPositions() && probe.timeline() != Probe.UNKNOWN_TIMELINE
                    && historyOwner == null) {
                // probed before any primary: which history it is on is not known yet (start() asks it again)
                readPosition = -1;
                lagSeconds = probe.reportedLagSeconds();
            } else if (observed == Role.REPLICA && dialect.comparesPositions()
                    && !Probe.follows(probe.timeline(), primaryTimeline())
                    && !(probe.timeline() == Probe.NOT_STREAMING && t.streamedTimeline == ownerTimeline && primaryUnanswered())) {
                // (a replica last seen streaming the primary's timeline, which lost its stream because the primary stopped
                // answering, keeps its place on that history: reads that must see a commit may still wait on it)
                // streaming another history, or none while the primary streams its own: its position may be ahead of
                // the primary's and hold none of its latest commits; neither its lag nor its position is known
                readPosition = -1;
                if (roleBefore == Role.REPLICA && t.last.readPosition() >= 0) {
                    LOG.warn("{} - replica {} is not streaming the primary's timeline {} (its timeline: {}); its lag is"
                            + " unknown until it does", cluster, name, primaryTimeline(),
                            probe.timeline() == Probe.NOT_STREAMING ? "not streaming" : probe.timeline());
                }
            } else if (observed == Role.REPLICA && dialect.comparesPositions()) {
                String owner = historyOwner;
                lagSeconds = owner == null ? Double.NaN : history.lagSeconds(probe.replayedPosition(), atNanos);
                if (Double.isNaN(lagSeconds)) {
                    lagSeconds = probe.reportedLagSeconds();
                }
                long latest = owner == null ? -1 : history.latestPosition();
                lagPositions = latest < 0 ? -1 : Math.max(0, latest - probe.replayedPosition());
            }
            if (before != NodeState.FENCED) {
                boolean recovering = before == NodeState.DOWN && t.answered && t.successes < health.successesBeforeUp();
                if (!recovering) {
                    boolean lagging = observed == Role.REPLICA && maxLag != null && !Double.isNaN(lagSeconds)
                            && lagSeconds * 1000 > maxLag.toMillis();
                    t.state = before.moveTo(lagging ? NodeState.LAGGING : NodeState.UP);
                }
            }
            t.answered = true;
        } else {
            t.successes = 0;
            t.failures++;
            if (before != NodeState.FENCED && (t.failures >= health.failuresBeforeDown() || !t.answered)) {
                t.state = before.moveTo(NodeState.DOWN);
            }
            if (t.failures == 1 || t.state != before) {
                LOG.warn("{} - probe of node {} failed ({} in a row): {}", cluster, name, t.failures, error);
            }
        }
        if (probe != null) {
            t.replayPaused = t.role == Role.REPLICA && probe.replayPaused();
        }
        String rotationBefore = t.last.outOfRotation();
        String rotation = t.heldOut != null ? t.heldOut : t.replayPaused ? REPLAY_PAUSED : null;
        NodeStatus status = new NodeStatus(name, t.role, t.state, lagSeconds, lagPositions, dialect.positionUnit(), receiving,
                clock.instant(), took, error, readPosition, rotation);
        t.last = status;
        publish(t, status);
        if (first) {
            return; // the first round establishes the topology; nothing changed
        }
        if (rotationBefore == null && rotation != null) {
            fire(name, TopologyEvent.Type.OUT_OF_ROTATION, "IN_ROTATION", "OUT_OF_ROTATION", rotation);
        } else if (rotationBefore != null && rotation == null) {
            fire(name, TopologyEvent.Type.BACK_IN_ROTATION, "OUT_OF_ROTATION", "IN_ROTATION", rotationBefore);
        }
        if (roleBefore != t.role) {
            fire(name, TopologyEvent.Type.ROLE_CHANGED, roleBefore.name(), t.role.name());
            if (t.role == Role.PRIMARY) {
                // another instance switched over or failed over: the old primary was fenced since its last probe here,
                // and until it is probed again this instance would see two primaries (writes refused as split brain)
                for (Tracked other : nodes.values()) {
                    if (other != t && other.role == Role.PRIMARY) {
                        reprobe(other.target.name());
                    }
                }
            }
        }
        if (before != t.state) {
            TopologyEvent.Type type = switch (t.state) {
                case DOWN -> TopologyEvent.Type.NODE_DOWN;
                case LAGGING -> before == NodeState.DOWN ? TopologyEvent.Type.NODE_UP : TopologyEvent.Type.LAG_OVER_THRESHOLD;
                case UP -> before == NodeState.DOWN ? TopologyEvent.Type.NODE_UP : TopologyEvent.Type.LAG_UNDER_THRESHOLD;
                case FENCED -> TopologyEvent.Type.NODE_FENCED;
            };
            fire(name, type, before.name(), t.state.name());
        }
    }

    /** Samples the primary's position; only one node's history is kept, and a new primary starts a new one. */
    private void recordPrimary(String name, long position, long timeline, long atNanos) {
        String owner = historyOwner;
        if (owner != null && !owner.equals(name)) {
            Tracked current = nodes.get(owner);
            if (current.role == Role.PRIMARY && current.state.serves()) {
                return; // two primaries: keep the history of the first; writes fail closed elsewhere
            }
            history.clear();
        }
        historyOwner = name;
        ownerTimeline = timeline;
        history.record(atNanos, position);
    }

    /**
     * A replica on {@code timeline} replays the primary's history: where the dialect has timelines, only once a
     * primary's is known and equal. Before the monitor has recorded a primary, a replica on a history that diverged
     * (numerically ahead, none of the new primary's commits) would otherwise have its position confirmed, and reads
     * that must see a commit would take it as caught up.
     */
    private boolean onPrimaryHistory(long timeline) {
        if (timeline == Probe.UNKNOWN_TIMELINE) {
            return true; // no timelines (MySQL, MariaDB: GTIDs say what a replica holds)
        }
        long primary = primaryTimeline();
        return primary != Probe.UNKNOWN_TIMELINE && timeline == primary;
    }

    /** The primary whose history replicas follow did not answer its last probe. */
    private boolean primaryUnanswered() {
        String owner = historyOwner;
        Tracked t = owner == null ? null : nodes.get(owner);
        return t != null && t.failures > 0;
    }

    /**
     * The timeline of the primary whose history replicas follow, whether or not it serves now; {@link
     * Probe#UNKNOWN_TIMELINE} when there is none yet or the dialect has none. A primary not serving yet (still
     * counting its first good probes) or not any more still says which history counts: a replica on another one,
     * numerically ahead, holds none of its commits, and a position confirmed there would let reads that must see them
     * read it stale. (A replica that lost its stream when the primary stopped answering keeps its place: see probe.)
     */
    long primaryTimeline() {
        String owner = historyOwner;
        Tracked t = owner == null ? null : nodes.get(owner);
        return t != null && t.role == Role.PRIMARY ? ownerTimeline : Probe.UNKNOWN_TIMELINE;
    }

    /**
     * Reads had to see commits {@code node} was not known to have replayed ({@link Node#wantPosition}, which keeps to
     * its budget): its replayed position is read on a connection of its own, on the refresher thread, and confirmed to the node (on the primary's timeline only), so that the next reads find it there
     * without a wait. The request path only enqueues and wakes the thread.
     */
    public void refreshPosition(Node node) {
        if (closed) {
            return;
        }
        positionsWanted.add(node);
        Thread r = refresher;
        if (r == null) {
            synchronized (positionsWanted) {
                r = refresher;
                if (r == null && !closed) {
                    r = new Thread(this::refreshLoop, "replicaware-" + cluster + "-positions");
                    r.setDaemon(true);
                    refresher = r;
                    r.start();
                }
            }
        }
        java.util.concurrent.locks.LockSupport.unpark(r);
    }

    /** Position refreshes done so far. */
    public long positionRefreshes() {
        return refreshes.sum();
    }

    /**
     * One refresh per node in a round, rounds at most every {@link #REFRESH_GAP_NANOS}: enough to follow replicas a
     * few hundred microseconds behind, bounded in what it costs them (a small query each) whatever the read rate.
     */
    static final long REFRESH_GAP_NANOS = 1_000_000;

    private void refreshLoop() {
        List<Node> round = new ArrayList<>();
        while (!closed) {
            Node n;
            while ((n = positionsWanted.poll()) != null) {
                if (!round.contains(n)) {
                    round.add(n);
                }
            }
            if (round.isEmpty()) {
                java.util.concurrent.locks.LockSupport.park(this);
                continue;
            }
            long began = System.nanoTime();
            for (Node node : round) {
                if (node.takePositionWanted()) {
                    refresh(node);
                }
            }
            round.clear();
            long left = REFRESH_GAP_NANOS - (System.nanoTime() - began);
            if (left > 0) {
                java.util.concurrent.locks.LockSupport.parkNanos(left);
            }
        }
    }

    private void refresh(Node node) {
        Tracked t = nodes.get(node.name());
        if (t == null) {
            return;
        }
        long epoch = node.confirmationEpoch();
        node.refreshing(System.nanoTime());
        try {
            dev.replicaware.dialect.Replayed r = t.positions().replayed();
            refreshes.increment();
            if (r != null && r.position() != Probe.NO_POSITION && onPrimaryHistory(r.timeline())) {
                node.confirmReadPosition(epoch, r.position(), r.gtids());
            }
        } catch (SQLException | RuntimeException e) {
            LOG.debug("{} - refreshing the replayed position of node {} failed: {}", cluster, node.name(), t.probe.describe(e));
        }
    }

    private void publish(Tracked t, NodeStatus status) {
        Map<String, Tracked> current = nodes;
        if (!current.containsKey(t.target.name())) {
            return; // removed by a reload while its last probe ran
        }
        // One publication at a time, in the order of the updates: two nodes' probes publishing at once could otherwise
        // hand over their maps in the opposite order, and the older map undo the newer status until the next probe
        // (seen as a read routed to a replica a backup had just taken out of rotation).
        synchronized (publishing) {
            Map<String, NodeStatus> next = statuses.updateAndGet(old -> {
                Map<String, NodeStatus> m = new LinkedHashMap<>(old.size());
                for (String n : current.keySet()) {
                    m.put(n, n.equals(t.target.name()) ? status : old.getOrDefault(n, current.get(n).last));
                }
                return java.util.Collections.unmodifiableMap(m);
            });
            if (onPublish != null) {
                onPublish.accept(next);
            }
        }
    }

    private void fire(String node, TopologyEvent.Type type, String from, String to) {
        fire(node, type, from, to, null);
    }

    private void fire(String node, TopologyEvent.Type type, String from, String to, String detail) {
        TopologyEvent event = new TopologyEvent(cluster, node, type, from, to, clock.instant(), detail, null);
        if (type == TopologyEvent.Type.NODE_DOWN || type == TopologyEvent.Type.ROLE_CHANGED || type == TopologyEvent.Type.NODE_FENCED) {
            LOG.warn("{} - {}", cluster, event);
        } else {
            LOG.info("{} - {}", cluster, event);
        }
        deliver(event);
    }

    private void deliver(TopologyEvent event) {
        for (TopologyListener l : listeners) {
            try {
                l.onEvent(event);
            } catch (RuntimeException e) {
                LOG.warn("{} - topology listener {} failed on {}", cluster, l, event, e);
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        scheduler.shutdownNow();
        try {
            scheduler.awaitTermination(health.timeout().toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Thread r = refresher;
        if (r != null) {
            java.util.concurrent.locks.LockSupport.unpark(r);
        }
        for (Tracked t : nodes.values()) {
            t.closeProbes();
        }
    }

    /** Per-node monitor state; touched by one probe at a time (inFlight) and by fence(), both under its monitor. */
    private final class Tracked {
        final Target target;
        final NodeProbe probe;
        /** The position refresher's own connection to the node, opened on first use: never the probe's. */
        private volatile NodeProbe positions;
        final AtomicBoolean inFlight = new AtomicBoolean();
        volatile java.util.concurrent.ScheduledFuture<?> schedule;
        volatile NodeState state = NodeState.DOWN; // volatile: primaryTimeline() reads the primary's from other threads
        volatile Role role;
        int failures;
        int successes;
        long probes;
        /** The timeline a replica was last seen streaming; a primary's history it may keep when that primary fails. */
        long streamedTimeline = Probe.UNKNOWN_TIMELINE;
        long lastAnswerNanos;
        boolean answered;
        NodeStatus last;
        /** Why this instance holds the node out of read rotation (a backup); null when it does not. */
        String heldOut;
        /** The last answered probe saw the replica's replay paused. */
        boolean replayPaused;

        Tracked(Target target, NodeProbe probe) {
            this.target = target;
            this.probe = probe;
            this.role = target.configuredRole();
        }

        NodeProbe positions() {
            NodeProbe p = positions;
            if (p == null) {
                synchronized (this) {
                    p = positions;
                    if (p == null) {
                        p = new NodeProbe(target.url(), target.username(), target.password(), probe.dialect(), health.timeout());
                        positions = p;
                    }
                }
            }
            return p;
        }

        void closeProbes() {
            probe.close();
            NodeProbe p = positions;
            if (p != null) {
                p.close();
            }
        }
    }
}
