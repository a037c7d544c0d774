package dev.replicaware.routing;

import java.sql.SQLException;

/**
 * The statements a logical connection made on its physical connection and the application has not closed, linked
 * through the statements themselves so that tracking one costs no allocation. Statements are made on the driver's
 * connection, beneath HikariCP's proxy (one wrapper per statement, not two), so HikariCP no longer closes them when the
 * connection goes back to the pool: {@link #closeAll} does, as HikariCP's proxy did.
 */
final class OpenStatements {
    private OpenStatements() {
    }

    /** {@code s} was made on {@code c}'s current physical connection; no-op when already tracked. */
    static void add(LogicalConnection c, StatementWrapper s) {
        StatementWrapper head = c.openStatements;
        if (head == s || s.previousOpen != null) {
            return;
        }
        s.nextOpen = head;
        if (head != null) {
            head.previousOpen = s;
        }
        c.openStatements = s;
    }

    /** {@code s} was closed; no-op when not tracked (closed before, or its physical connection was given up). */
    static void remove(LogicalConnection c, StatementWrapper s) {
        StatementWrapper previous = s.previousOpen;
        StatementWrapper next = s.nextOpen;
        if (previous != null) {
            previous.nextOpen = next;
        } else if (c.openStatements == s) {
            c.openStatements = next;
        } else {
            return;
        }
        if (next != null) {
            next.previousOpen = previous;
        }
        s.previousOpen = null;
        s.nextOpen = null;
    }

    /**
     * Closes every statement still open on {@code c}'s physical connection, which is about to go back to its pool, and
     * forgets them. Returns the first failure (the others suppressed into it), or null: HikariCP evicts a connection
     * whose statements fail to close, and so does the caller.
     */
    static SQLException closeAll(LogicalConnection c) {
        StatementWrapper s = c.openStatements;
        c.openStatements = null;
        SQLException failure = null;
        while (s != null) {
            StatementWrapper next = s.nextOpen;
            s.previousOpen = null;
            s.nextOpen = null;
            try {
                s.closeDelegate();
            } catch (SQLException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
            s = next;
        }
        return failure;
    }
}
