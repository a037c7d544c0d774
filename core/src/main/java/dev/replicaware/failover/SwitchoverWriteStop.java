package dev.replicaware.failover;

import dev.replicaware.dialect.Dialect;
import dev.replicaware.topology.Node;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;

/**
 * How a planned switchover makes sure no write can still commit on the old primary before it reads the position the
 * target must replay. A write acknowledged after that read would be missing on the new primary, so each step closes
 * one way in, and the switchover is refused (nothing changed) unless the last one proves writes stopped:
 * <ol>
 *   <li>new writes of this application instance are already held by the coordinator;</li>
 *   <li>this instance's writes in flight are given up to {@code drain} to finish;</li>
 *   <li>the old primary is fenced: new transactions there are read-only (other instances, other applications);</li>
 *   <li>every other client session still on the old primary is ended where the fence does not wait for open
 *       transactions (PostgreSQL: {@code pg_terminate_backend}, this admin session excepted); their transactions
 *       fail, never acknowledged;</li>
 *   <li>the dialect checks that no write transaction remains, or the switchover is refused.</li>
 * </ol>
 */
final class SwitchoverWriteStop {
    private static final org.slf4j.Logger LOGGER = org.slf4j.LoggerFactory.getLogger(SwitchoverWriteStop.class);
    /** How long ended sessions may take to go away before the switchover is refused. */
    static final Duration SESSIONS_GONE_TIMEOUT = Duration.ofSeconds(5);

    private SwitchoverWriteStop() {}

    /**
     * Runs steps 2 to 5 on {@code admin}, a session of the old primary.
     *
     * @throws SQLException when writes cannot be shown to have stopped; the caller undoes the fence
     */
    static void stopWrites(String cluster, String old, Node oldNode, Dialect dialect, Connection admin, Duration drain)
            throws SQLException {
        long drainDeadline = System.nanoTime() + drain.toNanos();
        while (oldNode != null && oldNode.activeConnections() > 0 && System.nanoTime() < drainDeadline) {
            sleep(10);
        }
        dialect.fence(admin);
        String remaining = dialect.endWritesInFlight(admin, SESSIONS_GONE_TIMEOUT);
        if (remaining != null) {
            throw new SQLException("Switchover of cluster '" + cluster + "' refused, nothing changed: writes on the primary "
                    + old + " could not be stopped (" + remaining + ")");
        }
    }

    /** A switchover that failed before promoting gives the old primary its writes back. */
    static void resumeWrites(String cluster, String old, Dialect dialect, Connection admin,
                             java.util.function.Function<Throwable, String> describe) {
        try (java.sql.Statement s = admin.createStatement()) {
            if (dialect.name().equals("postgresql")) {
                s.execute("ALTER SYSTEM RESET default_transaction_read_only");
                s.execute("SELECT pg_reload_conf()");
            } else {
                s.execute("SET GLOBAL read_only = OFF");
            }
        } catch (SQLException e) {
            LOGGER.error("{} - could not make {} writable again after a failed switchover: {}", cluster, old, describe.apply(e));
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
}
