package dev.replicaware.jdbc;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.SQLExceptionOverride;
import dev.replicaware.routing.ConnectionErrors;
import dev.replicaware.topology.Node;

import java.sql.SQLException;
import java.util.Set;

/**
 * Whether a failure leaves its physical connection unfit for the next borrower. This is HikariCP's own rule
 * ({@code ProxyConnection.checkException}, HikariCP 7.1: SQLState class 08, the states and vendor codes below, the
 * pool's {@code exceptionOverride}), applied to the statements Replicaware makes on the driver's connection, whose
 * failures HikariCP's proxy no longer sees. Such a connection is evicted when the logical connection gives it up.
 */
final class BrokenConnection {
    private static final Set<String> STATES = Set.of(
            "0A000", "57P01", "57P02", "57P03", "01002", "JZ0C0", "JZ0C1");

    private BrokenConnection() {
    }

    /**
     * What a failure on {@code c}'s connection to {@code n} means, and {@code e} back for the caller to throw: a
     * connection error marks the node failed (reads skip it for the back-off) and evicts its pool's connections; a
     * caller's interrupt is the caller's, so the node keeps serving and only the broken connection goes; a connection
     * this rule calls broken is evicted when the logical connection gives it up, as HikariCP's proxy did.
     */
    static SQLException afterError(LogicalConnection c, Node n, SQLException e) {
        boolean interrupt = ConnectionErrors.isInterrupt(e);
        if (interrupt) {
            Thread.currentThread().interrupt();
        } else if (ConnectionErrors.isConnectionError(e)) {
            n.markFailed(System.nanoTime(), c.router.backoffNanos());
            n.evictConnections();
        }
        if (n == c.node && (interrupt ? ConnectionErrors.isConnectionError(e) : evicts(n.pool(), e))) {
            c.evictOnRelease = true;
        }
        return e;
    }

    static boolean evicts(HikariDataSource pool, SQLException failure) {
        SQLExceptionOverride override = override(pool);
        SQLException e = failure;
        for (int depth = 0; e != null && depth < 10; depth++) {
            SQLExceptionOverride.Override verdict = override == null
                    ? SQLExceptionOverride.Override.CONTINUE_EVICT : override.adjudicate(e);
            if (verdict == SQLExceptionOverride.Override.DO_NOT_EVICT) {
                return false;
            }
            String state = e.getSQLState();
            int code = e.getErrorCode();
            if (state != null && (state.startsWith("08") || STATES.contains(state))
                    || code == 500150 || code == 2399 || code == 1105
                    || verdict == SQLExceptionOverride.Override.MUST_EVICT) {
                return true;
            }
            e = e.getNextException();
        }
        return false;
    }

    /** The pool's override, made from its class name when only that was set (a failure path: reflection is fine here). */
    private static SQLExceptionOverride override(HikariDataSource pool) {
        SQLExceptionOverride override = pool.getExceptionOverride();
        String name = pool.getExceptionOverrideClassName();
        if (override != null || name == null) {
            return override;
        }
        try {
            return (SQLExceptionOverride) Class.forName(name).getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException | ClassCastException | LinkageError e) {
            return null; // HikariCP refused such a class when the pool started
        }
    }
}
