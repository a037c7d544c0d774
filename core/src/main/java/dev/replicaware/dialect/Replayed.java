package dev.replicaware.dialect;

/**
 * What a replica has replayed, as read-your-writes refreshes it between the monitor's probes. Internal.
 *
 * @param position  the replayed position in the dialect's unit (PostgreSQL WAL bytes), {@link Probe#NO_POSITION} when the
 *                  server is no replica (promoted)
 * @param gtids     the replayed GTIDs (MySQL, MariaDB), null elsewhere
 * @param timeline  as {@link Probe#timeline()}
 */
public record Replayed(long position, GtidSet gtids, long timeline) {
}
