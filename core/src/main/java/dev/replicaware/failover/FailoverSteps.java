package dev.replicaware.failover;

import dev.replicaware.dialect.Probe;
import dev.replicaware.dialect.Role;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.ToIntFunction;

/**
 * The decisions of the failover sequence that need no server: each reads the replicas' fresh answers (one
 * {@link Probe} a node, from {@link FailoverSessions#probeAll}) and says what the sequence does next. The
 * {@link FailoverCoordinator} runs them in order; tests run them alone.
 */
final class FailoverSteps {
    private FailoverSteps() {
    }

    /**
     * A refusal of a step: the sequence stops there, nothing after it runs, and the reason becomes the situation that
     * writes report and the {@code FAILOVER_REFUSED} event.
     */
    static final class Refused extends Exception {
        Refused(String reason) {
            super(reason, null, false, false);
        }
    }

    /** Ask: the node that says it is the primary now (another instance or an orchestrator promoted it), or null. */
    static String claimsPrimary(Map<String, Probe> answers) {
        for (Map.Entry<String, Probe> a : answers.entrySet()) {
            if (a.getValue().role() == Role.PRIMARY) {
                return a.getKey();
            }
        }
        return null;
    }

    /**
     * Ask: refuses when replicas still receive from {@code lost}: it is alive, only this application lost it, and
     * promoting would make two primaries.
     */
    static void refuseIfAlive(String lost, Map<String, Probe> answers) throws Refused {
        List<String> stillReceiving = answers.entrySet().stream().filter(a -> a.getValue().receiving()).map(Map.Entry::getKey).toList();
        if (!stillReceiving.isEmpty()) {
            throw new Refused("the primary " + lost + " is unreachable from this application, but replicas " + stillReceiving
                    + " still receive from it: it is alive, so no replica is promoted");
        }
    }

    /**
     * Ask, when the lost primary answers again read-only: refuses unless it replicates from nobody and every node that
     * is not fenced ({@code unfenced}) answered. A node this instance cannot reach may have been promoted in its place
     * by another instance, with the replicas it reaches streaming from it; only with every node's answer in hand does
     * no one claiming to be primary mean there is none.
     */
    static void refuseRestoringUnlessAllAnswer(String lost, Map<String, Probe> answers, List<String> unfenced) throws Refused {
        Probe own = answers.get(lost);
        if (own != null && own.receiving()) {
            throw new Refused("the lost primary " + lost + " answers again as a replica that receives from another node:"
                    + " a primary lives elsewhere that this instance does not reach, so nothing is promoted");
        }
        List<String> silent = unfenced.stream().filter(n -> !answers.containsKey(n)).toList();
        if (!silent.isEmpty()) {
            throw new Refused("the lost primary " + lost + " answers again read-only, but " + silent + " did not answer:"
                    + " another instance may have promoted one of them, so nothing is promoted until every node that is"
                    + " not fenced answers");
        }
    }

    /**
     * Choose: the replicas among the answers, as {@link Candidates#choose} weighs them: how far each received (or
     * replayed, should it report more), and its configured priority.
     */
    static List<Candidates.Replica> candidates(Map<String, Probe> answers, ToIntFunction<String> priority) {
        List<Candidates.Replica> reachable = new ArrayList<>();
        for (Map.Entry<String, Probe> a : answers.entrySet()) {
            Probe p = a.getValue();
            if (p.role() == Role.REPLICA) {
                long received = Math.max(p.receivedPosition(), p.replayedPosition());
                reachable.add(new Candidates.Replica(a.getKey(), received, priority.applyAsInt(a.getKey())));
            }
        }
        return reachable;
    }

    /**
     * Choose, when the lost primary answers again read-only: it is weighed by what it holds, its own writes included
     * (its write position; a restarted MariaDB primary's received position is only the replication it once applied),
     * and preferred among equals, since making it writable again moves nothing and fences nobody. Without its answer,
     * {@code reachable} as it is.
     */
    static List<Candidates.Replica> preferringLostPrimary(List<Candidates.Replica> reachable, String lost, Probe answer) {
        if (answer == null || answer.role() != Role.REPLICA) {
            return reachable;
        }
        List<Candidates.Replica> out = new ArrayList<>(reachable.size());
        for (Candidates.Replica r : reachable) {
            out.add(!r.name().equals(lost) ? r : new Candidates.Replica(lost, Math.max(r.received(), answer.writePosition()), Integer.MAX_VALUE));
        }
        return out;
    }

    /** Drain: refuses a candidate that did not replay all it received within {@code waited}. */
    static void refuseIfNotDrained(String candidate, Probe replayed, Duration waited) throws Refused {
        if (replayed.replayedPosition() < replayed.receivedPosition()) {
            throw new Refused("candidate " + candidate + " did not replay what it received within " + waited.toMillis()
                    + " ms (replayed " + replayed.replayedPosition() + " of " + replayed.receivedPosition() + ")");
        }
    }
}
