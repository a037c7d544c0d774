package dev.replicaware.jdbc;

import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;

/**
 * The driver's statements a logical connection made on its physical connection and the application has not closed.
 * Statements are made on the driver's connection, beneath HikariCP's proxy (one wrapper per statement, not two), so
 * HikariCP no longer closes them when the connection goes back to the pool: {@link #closeAll} does, as HikariCP's proxy
 * did. The connection's field holds the one open statement itself (the common case: no allocation, and the wrapper
 * the application holds stays unreachable from the connection, so the JIT may still remove it), or an instance of
 * this class once two are open at the same time, kept for the rest of the logical connection's life.
 */
final class OpenStatements {
    private Statement[] statements = new Statement[4];
    private int size;

    private OpenStatements() {
    }

    /** {@code s} was made on {@code c}'s current physical connection. */
    static void add(LogicalConnection c, Statement s) {
        Object open = c.openStatements;
        if (open == null) {
            c.openStatements = s;
        } else if (open instanceof OpenStatements many) {
            many.push(s);
        } else {
            OpenStatements many = new OpenStatements();
            many.push((Statement) open);
            many.push(s);
            c.openStatements = many;
        }
    }

    /** {@code s} was closed; no-op when not tracked (closed before, or its physical connection was given up). */
    static void remove(LogicalConnection c, Statement s) {
        Object open = c.openStatements;
        if (open == s) {
            c.openStatements = null;
        } else if (open instanceof OpenStatements many) {
            many.drop(s);
        }
    }

    /**
     * Closes every statement still open on {@code c}'s physical connection, which is about to go back to its pool, and
     * forgets them. Returns the first failure (the others suppressed into it), or null: HikariCP evicts a connection
     * whose statements fail to close, and so does the caller.
     */
    static SQLException closeAll(LogicalConnection c) {
        Object open = c.openStatements;
        if (open == null) {
            return null;
        }
        if (open instanceof OpenStatements many) {
            SQLException failure = null;
            for (int i = 0; i < many.size; i++) {
                failure = close(many.statements[i], failure);
                many.statements[i] = null;
            }
            many.size = 0;
            return failure;
        }
        c.openStatements = null;
        return close((Statement) open, null);
    }

    private static SQLException close(Statement s, SQLException failure) {
        try {
            s.close();
        } catch (SQLException e) {
            if (failure == null) {
                return e;
            }
            failure.addSuppressed(e);
        }
        return failure;
    }

    private void push(Statement s) {
        if (size == statements.length) {
            statements = Arrays.copyOf(statements, size * 2);
        }
        statements[size++] = s;
    }

    /** From the end: statements are mostly closed in the reverse order of their making (try-with-resources). */
    private void drop(Statement s) {
        for (int i = size - 1; i >= 0; i--) {
            if (statements[i] == s) {
                System.arraycopy(statements, i + 1, statements, i, size - i - 1);
                statements[--size] = null;
                return;
            }
        }
    }
}
