package dev.replicaware.jdbc;

import dev.replicaware.dialect.Role;
import dev.replicaware.routing.BeginDeferral;
import dev.replicaware.routing.CausalReads;
import dev.replicaware.topology.Node;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;

import static dev.replicaware.routing.ConnectionErrors.isConnectionError;

/**
 * The commit path of a logical connection: commit and rollback, savepoints, and the commit position that
 * read-your-writes records ({@link CausalReads}) after a write transaction, or once for statements run in autocommit.
 * A read-only transaction whose server dies at its end has nothing to lose: it ends anyway, and the next statement
 * routes afresh.
 */
final class Transactions {
    private Transactions() {
    }

    static void commit(LogicalConnection c) throws SQLException {
        c.checkOpen();
        Connection physical = c.physical;
        if (physical == null) {
            return;
        }
        boolean wrote = c.transactionActive && !c.readOnly;
        CausalReads causal = wrote ? recordingCommitsOf(c, c.node) : null;
        try {
            if (c.beginDeferred || c.autoCommitStale) {
                // never begun on the server, or nothing run since autocommit changed: nothing to commit
            } else if (causal == null) {
                physical.commit();
            } else {
                c.lastCommit = causal.commit(c.node, physical, c.lastCommit); // the position, with the commit where it can
            }
            if (wrote) {
                c.autoCommitWritePending = false;
            }
        } catch (SQLException e) {
            failedAtEnd(c, e);
        } finally {
            c.transactionActive = false;
        }
    }

    static void rollback(LogicalConnection c) throws SQLException {
        c.checkOpen();
        Connection physical = c.physical;
        if (physical == null) {
            return;
        }
        try {
            if (!c.beginDeferred && !c.autoCommitStale) { // else nothing begun on the server: nothing to roll back
                physical.rollback();
            }
        } catch (SQLException e) {
            failedAtEnd(c, e);
        } finally {
            c.transactionActive = false;
        }
    }

    /**
     * Statements ran in autocommit on a read-write connection since the last position was read, and the physical
     * connection {@code physical} to {@code n} is about to be given up: read-your-writes reads its position, once.
     */
    static void recordPending(LogicalConnection c, Node n, Connection physical) {
        c.autoCommitWritePending = false;
        CausalReads causal = recordingCommitsOf(c, n);
        if (causal != null) {
            c.lastCommit = causal.committed(n, physical, c.lastCommit);
        }
    }

    /** Read-your-writes where it records the commits made on {@code n}: on the primary, unless it is off; else null. */
    private static CausalReads recordingCommitsOf(LogicalConnection c, Node n) {
        CausalReads causal = c.router.causalReads();
        return causal != null && n.status().role() == Role.PRIMARY && causal.tracksCommits() ? causal : null;
    }

    /**
     * The end of {@code c}'s transaction failed with {@code e}: noted against the node, and thrown, unless the
     * transaction was read-only and its server died. Then it wrote nothing and its reads were already answered, so there
     * is nothing to commit or roll back: the connection is given up and the next statement routes afresh.
     */
    private static void failedAtEnd(LogicalConnection c, SQLException e) throws SQLException {
        SQLException failure = c.onError(e);
        if (!c.readOnly || !isConnectionError(failure)) {
            throw failure;
        }
        Release.release(c);
    }

    static Savepoint setSavepoint(LogicalConnection c) throws SQLException {
        Savepoint savepoint = begun(c).setSavepoint();
        c.beforeExecute(null, null);
        return savepoint;
    }

    static Savepoint setSavepoint(LogicalConnection c, String name) throws SQLException {
        Savepoint savepoint = begun(c).setSavepoint(name);
        c.beforeExecute(null, null);
        return savepoint;
    }

    /** The physical connection, its transaction begun if its BEGIN was deferred: a savepoint lives in a transaction. */
    private static Connection begun(LogicalConnection c) throws SQLException {
        Connection physical = c.physical();
        if (c.beginDeferred) {
            begin(c);
        }
        if (c.autoCommitStale) {
            SessionState.syncAutoCommit(c);
        }
        return physical;
    }

    // ---- the deferred BEGIN of a read-only transaction (BeginDeferral) -------------------------------------------

    /**
     * True when the transaction {@code c} starts on {@code physical}, just borrowed from {@code target} or held, may
     * leave {@code physical} in autocommit until it needs the transaction ({@link BeginDeferral}): read-only, on
     * PostgreSQL with {@code routing.deferBegin}, at READ COMMITTED. The caller then does not switch autocommit off.
     */
    static boolean deferBegin(LogicalConnection c, Node target, Connection physical) throws SQLException {
        BeginDeferral deferral = c.router.beginDeferral();
        return deferral != null && c.readOnly && deferral.perStatementSnapshots(target, physical, c.isolation);
    }

    /**
     * A statement is about to run in a transaction whose BEGIN was deferred: the transaction's first statement runs
     * alone, in autocommit, when its SQL is known (a prepared statement's, or a plain one's given to {@code execute}
     * or {@code executeQuery}; never a call) and provably only reads, and it is fetched whole (fetch size 0: a cursor
     * lives in a transaction); anything else begins the transaction first (pgjdbc sends BEGIN with the statement).
     */
    static void beforeDeferredStatement(LogicalConnection c, StatementWrapper s, String sql) throws SQLException {
        if (!c.transactionActive && sql != null && s.delegateStatement().getFetchSize() == 0
                && c.router.beginDeferral().loneRead(sql)) {
            return;
        }
        begin(c);
    }

    /** Begins the transaction whose BEGIN was deferred: from its next statement on, it is a transaction on the server. */
    static void begin(LogicalConnection c) throws SQLException {
        c.beginDeferred = false;
        try {
            c.physical.setAutoCommit(false);
        } catch (SQLException e) {
            throw c.onError(e);
        }
    }

    /** The physical connection a savepoint was set on; a connection that holds none has no savepoint. */
    static Connection savepointConnection(LogicalConnection c) throws SQLException {
        c.checkOpen();
        if (c.physical == null) {
            throw new SQLException("No savepoint exists on this connection of cluster '" + c.router.cluster()
                    + "': it holds no physical connection (none taken yet, or released when the read-only flag changed)");
        }
        return c.physical;
    }
}
