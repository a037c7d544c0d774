package dev.replicaware.jdbc;

import dev.replicaware.topology.Node;

import java.sql.Connection;
import java.sql.SQLException;

import static dev.replicaware.routing.ConnectionErrors.isConnectionError;

/**
 * Giving a logical connection's physical connection back, in order: the commit position read-your-writes still owes
 * ({@link Transactions#recordPending}), the statements left open ({@link OpenStatements}), a transaction left open,
 * the session state the pool does not reset ({@link SessionState#resetForNextBorrower}); a connection that a failure
 * left unfit, or that cannot be put back as it was, is evicted instead of returned.
 */
final class Release {
    private Release() {
    }

    /** Returns {@code lc}'s physical connection to its pool; the next call that needs the database routes again. */
    static void release(LogicalConnection lc) throws SQLException {
        Connection c = lc.physical;
        Node n = lc.node;
        if (lc.autoCommitWritePending && c != null) {
            Transactions.recordPending(lc, n, c);
        }
        boolean rollback = lc.transactionActive && !lc.beginDeferred; // deferred: never begun on the server
        lc.beginDeferred = false;
        lc.physical = null;
        lc.driver = null;
        lc.node = null;
        lc.transactionActive = false;
        if (c != null && closeForRelease(lc, n, c, rollback) && SessionState.resetForNextBorrower(lc, n, c)) {
            try {
                c.close();
            } catch (SQLException e) {
                // The pool resets state on return; on a server that just died that fails, and HikariCP has already
                // evicted the connection. The caller's work is done: note the node, do not fail the caller.
                if (!isConnectionError(e)) {
                    throw e;
                }
                lc.onError(n, e);
            } catch (RuntimeException e) {
                // HikariCP fails this way (a NullPointerException resetting the connection's state) when the node's
                // pool was closed under a connection in use: Node.cutOff after another primary took over. The
                // connection went with its pool and the caller's work is done; failing close() would say otherwise.
            }
        }
    }

    /**
     * What HikariCP's proxy did for the statements it made, before {@code c} goes back to its pool: closes the
     * statements left open, rolls back a transaction left open ({@code rollback}), and evicts {@code c} instead when a
     * failure left it broken. True when {@code c} may be returned.
     */
    private static boolean closeForRelease(LogicalConnection lc, Node n, Connection c, boolean rollback) throws SQLException {
        SQLException failure = OpenStatements.closeAll(lc);
        if (failure != null) {
            lc.onError(n, failure);
            lc.evictOnRelease = true; // as HikariCP does when a statement fails to close
        }
        if (!lc.evictOnRelease && rollback) {
            try {
                c.rollback();
            } catch (SQLException e) {
                lc.onError(n, e);
                n.evict(c); // its transaction may still be open: no other borrower gets it
                if (!isConnectionError(e)) {
                    throw e;
                }
                return false;
            }
        }
        if (lc.evictOnRelease) {
            lc.evictOnRelease = false;
            n.evict(c);
            return false;
        }
        return true;
    }
}
