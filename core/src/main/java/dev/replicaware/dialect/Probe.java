package dev.replicaware.dialect;

/**
 * What one probe of one server learned, in one round trip. Internal.
 *
 * <p>Positions are in the dialect's {@link Dialect#positionUnit() unit} (PostgreSQL: WAL bytes; MySQL and MariaDB:
 * transactions counted from the GTID sets), comparable across the nodes of one cluster; {@link #NO_POSITION} where the
 * server has none (a primary has no replay position, a generic server no position at all).
 *
 * @param role             what the server says it is
 * @param writePosition    a primary's current write position; MySQL and MariaDB report their binary log's position
 *                         whatever the role, so that a primary just made read-only (fenced, or before a switchover)
 *                         still tells how far it got
 * @param receivedPosition how far a replica has received the primary's changes
 * @param replayedPosition how far a replica has applied them (what a read there sees)
 * @param receiving        a replica's stream from its primary is up (PostgreSQL walreceiver streaming, MySQL IO thread running)
 * @param reportedLagSeconds the replica's own idea of its lag, NaN when it has none; used only when positions cannot be compared
 * @param replayPaused     a replica whose replay is stopped on purpose (PostgreSQL {@code pg_wal_replay_pause()}, the
 *                         MySQL/MariaDB SQL thread stopped): a backup holds it still, and it leaves read rotation
 */
public record Probe(Role role, long writePosition, long receivedPosition, long replayedPosition, boolean receiving,
                    double reportedLagSeconds, boolean replayPaused) {
    public static final long NO_POSITION = -1;

    /** A probe of a server whose replay is not paused. */
    public Probe(Role role, long writePosition, long receivedPosition, long replayedPosition, boolean receiving,
                 double reportedLagSeconds) {
        this(role, writePosition, receivedPosition, replayedPosition, receiving, reportedLagSeconds, false);
    }

    /** Where a read on this server stands: a primary's write position, a replica's replayed one. */
    public long readPosition() {
        return role == Role.PRIMARY ? writePosition : replayedPosition;
    }
}
