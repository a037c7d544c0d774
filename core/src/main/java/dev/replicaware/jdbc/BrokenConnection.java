package dev.replicaware.jdbc;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.SQLExceptionOverride;

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
