package dev.replicaware.failover;

import dev.replicaware.config.ClusterConfig;
import dev.replicaware.config.FailoverConfig;
import dev.replicaware.config.FailoverConfig.Mode;
import dev.replicaware.config.NodeConfig;
import dev.replicaware.dialect.AdminErrors;
import dev.replicaware.dialect.Dialect;
import dev.replicaware.dialect.Probe;
import dev.replicaware.dialect.Role;
import dev.replicaware.failover.FailoverSteps.Refused;
import dev.replicaware.topology.Node;
import dev.replicaware.topology.NodeState;
import dev.replicaware.topology.NodeStatus;
import dev.replicaware.topology.TopologyEvent;
import dev.replicaware.topology.TopologyListener;
import dev.replicaware.topology.TopologyMonitor;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Internal: what happens when the primary is lost, and planned switchovers. Everything runs on one daemon thread,
 * {@code replicaware-<cluster>-failover}, never on a probe thread and never on the request path.
 *
 * <p>Every {@link #evaluate() evaluation} (on each monitor event, and once a probe interval) reads the monitor's
 * statuses. When the node last seen as primary is DOWN and none serves in its place:
 * {@code disabled} mode reports it (writes fail fast), {@code external} mode waits for the servers to report a new
 * primary (the monitor follows observed roles), and {@code automatic} mode runs {@link #failover(String)}, whose
 * steps read top-down in {@link #replace}, each a method of its own:
 * <ol>
 *   <li>open admin sessions to every node the monitor can reach;</li>
 *   <li>take the failover lock on a quorum of the nodes ({@link FailoverQuorum}), or follow whoever holds it;</li>
 *   <li>ask the replicas afresh: one that says it is primary is followed; one that still receives from the lost
 *       primary proves it alive (only this application lost it): refuse;</li>
 *   <li>choose the candidate ({@link Candidates#choose}) and refuse one beyond {@code maxLagOnFailover};</li>
 *   <li>wait (bounded by {@code writeWait}) until it replayed everything it received;</li>
 *   <li>close the old primary's pool, which aborts connections still in use there, then promote the candidate and
 *       verify its role flipped;</li>
 *   <li>fence the old primary ({@link FencedNodes}: not routed to until it follows the new one);</li>
 *   <li>publish the new topology (the monitor re-probes the new primary);</li>
 *   <li>re-point every other replica to it, and verify they follow it;</li>
 *   <li>release the locks (close the sessions).</li>
 * </ol>
 */
public final class FailoverCoordinator implements TopologyListener, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FailoverCoordinator.class);
    /** Socket timeout of admin sessions: longer than {@code pg_promote}'s own 30 s wait. */
    private static final Duration ADMIN_STATEMENT_TIMEOUT = Duration.ofSeconds(40);
    private static final Duration VERIFY_TIMEOUT = Duration.ofSeconds(10);
    /** How a switchover's FAILOVER_COMPLETED detail begins: the metrics binder tells switchovers from failovers by it. */
    private static final String SWITCHOVER_DETAIL = "switchover from ";

    private final String cluster;
    // replaced whole by reconfigure(); read on the failover thread
    private volatile FailoverConfig config;
    private volatile Duration probeTimeout;
    private volatile Duration interval;
    private volatile Map<String, NodeConfig> nodeConfigs = Map.of();
    private volatile Map<String, Node> nodes = Map.of();
    private final TopologyMonitor monitor;
    private final Runnable republish;
    private final Clock clock;
    private final ScheduledExecutorService executor;

    // Touched on the failover thread only, except where volatile.
    private volatile String lastPrimary;
    private String removedPrimary;
    private volatile String situation;
    private volatile boolean holdWrites;
    private volatile String replacing;
    private volatile boolean closed;
    private long episodeStartNanos;
    private boolean episodeAnnounced;
    private String lastRefusal;
    private long nextAttemptNanos;
    private final FencedNodes fenced;
    /**
     * Replicas a failover or switchover could not point at the primary (down or restarting, a broken session; an
     * aborted switchover that could not point them back), with the primary they must follow: re-pointed when they next
     * answer while that primary serves (the explorer's postgres seed 161 and mariadb seed 120 left one cascading for
     * good). Failover thread only.
     */
    private final Map<String, String> owedRepoints = new LinkedHashMap<>();
    /**
     * A promotion this instance sent that it could not see through (the candidate died or its session broke before
     * it answered): the candidate may come back a primary on a history of its own. Null when none. Failover thread only.
     */
    private InterruptedPromotion interruptedPromotion;

    private record InterruptedPromotion(String candidate, String lost) { }

    private long started;
    private long completed;
    private long refused;
    private Duration totalDuration = Duration.ZERO;
    private Duration lastDuration = Duration.ZERO;
    private String lastOutcome;

    /** A reloaded configuration: its nodes (replicas added or removed), failover and health settings apply from now on. */
    public void reconfigure(ClusterConfig next, List<Node> live) {
        Map<String, NodeConfig> configs = new LinkedHashMap<>();
        for (NodeConfig n : next.nodes()) {
            configs.put(n.name(), n);
        }
        Map<String, Node> byName = new LinkedHashMap<>();
        for (Node n : live) {
            byName.put(n.name(), n);
        }
        this.config = next.failover();
        this.probeTimeout = next.health().timeout();
        this.interval = next.health().interval();
        this.nodeConfigs = java.util.Collections.unmodifiableMap(configs);
        this.nodes = java.util.Collections.unmodifiableMap(byName);
    }

    /**
     * @param republish rebuilds and publishes the routing topology from the nodes' statuses (used to hold writes)
     */
    public FailoverCoordinator(ClusterConfig config, List<Node> nodes, TopologyMonitor monitor, Runnable republish) {
        this.cluster = config.name();
        reconfigure(config, nodes);
        this.monitor = monitor;
        this.republish = republish;
        this.clock = Clock.systemUTC();
        this.fenced = new FencedNodes(cluster, monitor, (node, connectTimeout, timeout) -> AdminSessions.openInterruptibly(node,
                nodeConfigs.get(node).url(), this.config, connectTimeout, timeout), this::describe);
        this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "replicaware-" + cluster + "-failover");
            t.setDaemon(true);
            return t;
        });
    }

    /** Notes the primary the monitor's first round found, then evaluates on every event and once an interval. */
    public void start() {
        lastPrimary = servingPrimaries(monitor.statuses()).stream().findFirst().orElse(null);
        long every = interval.toNanos();
        executor.scheduleWithFixedDelay(this::evaluateSafely, every, every, TimeUnit.NANOSECONDS);
    }

    /** Monitor events arrive on probe threads: hand them to the failover thread at once. */
    @Override
    public void onEvent(TopologyEvent event) {
        switch (event.type()) {
            case NODE_DOWN, NODE_UP, ROLE_CHANGED, NODE_FENCED -> submit(this::evaluateSafely);
            default -> { }
        }
    }

    /** While true, the DataSource publishes topologies without a primary: new writes wait (a switchover). */
    public boolean holdsWrites() {
        return holdWrites;
    }

    /**
     * The lost primary a failover is replacing, null when none: the DataSource routes no write there however its
     * probes look (writes wait for the new primary), so that a node that restarts during the failover takes no write
     * the promotion would then lose. Cleared when the failover ends: by then it is fenced, or it serves again.
     */
    public String replacing() {
        return replacing;
    }

    /**
     * What is happening while there is no primary, for {@code NoPrimaryAvailableException}; null when nothing is known
     * beyond the nodes' states.
     */
    public String situation() {
        String s = situation;
        if (s == null && config.mode() == Mode.DISABLED) {
            return "failover.mode is disabled: writes fail until the primary is back";
        }
        return s;
    }

    /** Counts and durations so far. */
    public synchronized FailoverStats stats() {
        return new FailoverStats(started, completed, refused, totalDuration, lastDuration, lastOutcome);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Evaluation: the one place that decides whether to act.
    // ---------------------------------------------------------------------------------------------------------------

    private void evaluateSafely() {
        try {
            evaluate();
        } catch (RuntimeException e) {
            LOG.error("{} - failover evaluation failed", cluster, e);
        }
    }

    private void evaluate() {
        if (closed) {
            return;
        }
        fenced.sweep();
        Map<String, NodeStatus> statuses = monitor.statuses();
        if (lastPrimary != null && !statuses.containsKey(lastPrimary)) {
            LOG.warn("{} - the last primary {} was removed from the configuration; waiting for a node to serve as primary",
                    cluster, lastPrimary);
            removedPrimary = lastPrimary;
            lastPrimary = null; // a reload removed it: nothing to fail over from, nothing to fence
        }
        List<String> primaries = servingPrimaries(statuses);
        if (primaries.size() == 1) {
            String primary = primaries.get(0);
            String previous = lastPrimary;
            if (previous != null && !previous.equals(primary)) {
                // another node took over (promoted by another instance or an orchestrator): writes in flight on the old
                // primary must not commit there once it resumes, so its connections are aborted
                cutOff(previous);
                NodeStatus old = statuses.get(previous);
                if (config.mode() == Mode.AUTOMATIC && old.state() != NodeState.FENCED && !FencedNodes.follows(old)) {
                    // (one that already follows rejoined after a switchover by another instance: nothing to fence)
                    fenced.fence(previous, "replaced by " + primary);
                }
            }
            lastPrimary = primary;
            removedPrimary = null;
            fenceInterruptedCandidate(primary);
            settleOwedRepoints(primary, statuses);
            fenced.liftWhereFollowing(monitor.statuses(), primary);
            fenced.holdSessionOn(config.mode() == Mode.AUTOMATIC ? primary : null);
            endEpisode();
            return;
        }
        if (primaries.size() > 1) {
            situation = "split brain: " + primaries + " all claim to be the primary";
            return;
        }
        String lost = lastPrimary;
        if (lost == null) {
            situation = removedPrimary != null
                    ? "the last primary " + removedPrimary + " was removed from the configuration by a reload; no other node serves as primary"
                    : "no node has been seen as the primary since start-up";
            return;
        }
        NodeStatus status = statuses.get(lost);
        if (status.state() == NodeState.FENCED || (status.state() != NodeState.DOWN && status.role() == Role.PRIMARY)) {
            return;
        }
        if (status.state() != NodeState.DOWN && status.role() == Role.FENCED) {
            // another instance fenced it (a switchover, or the end of its failover): the new primary shows at its next probe
            situation = "the primary " + lost + " was fenced by another instance; waiting for the node that replaces it";
            return;
        }
        if (episodeStartNanos == 0) {
            episodeStartNanos = System.nanoTime();
        }
        switch (config.mode()) {
            case DISABLED -> situation = "the primary " + lost + " is " + status.state() + " and failover.mode is disabled:"
                    + " writes fail until it is back";
            case EXTERNAL -> situation = "the primary " + lost + " is " + status.state() + " for " + episodeMillis()
                    + " ms; waiting for an external promotion (failover.mode external)";
            case AUTOMATIC -> {
                if (System.nanoTime() - nextAttemptNanos >= 0) {
                    boolean done = failover(lost);
                    if (!done) {
                        long backoff = Math.max(interval.toNanos() * 2, TimeUnit.SECONDS.toNanos(1));
                        nextAttemptNanos = System.nanoTime() + backoff + ThreadLocalRandom.current().nextLong(backoff / 2);
                    }
                }
            }
        }
    }

    private void endEpisode() {
        situation = null;
        episodeStartNanos = 0;
        episodeAnnounced = false;
        lastRefusal = null;
        nextAttemptNanos = 0;
    }

    private long episodeMillis() {
        return episodeStartNanos == 0 ? 0 : (System.nanoTime() - episodeStartNanos) / 1_000_000;
    }

    private static List<String> servingPrimaries(Map<String, NodeStatus> statuses) {
        List<String> primaries = new ArrayList<>(1);
        for (NodeStatus s : statuses.values()) {
            if (s.role() == Role.PRIMARY && s.state().serves()) {
                primaries.add(s.name());
            }
        }
        return primaries;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // The failover sequence.
    // ---------------------------------------------------------------------------------------------------------------

    /** One attempt to replace the lost primary; true when a new primary is published (by us or found). */
    private boolean failover(String lost) {
        announce(lost);
        replacing = lost; // from here until it is fenced or found serving again, it takes no write
        republish.run();
        boolean back = answersReadOnly(lost);
        try (FailoverSessions sessions = openSessions(back ? null : lost)) { // admin sessions to every node the monitor can reach
            return replace(lost, back, sessions);
        } catch (SQLException | RuntimeException e) { // closing the sessions released the locks
            return refuse("the failover sequence failed: " + describe(e));
        } finally {
            replacing = null;
            republish.run();
        }
    }

    /**
     * The sequence, a step a line; each step is a method below (the decisions that need no server are in
     * {@link FailoverSteps}). A step that refuses throws {@link Refused}: nothing after it runs.
     */
    private boolean replace(String lost, boolean back, FailoverSessions sessions) throws SQLException {
        try {
            lock(sessions, back ? null : lost);                             // 1. lock a quorum of the nodes
            if (resolvedMeanwhile(lost, back)) {
                return true;                                                //    it came back, or a primary appeared
            }
            Map<String, Probe> answers = sessions.probeAll();               // 2. ask the replicas afresh
            String claimant = FailoverSteps.claimsPrimary(answers);
            if (claimant != null) {
                return follow(claimant);                                    //    one says it is primary: follow it
            }
            if (!back) {
                FailoverSteps.refuseIfAlive(lost, answers);                 //    still receiving: the primary lives
            } else {                                                        //    back read-only: all must answer
                FailoverSteps.refuseRestoringUnlessAllAnswer(lost, answers, unfenced());
            }
            Dialect dialect = promotingDialect(sessions);
            if (!back) {
                refuseIfAnAcknowledgerIsSilent(sessions, dialect, lost, answers); // semi-sync: every replica answers
            }
            Chosen chosen = choose(lost, back, answers, dialect);           // 3. choose the candidate
            Connection c = sessions.connection(chosen.name());
            boolean restored = chosen.name().equals(lost);                  //    (the lost primary itself, back read-only)
            List<String> stopped = restored ? List.of()                     //    MariaDB/MySQL: no replica receives from
                    : stopReceiving(sessions, dialect, chosen.name(), lost); //    the old primary from here on
            boolean promoted = false;
            try {
                drain(dialect, c, chosen.name());                           // 4. let it replay what it received
                if (!restored) {
                    refuseIfBack(lost, dialect);                            //    it restarted meanwhile: it serves again
                }
                promote(dialect, c, chosen.name(), restored ? null : lost); // 5. cut off the old primary, promote, verify
                promoted = true;
            } finally {
                if (!promoted) {
                    startReceiving(sessions, dialect, stopped);             //    refused: they replicate as before
                }
            }
            if (!restored) {
                fenced.fence(lost, "replaced by " + chosen.name());         // 6. fence the old primary
            }
            awaitPublished(chosen.name());                                  // 7. verify the monitor publishes it
            lastPrimary = chosen.name();
            // last: re-pointing a MariaDB replica still connected to a hung old primary was seen to take 7 s, which
            // delayed the fence and the publication when they came after it
            List<String> notRepointed = repointOthers(sessions, chosen.name(), lost); // 8. re-point the other replicas
            owe(notRepointed, chosen.name());                                //    (those it could not: when they answer)
            owe(unreachedNames(sessions, chosen.name(), lost), chosen.name());
            notRepointed.addAll(unreached(sessions, chosen.name(), lost));  //    (and say which it could not reach)
            List<String> repointed = repointedOf(sessions, chosen.name(), notRepointed);
            repointed.remove(lost);
            List<String> notFollowing = awaitFollowing(sessions, dialect, chosen.name(), repointed); // 9. verify the replicas follow it
            completed(chosen.name(), lost, (restored ? restoredDetail(lost, chosen, dialect, notRepointed) : promotedDetail(lost, chosen, dialect, notRepointed))
                    + notFollowingDetail(notFollowing, chosen.name()), Duration.ofNanos(System.nanoTime() - episodeStartNanos));
            endEpisode();
            return true;
        } catch (Refused r) {
            return refuse(r.getMessage());
        }
    }

    /**
     * Step 2, continued, where replicas acknowledge commits (MariaDB and MySQL semi-synchronous replication): a commit
     * the lost primary acknowledged is on at least one replica, perhaps only on one that did not answer, and promoting
     * another would lose it (the explorer's mariadb seed 151: a replica cut off from the application took the last
     * acknowledgement, the other was promoted without it). So every replica that is not fenced must answer first;
     * until then nothing is promoted, and the next attempt asks again.
     */
    private void refuseIfAnAcknowledgerIsSilent(FailoverSessions sessions, Dialect dialect, String lost, Map<String, Probe> answers)
            throws Refused {
        boolean acknowledging = false;
        for (String name : answers.keySet()) {
            Connection c = sessions.connection(name);
            if (name.equals(lost) || c == null) {
                continue;
            }
            try {
                if (dialect.acknowledgesCommits(c)) {
                    acknowledging = true;
                    break;
                }
            } catch (SQLException | RuntimeException e) {
                LOG.debug("{} - could not read whether {} acknowledges commits: {}", cluster, name, describe(e));
            }
        }
        if (!acknowledging) {
            return;
        }
        List<String> silent = unfenced().stream().filter(n -> !n.equals(lost) && !answers.containsKey(n)).toList();
        if (!silent.isEmpty()) {
            throw new Refused("the replicas acknowledge commits (semi-synchronous replication) and " + silent
                    + " did not answer: a commit " + lost + " acknowledged may be there alone, so no replica is promoted"
                    + " until every replica that is not fenced answers");
        }
    }

    /**
     * Step 3, continued, where replicas acknowledge what they receive (MariaDB and MySQL semi-synchronous replication):
     * every reachable replica, the candidate included, stops receiving from the old primary, and then none may hold
     * more than the candidate. A lost primary that resumes mid-failover (a pause, a partition that heals) finishes the
     * commits it had in flight: a replica still receiving from it would acknowledge them, so that they are reported
     * committed to the application, and the candidate, whose relay log the promotion discards, would never hold them
     * (the explorer's mariadb seeds 63 and 71: two acknowledged writes lost each, on a replica that then could not
     * follow the new primary). Answers the replicas stopped; a replica found ahead refuses this attempt, and the next
     * one chooses again. One that cannot be stopped (no admin session, an error) is named in the log.
     */
    private List<String> stopReceiving(FailoverSessions sessions, Dialect dialect, String candidate, String lost) throws Refused {
        List<String> stopped = new ArrayList<>();
        if (!dialect.stopsReceivingBeforePromotion()) {
            return stopped;
        }
        for (String name : sessions.names()) {
            if (name.equals(lost)) {
                continue;
            }
            try {
                dialect.stopReceiving(sessions.connection(name));
                stopped.add(name);
            } catch (SQLException | RuntimeException e) {
                LOG.warn("{} - could not stop replica {} receiving from {} before the promotion of {}: {}", cluster, name, lost,
                        candidate, describe(e));
            }
        }
        if (!stopped.contains(candidate)) {
            startReceiving(sessions, dialect, stopped);
            throw new Refused("could not stop the candidate " + candidate + " receiving from " + lost + " before promoting it");
        }
        Map<String, Probe> now = sessions.probeAll();
        Probe mine = now.get(candidate);
        for (String name : stopped) {
            Probe theirs = now.get(name);
            if (!name.equals(candidate) && (mine == null || theirs != null && theirs.receivedPosition() > mine.receivedPosition())) {
                startReceiving(sessions, dialect, stopped);
                throw new Refused("replica " + name + " received more from " + lost + " than the candidate " + candidate + " ("
                        + (theirs == null ? "?" : theirs.receivedPosition()) + " against " + (mine == null ? "?" : mine.receivedPosition())
                        + " " + dialect.positionUnit() + ") once both stopped receiving; the next attempt chooses again");
            }
        }
        return stopped;
    }

    /** Lets the replicas {@link #stopReceiving} stopped receive again: the attempt was refused or failed. */
    private void startReceiving(FailoverSessions sessions, Dialect dialect, List<String> stopped) {
        for (String name : stopped) {
            try {
                dialect.startReceiving(sessions.connection(name));
            } catch (SQLException | RuntimeException e) {
                LOG.warn("{} - could not let replica {} receive again after a refused failover: {}; it needs START REPLICA IO_THREAD",
                        cluster, name, describe(e));
            }
        }
    }

    /** Counts the episode and fires {@code FAILOVER_STARTED} once; says the failover is in progress. */
    private void announce(String lost) {
        if (!episodeAnnounced) {
            episodeAnnounced = true;
            synchronized (this) {
                started++;
            }
            fire(lost, TopologyEvent.Type.FAILOVER_STARTED, "PRIMARY", "DOWN", "the primary " + lost + " is DOWN: "
                    + monitor.statuses().get(lost).lastError(), null);
        }
        if (lastRefusal == null) {
            situation = "the primary " + lost + " is DOWN for " + episodeMillis() + " ms; failover in progress";
        } // else the last refusal's reason stands until something changes
    }

    /** Step 1: the failover lock on a majority of all configured nodes ({@link FailoverQuorum}), or refuse. */
    private void lock(FailoverSessions sessions, String lost) throws Refused {
        List<String> locked = sessions.lockInOrder();
        String noQuorum = FailoverQuorum.refusal(FailoverQuorum.voters(nodeConfigs.keySet(), lost), locked, sessions.heldElsewhere(),
                sessions.failures);
        if (noQuorum != null) {
            throw new Refused(noQuorum);
        }
    }

    /**
     * After the lock: a primary appeared, or the lost primary came back (the next evaluation follows it, or, back
     * read-only, lets it take part); {@code back}: it took part in this attempt already.
     */
    private boolean resolvedMeanwhile(String lost, boolean back) {
        NodeStatus lostStatus = monitor.statuses().get(lost);
        return (!back && lostStatus.state() != NodeState.DOWN) || !servingPrimaries(monitor.statuses()).isEmpty();
    }

    /**
     * The lost primary answers again, read-only and not fenced: MariaDB and MySQL restart a promoted replica read-only
     * as its configuration file says, and nothing else would ever make it writable again. It is no longer lost: it
     * votes for the lock and is a candidate (preferred among equals), for it may hold writes no other node has.
     */
    private boolean answersReadOnly(String lost) {
        NodeStatus s = monitor.statuses().get(lost);
        return s.state().serves() && s.role() == Role.REPLICA;
    }

    /**
     * Right before promoting: the lost primary answers again and still says it is primary (it restarted while the
     * candidate replayed). It took no write since the failover began ({@link #replacing()}), so it serves again and
     * nothing is promoted: promoting would leave its writes from before the loss that the candidate never received
     * on a node about to be fenced. A node that does not answer within the probe timeout is taken as still lost.
     */
    private void refuseIfBack(String lost, Dialect dialect) throws Refused {
        Role role;
        // the probe timeout bounds the statement too: a paused primary must not hold the promotion for 40 s
        try (Connection c = AdminSessions.open(lost, nodeConfigs.get(lost).url(), dialect, config, probeTimeout, probeTimeout)) {
            role = dialect.probe(c).role();
        } catch (SQLException | RuntimeException e) {
            return;
        }
        if (role == Role.PRIMARY) {
            monitor.reprobe(lost);
            throw new Refused("the lost primary " + lost + " answers again as primary (it restarted during the failover);"
                    + " nothing promoted, it serves again once the monitor sees it up");
        }
    }

    /** Step 2: a node says it is the primary now: the monitor re-probes it, and routing follows. */
    private boolean follow(String claimant) {
        monitor.reprobe(claimant);
        situation = "node " + claimant + " says it is the primary now; following it";
        return true;
    }

    private static Dialect promotingDialect(FailoverSessions sessions) throws Refused {
        Dialect dialect = sessions.dialect();
        if (dialect == null || !dialect.supportsFailover()) {
            throw new Refused("the " + (dialect == null ? "unknown" : dialect.name()) + " dialect cannot promote a replica");
        }
        return dialect;
    }

    /** The candidate chosen, how far behind the freshest known position, and how old that position's sample was. */
    private record Chosen(String name, long behind, String sampleAge) {}

    /** Step 3: the candidate ({@link Candidates#choose}); refuses one beyond {@code maxLagOnFailover}. */
    private Chosen choose(String lost, boolean back, Map<String, Probe> answers, Dialect dialect) throws Refused {
        List<Candidates.Replica> reachable = FailoverSteps.candidates(answers, name -> nodeConfigs.get(name).priority());
        if (back) {
            reachable = FailoverSteps.preferringLostPrimary(reachable, lost, answers.get(lost));
        }
        long maxLag = config.maxLagOnFailover() != null ? config.maxLagOnFailover() : dialect.defaultMaxLagOnFailover();
        Candidates.Choice choice = Candidates.choose(reachable, monitor.lastPrimaryPosition(), maxLag, dialect.positionUnit());
        String sampleAge = sampleAge();
        if (choice.refusal() != null) {
            throw new Refused(choice.refusal() + sampleAge);
        }
        String candidate = choice.candidate().name();
        situation = "the primary " + lost + " is DOWN for " + episodeMillis() + " ms; promotion of " + candidate + " in progress";
        return new Chosen(candidate, choice.behind(), sampleAge);
    }

    /** Step 4: waits (bounded by {@code writeWait}) until the candidate replayed what it received, or refuses. */
    private void drain(Dialect dialect, Connection c, String candidate) throws SQLException, Refused {
        FailoverSteps.refuseIfNotDrained(candidate, dialect.awaitReplayed(c, config.writeWait()), config.writeWait());
    }

    /**
     * Step 5: cuts the application off the old primary, then promotes and verifies the role flipped. Closing its pool
     * aborts the connections still in use there: a hung primary that resumes must not acknowledge a write in flight
     * once another node takes writes. It gets a new pool: should the promotion fail and the old primary come back, it
     * serves as before.
     */
    private void promote(Dialect dialect, Connection c, String candidate, String lost) throws SQLException {
        if (lost != null) {
            cutOff(lost);
        }
        try {
            dialect.promote(c);
            awaitRole(dialect, c, candidate, Role.PRIMARY);
        } catch (SQLException | RuntimeException e) {
            if (lost != null && outcomeUnknown(e)) {
                interruptedPromotion = new InterruptedPromotion(candidate, lost);
            }
            throw e;
        }
    }

    /**
     * Whether a failed promotion may have taken effect, or left the candidate half-way (MariaDB: replication stopped):
     * anything but a refused privilege, which fails before anything changes. Drivers report a broken session in many
     * ways (a closed statement, an I/O error, a timeout), so the rule is the other way round.
     */
    private static boolean outcomeUnknown(Throwable e) {
        return !dev.replicaware.dialect.AdminErrors.isAccessDenied(e);
    }

    /**
     * After a promotion this instance could not see through ({@link #interruptedPromotion}), the lost primary serves
     * again, and this instance writes there from now on: the candidate lacks those writes, so should it come back as
     * a primary (its promotion went through before it died: the explorer's postgres seed 96, two primaries on two
     * timelines, writes refused as a split brain for good) it must not take writes. It is fenced now: never routed to,
     * and made read-only the moment it answers; a candidate whose promotion never happened answers as a replica that
     * follows {@code primary}, and its fence is lifted as any other's. When another node serves as primary instead,
     * the candidate's promotion is no longer this instance's concern.
     */
    private void fenceInterruptedCandidate(String primary) {
        InterruptedPromotion interrupted = interruptedPromotion;
        if (interrupted == null) {
            return;
        }
        interruptedPromotion = null;
        NodeStatus candidate = monitor.statuses().get(interrupted.candidate());
        if (!primary.equals(interrupted.lost()) || candidate == null || config.mode() != Mode.AUTOMATIC
                || candidate.state() == NodeState.FENCED || primary.equals(interrupted.candidate())) {
            return;
        }
        fenced.fence(interrupted.candidate(), "its promotion by this instance was interrupted, and " + primary
                + " serves as the primary again: were the promotion to have gone through, it lacks what is written there from now on");
    }

    private static String restoredDetail(String lost, Chosen chosen, Dialect dialect, List<String> notRepointed) {
        return "the lost primary " + lost + " answered again read-only (as its configuration file starts it) with the"
                + " freshest position, " + chosen.behind() + " " + dialect.positionUnit() + " behind the freshest known" + chosen.sampleAge()
                + ": made writable again instead of promoting a replica; replicas re-pointed to it"
                + (notRepointed.isEmpty() ? "" : " except " + notRepointed);
    }

    private static String promotedDetail(String lost, Chosen chosen, Dialect dialect, List<String> notRepointed) {
        return "promoted " + chosen.name() + " in place of " + lost + ", " + chosen.behind() + " " + dialect.positionUnit()
                + " behind the freshest position known" + chosen.sampleAge() + "; replicas re-pointed to it"
                + (notRepointed.isEmpty() ? "" : " except " + notRepointed) + "; " + lost
                + " is fenced until it follows " + chosen.name() + " (it needs " + (dialect.name().equals("postgresql")
                ? "pg_rewind or a new base backup" : "re-cloning or re-pointing") + ")";
    }

    /** Step 6: re-points every replica but {@code primary} and {@code skip} to {@code primary}; answers those it could not. */
    private List<String> repointOthers(FailoverSessions sessions, String primary, String skip) {
        String host = replicationHost(primary);
        int port = replicationPort(primary, sessions.dialect());
        List<String> failed = new ArrayList<>();
        for (String name : sessions.names()) {
            if (name.equals(primary) || name.equals(skip)) {
                continue;
            }
            try {
                sessions.dialect().repoint(sessions.connection(name), host, port);
                LOG.info("{} - re-pointed replica {} to {}", cluster, name, primary);
            } catch (SQLException | RuntimeException e) {
                failed.add(name);
                LOG.warn("{} - could not re-point replica {} to {}: {}", cluster, name, primary, describe(e));
            }
        }
        return failed;
    }

    /**
     * Re-points the {@link #owedRepoints} that answer again, while the primary they are owed to still serves; those
     * owed to another primary are dropped (a later failover or switchover re-pointed every replica it reached).
     * One that still cannot be re-pointed is tried again in a few seconds.
     */
    private void settleOwedRepoints(String primary, Map<String, NodeStatus> statuses) {
        if (owedRepoints.isEmpty()) {
            return;
        }
        boolean retry = false;
        for (var it = owedRepoints.entrySet().iterator(); it.hasNext(); ) {
            var owed = it.next();
            String name = owed.getKey();
            NodeStatus st = statuses.get(name);
            if (!owed.getValue().equals(primary) || st == null) {
                it.remove(); // another primary since, or removed by a reload
                continue;
            }
            if (st.state() == NodeState.DOWN || st.lastError() != null) {
                continue; // its NODE_UP brings it back here
            }
            Dialect dialect = monitor.dialect(name);
            try (Connection c = openAdmin(name)) {
                dialect.repoint(c, replicationHost(primary), replicationPort(primary, dialect));
                it.remove();
                LOG.warn("{} - re-pointed replica {} to the primary {}: an aborted switchover had left it following its target",
                        cluster, name, primary);
            } catch (SQLException | RuntimeException e) {
                retry = true;
                LOG.info("{} - could not re-point replica {} to {} yet (an aborted switchover left it following its target): {}",
                        cluster, name, primary, describe(e));
            }
        }
        if (retry && !closed) {
            try {
                executor.schedule(this::evaluateSafely, 5, TimeUnit.SECONDS);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // closing
            }
        }
    }

    /**
     * A switchover's step where replicas can cascade (PostgreSQL): re-points every other replica to the target while the
     * target still replicates from the old primary, waits (bounded by {@code writeWait}) until none still receives
     * from the old primary, and answers the position the target must replay: the old primary's, read only then, or a
     * re-pointed replica's received position where that is further. From then on only the target receives the old
     * primary's WAL (it may write some still), so whatever the target holds when promoted, every other replica is at
     * or behind it on the same history and follows the new timeline. Refuses when a replica does not let go in time.
     */
    private long detachFromOld(FailoverSessions sessions, Dialect dialect, String target, String old, List<String> others)
            throws SQLException {
        String targetAt = " " + replicationHost(target) + ":" + replicationPort(target, dialect);
        for (String name : others) {
            sessions.dialect().repoint(sessions.connection(name), replicationHost(target), replicationPort(target, dialect));
            LOG.info("{} - re-pointed replica {} to {} before promoting it", cluster, name, target);
        }
        long deadline = System.nanoTime() + config.writeWait().toNanos();
        long position = Probe.NO_POSITION;
        for (String name : others) {
            Connection c = sessions.connection(name);
            String upstream;
            // a walreceiver streaming from anywhere but the target is the old one, not yet restarted by the reload
            while ((upstream = dialect.upstream(c)) != null && upstream.startsWith("streaming ") && !upstream.endsWith(targetAt)) {
                if (System.nanoTime() > deadline) {
                    throw new SQLException("Switchover of cluster '" + cluster + "' to " + target + " refused: replica " + name
                            + " still streams from " + old + " (" + upstream + ") " + config.writeWait().toMillis()
                            + " ms after it was re-pointed to" + targetAt);
                }
                sleep(5);
            }
            Probe p = dialect.probe(c);
            position = Math.max(position, Math.max(p.receivedPosition(), p.replayedPosition()));
        }
        return Math.max(position, dialect.probe(sessions.connection(old)).writePosition());
    }

    /** How long a re-pointed replica may take to stream from a new primary (its walreceiver retries every 5 s by default). */
    private static final Duration FOLLOW_TIMEOUT = Duration.ofSeconds(15);

    private List<String> unfenced() {
        Map<String, NodeStatus> statuses = monitor.statuses();
        return nodeConfigs.keySet().stream().filter(n -> statuses.get(n) == null || statuses.get(n).state() != NodeState.FENCED).toList();
    }

    /**
     * The configured nodes but {@code primary}, {@code lost} and the fenced that the failover had no session to: not
     * re-pointed, they may still replicate from the old primary (seen in the explorer under load: a replica whose admin
     * session timed out streamed from the fenced old primary to the end).
     */
    private List<String> unreachedNames(FailoverSessions sessions, String primary, String lost) {
        List<String> out = new ArrayList<>();
        Map<String, NodeStatus> statuses = monitor.statuses();
        for (String name : nodeConfigs.keySet()) {
            NodeStatus s = statuses.get(name);
            if (!name.equals(primary) && !name.equals(lost) && !sessions.names().contains(name)
                    && (s == null || s.state() != NodeState.FENCED)) {
                out.add(name);
            }
        }
        return out;
    }

    /** {@link #unreachedNames}, each with what it answered, for the FAILOVER_COMPLETED detail. */
    private List<String> unreached(FailoverSessions sessions, String primary, String lost) {
        List<String> out = new ArrayList<>();
        for (String name : unreachedNames(sessions, primary, lost)) {
            out.add(name + " (no admin session: " + sessions.failures.getOrDefault(name, "not reached") + ")");
        }
        return out;
    }

    /**
     * Replicas to point at {@code primary} once they answer ({@link #owedRepoints}): a failover or switchover could not
     * reach them (down, restarting) or could not re-point them. The explorer's mariadb seed 120: a replica down during
     * a switchover came back following the old primary, which had rejoined as a replica, and cascaded through it.
     */
    private void owe(List<String> replicas, String primary) {
        for (String name : replicas) {
            owedRepoints.put(name, primary);
        }
    }

    /** The replicas re-pointed to {@code primary}: every session's node but it and those not re-pointed. */
    private static List<String> repointedOf(FailoverSessions sessions, String primary, List<String> notRepointed) {
        List<String> repointed = new ArrayList<>(sessions.names());
        repointed.removeAll(notRepointed);
        repointed.remove(primary);
        return repointed;
    }

    /**
     * After a promotion: waits (up to {@link #FOLLOW_TIMEOUT}) until each of {@code replicas} streams from
     * {@code primary}; answers those that do not, each with what its walreceiver says, logged at WARN. One that
     * received WAL the new primary lacks can never follow it: it needs pg_rewind or a new base backup.
     */
    private List<String> awaitFollowing(FailoverSessions sessions, Dialect dialect, String primary, List<String> replicas) {
        String primaryAt = " " + replicationHost(primary) + ":" + replicationPort(primary, dialect);
        List<String> failing = new ArrayList<>();
        if (!dialect.repointsBeforePromotion()) {
            return failing; // (MariaDB/MySQL: the IO thread's source is not checked here)
        }
        String expected = "streaming" + primaryAt;
        long deadline = System.nanoTime() + FOLLOW_TIMEOUT.toNanos();
        for (String name : replicas) {
            String upstream;
            try {
                Connection c = sessions.connection(name);
                while (!expected.equals(upstream = dialect.upstream(c)) && System.nanoTime() < deadline) {
                    sleep(20);
                }
                if (expected.equals(upstream)) {
                    continue;
                }
            } catch (SQLException | RuntimeException e) {
                upstream = "not asked: " + describe(e);
            }
            String what = name + " (walreceiver: " + (upstream == null ? "none" : upstream) + ")";
            failing.add(what);
            LOG.warn("{} - replica {} does not stream from the new primary {} {} s after the promotion (walreceiver: {});"
                    + " if it received WAL {} lacks, it needs pg_rewind or a new base backup", cluster, name, primary,
                    FOLLOW_TIMEOUT.toSeconds(), upstream == null ? "none" : upstream, primary);
        }
        return failing;
    }

    private static String notFollowingDetail(List<String> notFollowing, String primary) {
        return notFollowing.isEmpty() ? "" : "; replicas not streaming from " + primary + ": " + String.join(", ", notFollowing)
                + " (they need pg_rewind or a new base backup if they received WAL it lacks)";
    }

    /**
     * How old the lost primary's last sample is: what it acknowledged after that sample (and after the furthest
     * replica's position) is not counted in the candidate's distance, so it is part of the real loss bound.
     */
    private String sampleAge() {
        long at = monitor.lastPrimarySampleNanos();
        return at == 0 ? "" : " (the lost primary's position was last sampled " + (System.nanoTime() - at) / 1_000_000
                + " ms ago; what it acknowledged after that is not counted)";
    }

    /** Aborts every connection of {@code node}'s pool; the node gets a new, empty pool for when it serves again. */
    private void cutOff(String node) {
        Node n = nodes.get(node);
        if (n != null) {
            n.cutOff();
        }
    }

    private void awaitRole(Dialect dialect, Connection c, String node, Role role) throws SQLException {
        long deadline = System.nanoTime() + VERIFY_TIMEOUT.toNanos();
        Probe p;
        while ((p = dialect.probe(c)).role() != role) {
            if (System.nanoTime() > deadline) {
                throw new SQLException("node " + node + " still says it is " + p.role() + " " + VERIFY_TIMEOUT.toSeconds()
                        + " s after it was promoted");
            }
            sleep(20);
        }
    }

    /** Step 8: has the monitor re-probe {@code primary} until the published statuses show it serving as the primary. */
    private void awaitPublished(String primary) {
        long deadline = System.nanoTime() + VERIFY_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            NodeStatus s = monitor.statuses().get(primary);
            if (s.role() == Role.PRIMARY && s.state().serves()) {
                return;
            }
            monitor.reprobe(primary);
            sleep(20);
        }
        LOG.warn("{} - the monitor did not see {} as primary within {} s; routing follows at its next probe", cluster,
                primary, VERIFY_TIMEOUT.toSeconds());
    }

    private boolean refuse(String reason) {
        situation = "promotion refused: " + reason;
        if (!reason.equals(lastRefusal)) {
            lastRefusal = reason;
            synchronized (this) {
                refused++;
                lastOutcome = reason;
            }
            LOG.warn("{} - not promoting: {}", cluster, reason);
            fire(lastPrimary, TopologyEvent.Type.FAILOVER_REFUSED, "DOWN", "DOWN", reason, null);
        }
        return false;
    }

    private void completed(String primary, String old, String detail, Duration took) {
        synchronized (this) {
            completed++;
            totalDuration = totalDuration.plus(took);
            lastDuration = took;
            lastOutcome = detail;
        }
        LOG.warn("{} - {} in {} ms", cluster, detail, took.toMillis());
        fire(primary, TopologyEvent.Type.FAILOVER_COMPLETED, old, primary, detail, took);
    }

    /** A {@code FAILOVER_COMPLETED} event of a planned switchover rather than of a lost primary; for the metrics binder. */
    public static boolean isSwitchover(TopologyEvent event) {
        return event.detail() != null && event.detail().startsWith(SWITCHOVER_DETAIL);
    }

    private void fire(String node, TopologyEvent.Type type, String from, String to, String detail, Duration took) {
        monitor.publishEvent(new TopologyEvent(cluster, node, type, from, to, clock.instant(), detail, took));
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Planned switchover.
    // ---------------------------------------------------------------------------------------------------------------

    /**
     * Makes {@code target} the primary without losing a write; answers how long new writes were held. Runs on the
     * failover thread; the caller waits.
     *
     * @throws SQLException when the switchover cannot start or fails; writes are released either way
     */
    public Duration switchover(String target) throws SQLException {
        if (!nodeConfigs.containsKey(target)) {
            throw new SQLException("Cluster '" + cluster + "' has no node '" + target + "'; it has " + nodeConfigs.keySet());
        }
        try {
            return executor.submit(() -> doSwitchover(target)).get(config.writeWait().toMillis() + 60_000, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof SQLException s && AdminErrors.isAccessDenied(s)) { // the dialect's names no cluster
                throw new SQLException("Switchover of cluster '" + cluster + "' to " + target + " failed: " + describe(s),
                        s.getSQLState(), s.getErrorCode(), s);
            }
            throw e.getCause() instanceof SQLException s ? s : new SQLException("Switchover to " + target + " failed: " + describe(e.getCause()), e.getCause());
        } catch (TimeoutException e) {
            throw new SQLException("Switchover to " + target + " did not finish in time", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLException("Interrupted while switching over to " + target, e);
        }
    }

    /**
     * 1. lock; 2. hold new writes; 3. let writes in flight finish and make the old primary read-only; 4. wait until
     * the target replayed the old primary's last position; 5. promote and verify; 6. re-point the other replicas, and
     * the old primary where the database allows (else fence it); 7. publish, release writes.
     */
    private Duration doSwitchover(String target) throws SQLException {
        long t0 = System.nanoTime();
        List<String> primaries = servingPrimaries(monitor.statuses());
        if (primaries.size() != 1) {
            throw new SQLException("Cluster '" + cluster + "' has " + primaries.size() + " primaries " + primaries + "; a switchover needs exactly one");
        }
        String old = primaries.get(0);
        if (old.equals(target)) {
            throw new SQLException("Node " + target + " of cluster '" + cluster + "' is already the primary");
        }
        try (FailoverSessions sessions = openSessions(null)) {
            List<String> locked = sessions.lockInOrder();
            String noQuorum = FailoverQuorum.refusal(FailoverQuorum.voters(nodeConfigs.keySet(), null), locked, sessions.heldElsewhere(),
                    sessions.failures);
            if (noQuorum != null) {
                throw new SQLException("Switchover of cluster '" + cluster + "' to " + target + " refused: " + noQuorum);
            }
            Dialect dialect = sessions.dialect();
            if (!sessions.names().contains(target) || !sessions.names().contains(old)) {
                throw new SQLException("Switchover needs both " + old + " and " + target + " reachable; reached " + sessions.names());
            }
            Connection oldConnection = sessions.connection(old);
            Connection targetConnection = sessions.connection(target);
            if (dialect.probe(targetConnection).role() != Role.REPLICA) {
                throw new SQLException("Node " + target + " is not a replica");
            }
            long holdStart = System.nanoTime();
            holdWrites = true;
            situation = "switchover from " + old + " to " + target + " in progress";
            republish.run();
            boolean promoted = false;
            boolean early = dialect.repointsBeforePromotion();
            List<String> others = new ArrayList<>(sessions.names());
            others.removeAll(List.of(old, target));
            try {
                SwitchoverWriteStop.stopWrites(cluster, old, nodes.get(old), dialect, oldConnection, config.writeWait().dividedBy(2));
                // the old primary may still write WAL (the end of the sessions just terminated, background records):
                // the other replicas stop receiving from it before its last position is read (PostgreSQL), so none can
                // hold WAL the target lacks when it is promoted
                long position = early ? detachFromOld(sessions, dialect, target, old, others) : dialect.probe(oldConnection).writePosition();
                long deadline = System.nanoTime() + config.writeWait().toNanos();
                Probe p;
                while ((p = dialect.probe(targetConnection)).replayedPosition() < position) {
                    if (System.nanoTime() > deadline) {
                        throw new SQLException("Switchover refused: " + target + " did not replay " + old + "'s position " + position
                                + " within " + config.writeWait().toMillis() + " ms (it is at " + p.replayedPosition() + ")");
                    }
                    sleep(5);
                }
                dialect.promote(targetConnection);
                promoted = true;
                awaitRole(dialect, targetConnection, target, Role.PRIMARY);
                if (!early) {
                    owe(repointOthers(sessions, target, old), target);
                }
                owe(unreachedNames(sessions, target, old), target); // a replica down now follows the target once it answers
                try {
                    dialect.rejoin(oldConnection, replicationHost(target), replicationPort(target, dialect),
                            config.adminUsername(), config.adminPassword());
                    LOG.info("{} - former primary {} rejoined as a replica of {}", cluster, old, target);
                } catch (SQLException e) {
                    fenced.fence(old, "switched over to " + target);
                    LOG.warn("{} - former primary {} is fenced after the switchover ({}); it needs a rewind to rejoin as a replica",
                            cluster, old, describe(e));
                }
                lastPrimary = target;
                awaitPublished(target);
            } finally {
                if (!promoted) {
                    if (early) {
                        // back to the old primary, which takes writes again; those that cannot be now are owed
                        for (String name : repointOthers(sessions, old, target)) {
                            owedRepoints.put(name, old);
                        }
                    }
                    SwitchoverWriteStop.resumeWrites(cluster, old, dialect, oldConnection, this::describe);
                }
                holdWrites = false;
                situation = null;
                republish.run();
            }
            Duration pause = Duration.ofNanos(System.nanoTime() - holdStart);
            if (nodes.get(old) != null) {
                nodes.get(old).evictConnections();
            }
            List<String> notFollowing = awaitFollowing(sessions, dialect, target, others);
            completed(target, old, SWITCHOVER_DETAIL + old + " to " + target + "; writes held for " + pause.toMillis() + " ms"
                    + notFollowingDetail(notFollowing, target), Duration.ofNanos(System.nanoTime() - t0));
            return pause;
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Admin sessions.
    // ---------------------------------------------------------------------------------------------------------------

    private FailoverSessions openSessions(String except) {
        FailoverSessions sessions = new FailoverSessions(cluster, this::describe);
        Map<String, NodeStatus> statuses = monitor.statuses();
        for (String name : nodeConfigs.keySet()) {
            NodeStatus s = statuses.get(name);
            if (name.equals(except) || s == null) {
                continue;
            }
            if (!s.state().serves()) { // not asked; a refusal for want of its lock says why
                sessions.failures.put(name, s.state() == NodeState.FENCED ? "fenced, so not asked"
                        : s.state() + " to the monitor" + (s.lastError() == null ? "" : ": " + s.lastError()));
                continue;
            }
            try {
                Connection c = openAdmin(name);
                sessions.add(name, c, monitor.dialect(name).confirm(c.getMetaData()));
            } catch (SQLException | RuntimeException e) {
                sessions.failures.put(name, describe(e));
                (AdminErrors.isAccessDenied(e) ? LOG.atWarn() : LOG.atInfo()).log("{} - no admin session to {}: {}", cluster, name, describe(e));
            }
        }
        return sessions;
    }

    private Connection openAdmin(String name) throws SQLException {
        return AdminSessions.open(name, nodeConfigs.get(name).url(), monitor.dialect(name), config, ADMIN_STATEMENT_TIMEOUT,
                probeTimeout);
    }

    // ---------------------------------------------------------------------------------------------------------------

    private String replicationHost(String node) {
        return JdbcUrls.replicationHost(nodeConfigs.get(node));
    }

    private int replicationPort(String node, Dialect dialect) {
        return JdbcUrls.replicationPort(nodeConfigs.get(node), dialect);
    }

    /** A message with the admin password masked. */
    private String describe(Throwable e) {
        return JdbcUrls.describe(e, config.adminPassword());
    }

    private void submit(Runnable r) {
        if (!closed) {
            try {
                executor.execute(r);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // closing
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    @Override
    public void close() {
        closed = true;
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        fenced.close();
    }

    @Override
    public String toString() {
        return "FailoverCoordinator[" + cluster + ", mode=" + config.mode().configName() + ", primary=" + lastPrimary + "]";
    }
}
