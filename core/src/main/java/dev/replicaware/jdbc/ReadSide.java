package dev.replicaware.jdbc;

import dev.replicaware.routing.AutocommitReadRouting;

import java.sql.SQLException;

/**
 * The replica side of a logical connection ({@code routing.autocommitReads: replica}): a second logical connection,
 * read-only, made on the first read outside a transaction that {@link AutocommitReadRouting} lets go to a replica, and
 * kept until the owner closes. Whether a statement may go there is routing's decision; this class holds the side, its
 * link to the owner (both in {@link RarelySetState}, so a connection without one pays nothing) and its state copy.
 */
final class ReadSide {
    private ReadSide() {
    }

    /**
     * Where a statement of {@code sql} is made: on {@code c}, or on its replica side when it is a read outside a
     * transaction that {@link AutocommitReadRouting} lets go there; null when on {@code c} (which is then pinned).
     */
    static LogicalConnection forStatement(LogicalConnection c, String sql) throws SQLException {
        AutocommitReadRouting routing = c.router.autocommitReads();
        if (routing == null || c.readOnly || c.pinnedToPrimary || owner(c) != c) {
            return null;
        }
        if (!c.autoCommit || !routing.toReplica(sql)) {
            c.pinnedToPrimary = true;
            return null;
        }
        c.checkOpen();
        RarelySetState r = RarelySetState.of(c);
        LogicalConnection side = r.readSide;
        if (side == null) {
            side = new LogicalConnection(c.router, c.getReadConsistency(), true);
            side.readOnly = true;
            side.isolation = c.isolation;
            side.rarelySet = r.copy();
            side.rarelySet.owner = c;
            r.readSide = side;
        }
        if (side.physical == null && !c.router.routeAutocommitRead(side, c.lastCommit(), c.getReadConsistency())) {
            return null; // no replica can serve now: this read runs on the primary side, which it leaves unpinned
        }
        return side;
    }

    /**
     * Where a read made on the replica side runs now, by its owner's state at this moment: the replica side while the
     * owner is outside a transaction and has run nothing else on the primary (so has not written); otherwise the owner
     * itself, inside its transaction, or on the primary that has its writes, or routed as its read-only flag says. The
     * check is a few field reads; the side is routed again only when it was given up.
     */
    static LogicalConnection forExecution(LogicalConnection owner) throws SQLException {
        if (!owner.autoCommit || owner.pinnedToPrimary || owner.readOnly) {
            return owner;
        }
        LogicalConnection side = of(owner);
        if (side == null) {
            return owner; // the owner is closing
        }
        if (side.physical == null && !owner.router.routeAutocommitRead(side, owner.lastCommit(), owner.getReadConsistency())) {
            return owner; // no replica can serve now: the primary side, left unpinned
        }
        return side;
    }

    /** The connection the application holds: statements made on a read side report it. */
    static LogicalConnection owner(LogicalConnection c) {
        RarelySetState r = c.rarelySet;
        return r == null || r.owner == null ? c : r.owner;
    }

    /** The replica side of {@code c}, once a read went there; else null. */
    static LogicalConnection of(LogicalConnection c) {
        RarelySetState r = c.rarelySet;
        return r == null ? null : r.readSide;
    }

    /** {@link #of}, forgotten: {@code c} is closing. */
    static LogicalConnection take(LogicalConnection c) {
        RarelySetState r = c.rarelySet;
        if (r == null) {
            return null;
        }
        LogicalConnection side = r.readSide;
        r.readSide = null;
        return side;
    }
}
