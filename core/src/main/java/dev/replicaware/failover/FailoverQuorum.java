package dev.replicaware.failover;

import java.util.ArrayList;
import java.util.List;

/**
 * The quorum rule: when one application instance may promote or switch over, given where it holds the cluster's
 * failover lock. A pure function, so every instance judges alike.
 *
 * <p>The <b>voters</b> are the configured nodes, except the primary being replaced by a failover: it is lost, nobody
 * can lock it, and counting it would make a primary and one replica (1+1) never fail over. An instance may act when
 * it holds the lock on a <b>majority of the voters</b>, or on <b>exactly half of them including the first voter</b> in
 * configured order (the tie-breaker for an even count). Any two such sets share a node, and a node's lock has one
 * holder, so two instances can never both act; a dead instance's locks end with its sessions.
 *
 * <p>What that means: 1+1 fails over (one voter, the replica); 1+2 fails over with both replicas, or with only the first
 * configured replica reachable, not with only the second (it cannot tell a dead first replica from a network cut
 * between itself and a first replica another instance can still lock); 1+3 needs two of its three replicas.
 */
final class FailoverQuorum {
    private FailoverQuorum() {}

    /** The voting nodes, in configured order: every configured node but {@code lost} (null in a switchover: all vote). */
    static List<String> voters(java.util.Collection<String> configured, String lost) {
        return configured.stream().filter(n -> !n.equals(lost)).toList();
    }

    /**
     * @param voters        the voting nodes, in configured order
     * @param locked        the voters on which this instance holds the lock
     * @param heldElsewhere the voter whose lock another instance holds, or null
     * @return null when this instance may act, else what really happened, for the refusal
     */
    static String refusal(List<String> voters, List<String> locked, String heldElsewhere) {
        return refusal(voters, locked, heldElsewhere, java.util.Map.of());
    }

    /**
     * As above; {@code failures} says what the nodes that could not be locked answered (an access error is not
     * unreachability), by node.
     */
    static String refusal(List<String> voters, List<String> locked, String heldElsewhere, java.util.Map<String, String> failures) {
        if (voters.isEmpty()) {
            return "no node can vote";
        }
        int held = (int) voters.stream().filter(locked::contains).count();
        boolean majority = held * 2 > voters.size();
        boolean tieWithFirst = held * 2 == voters.size() && locked.contains(voters.get(0));
        if (majority || tieWithFirst) {
            return null;
        }
        List<String> unreachable = new ArrayList<>(voters);
        unreachable.removeAll(locked);
        if (heldElsewhere != null) {
            unreachable.remove(heldElsewhere);
        }
        StringBuilder why = new StringBuilder();
        if (heldElsewhere != null) {
            why.append("another Replicaware instance holds the failover lock on ").append(heldElsewhere).append(" (it acts; this one follows its result); ");
        }
        why.append("this instance holds the lock on ").append(locked).append(" of the voting nodes ").append(voters);
        if (!unreachable.isEmpty() && heldElsewhere != null) {
            why.append(", did not try ").append(unreachable);
        } else if (!unreachable.isEmpty()) {
            List<String> silent = new ArrayList<>();
            for (String node : unreachable) {
                if (failures.containsKey(node)) {
                    why.append(", could not lock ").append(node).append(" (").append(failures.get(node)).append(")");
                } else {
                    silent.add(node);
                }
            }
            if (!silent.isEmpty()) {
                why.append(", could not lock ").append(silent).append(" (unreachable)");
            }
        }
        why.append("; the quorum is a majority of them (").append(voters.size() / 2 + 1).append(")");
        if (voters.size() % 2 == 0) {
            why.append(" or half of them including ").append(voters.get(0));
        }
        if (heldElsewhere == null && !unreachable.isEmpty()) {
            // what the operator can do: nothing here may guess that a silent node is dead rather than cut off
            why.append("; it retries, and acts once it can lock a quorum: make ").append(String.join(", ", unreachable))
                    .append(" answer the admin user again, or remove a node gone for good from the configuration (a reload)");
        }
        return why.toString();
    }
}
