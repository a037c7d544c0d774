package dev.replicaware.topology;

import java.util.List;
import java.util.Objects;

/**
 * What Patroni's {@code GET /cluster} said at one moment: its members, with role, state, timeline, lag and tags.
 *
 * @param members every member Patroni lists
 * @param from    the REST URL that answered
 */
record PatroniView(List<Member> members, String from) {

    /**
     * One member of a Patroni cluster.
     *
     * @param role           {@code leader}, {@code replica}, {@code sync_standby}, {@code standby_leader}...
     * @param state          {@code running}, {@code starting}, {@code stopped}...
     * @param timeline       its PostgreSQL timeline; -1 when Patroni does not say
     * @param lag            its lag in bytes as Patroni reports it; -1 when unknown
     * @param nofailover     tagged {@code nofailover}: Patroni never promotes it
     * @param noloadbalance  tagged {@code noloadbalance}: it serves no reads
     */
    record Member(String name, String role, String state, String host, int port, long timeline, long lag,
                  boolean pendingRestart, boolean nofailover, boolean noloadbalance) {

        /** Patroni holds the leader key for it and it is a writable primary (a standby cluster's leader is not). */
        boolean leader() {
            return "leader".equals(role) || "master".equals(role) || "primary".equals(role);
        }

        /** What changes routing: role and the tags; lag and timeline move all the time. */
        boolean sameRouting(Member o) {
            return o != null && name.equals(o.name) && Objects.equals(role, o.role) && Objects.equals(state, o.state)
                    && noloadbalance == o.noloadbalance && nofailover == o.nofailover;
        }
    }

    PatroniView {
        members = List.copyOf(members);
    }

    /** The member Patroni names leader, or null while it names none (an election under way). */
    Member leader() {
        for (Member m : members) {
            if (m.leader()) {
                return m;
            }
        }
        return null;
    }

    /** Whether {@code other} would route differently: a member came, went, or changed role, state or tags. */
    boolean sameRouting(PatroniView other) {
        if (other == null || other.members.size() != members.size()) {
            return false;
        }
        for (int i = 0; i < members.size(); i++) {
            if (!members.get(i).sameRouting(other.members.get(i))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Patroni[");
        for (Member m : members) {
            sb.append(sb.length() > 8 ? ", " : "").append(m.name).append(' ').append(m.role).append(' ').append(m.state);
            if (m.nofailover) {
                sb.append(" nofailover");
            }
            if (m.noloadbalance) {
                sb.append(" noloadbalance");
            }
            if (m.pendingRestart) {
                sb.append(" pending_restart");
            }
        }
        return sb.append(']').toString();
    }
}
