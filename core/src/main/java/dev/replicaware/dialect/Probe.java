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
 * @param timeline         where positions belong to a history that forks at a promotion (PostgreSQL): a primary's
 *                         timeline, the timeline a replica streams from its upstream, {@link #NOT_STREAMING} when the
 *                         replica visibly streams from nothing; {@link #UNKNOWN_TIMELINE} where it cannot tell (MySQL,
 *                         MariaDB, a PostgreSQL user without {@code pg_read_all_stats})
 */
public record Probe(Role role, long writePosition, long receivedPosition, long replayedPosition, boolean receiving,
                    double reportedLagSeconds, boolean replayPaused, long timeline) {
    public static final long NO_POSITION = -1;
    public static final long UNKNOWN_TIMELINE = -1;
    public static final long NOT_STREAMING = 0;

    /** A probe of a server whose replay is not paused and that cannot tell a timeline. */
    public Probe(Role role, long writePosition, long receivedPosition, long replayedPosition, boolean receiving,
                 double reportedLagSeconds) {
        this(role, writePosition, receivedPosition, replayedPosition, receiving, reportedLagSeconds, false, UNKNOWN_TIMELINE);
    }

    /** A probe that cannot tell a timeline (MySQL, MariaDB). */
    public Probe(Role role, long writePosition, long receivedPosition, long replayedPosition, boolean receiving,
                 double reportedLagSeconds, boolean replayPaused) {
        this(role, writePosition, receivedPosition, replayedPosition, receiving, reportedLagSeconds, replayPaused, UNKNOWN_TIMELINE);
    }

    /** A probe of a server whose replay is not paused. */
    public Probe(Role role, long writePosition, long receivedPosition, long replayedPosition, boolean receiving,
                 double reportedLagSeconds, long timeline) {
        this(role, writePosition, receivedPosition, replayedPosition, receiving, reportedLagSeconds, false, timeline);
    }

    /**
     * True unless a replica's position is known to belong to another history than the primary's: it streams on
     * another timeline, or from nothing while the primary's timeline is known. A replica on a diverged timeline may be
     * numerically ahead of the primary and have none of its latest commits.
     */
    public static boolean follows(long replicaTimeline, long primaryTimeline) {
        return primaryTimeline == UNKNOWN_TIMELINE || replicaTimeline == UNKNOWN_TIMELINE || replicaTimeline == primaryTimeline;
    }

    /** Where a read on this server stands: a primary's write position, a replica's replayed one. */
    public long readPosition() {
        return role == Role.PRIMARY ? writePosition : replayedPosition;
    }
}
