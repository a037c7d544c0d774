package dev.replicaware.routing;

import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.nio.channels.ClosedByInterruptException;
import java.sql.SQLException;

/** Which failures say the node, not the statement, failed: they mark the node failed and may send a read elsewhere. */
public final class ConnectionErrors {
    private ConnectionErrors() {
    }

    /** SQLState class 08 (connection exception), or a server that is shutting down or starting (57P01-57P03). */
    public static boolean isConnectionError(SQLException e) {
        String state = e.getSQLState();
        return state != null && (state.startsWith("08") || state.equals("57P01") || state.equals("57P02") || state.equals("57P03"));
    }

    /**
     * True when {@code e} came from the calling thread being interrupted (its flag is set, or an interrupt is in the
     * cause chain: HikariCP's "Interrupted during connection acquisition" carries an InterruptedException). The
     * interrupt is the caller's: the node did nothing wrong and must not be marked failed nor the read sent elsewhere.
     */
    public static boolean isInterrupt(SQLException e) {
        if (Thread.currentThread().isInterrupted()) {
            return true;
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof InterruptedException || t instanceof ClosedByInterruptException
                    || (t instanceof InterruptedIOException && !(t instanceof SocketTimeoutException))) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }

    /**
     * The failure to throw for an interrupt that came while {@code doing} on {@code node}: says the calling thread was
     * interrupted, not the node, and sets the thread's interrupt flag again (a driver or pool may have cleared it).
     */
    public static SQLException interrupted(String cluster, String node, String doing, SQLException cause) {
        Thread.currentThread().interrupt();
        return new SQLException("Cluster '" + cluster + "': the calling thread was interrupted while " + doing + " node '"
                + node + "'; the node is not marked failed (the interrupt is the caller's) and the thread's interrupt flag"
                + " is set", "57014", cause);
    }
}
