package dev.replicaware.jdbc;

import dev.replicaware.topology.Node;

import java.sql.Connection;
import java.sql.SQLClientInfoException;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Executor;

/**
 * The session state a logical connection records for the caller: isolation, catalog, schema, holdability, network
 * timeout, client info and type map. A change goes to the physical connection when one is held and is kept for the
 * next one; {@link #replay} sets on each newly borrowed physical connection what differs from the pool's defaults, and
 * {@link #resetForNextBorrower} puts back what the pool does not reset. A change also reaches the connection's replica
 * side ({@link ReadSide}), so a read there runs in the same session state. Read-only and autocommit, which decide
 * routing and transactions, stay with the connection itself. The warnings of the physical connection held are here too.
 */
final class SessionState {
    private static final int UNSET = RarelySetState.UNSET;

    private SessionState() {
    }

    /**
     * Sets on {@code c}, a connection to {@code target} just borrowed ({@code beneath}: the driver's connection under
     * it), the state that differs from its pool's defaults.
     */
    static void replay(LogicalConnection lc, Node target, Connection c, Connection beneath) throws SQLException {
        if (lc.readOnly != target.defaultReadOnly()) {
            target.applyReadOnly(c, lc.readOnly); // only where the driver accepts it: routing already decided
        }
        lc.beginDeferred = false;
        lc.autoCommitStale = false;
        if (target.autoCommitFloats()) {
            if (beneath.getAutoCommit() != lc.autoCommit) { // the driver's own state: no round trip to read it
                beneath.setAutoCommit(lc.autoCommit);
            }
        } else if (lc.autoCommit != target.defaultAutoCommit()) {
            lc.beginDeferred = !lc.autoCommit && Transactions.deferBegin(lc, target, c);
            if (!lc.beginDeferred) {
                c.setAutoCommit(lc.autoCommit);
            }
        }
        if (lc.isolation != UNSET && lc.isolation != target.defaultIsolation()) {
            c.setTransactionIsolation(lc.isolation);
        }
        RarelySetState r = lc.rarelySet;
        if (r != null) {
            r.replay(target, c);
        }
    }

    /**
     * Where autocommit floats ({@link Node#autoCommitFloats}): sets {@code lc}'s on the driver's connection beneath its
     * physical one, if it differs there.
     */
    static void syncAutoCommit(LogicalConnection lc) throws SQLException {
        lc.autoCommitStale = false;
        try {
            if (lc.driver.getAutoCommit() != lc.autoCommit) {
                lc.driver.setAutoCommit(lc.autoCommit);
            }
        } catch (SQLException e) {
            throw lc.onError(e);
        }
    }

    /**
     * Puts back what {@code lc} changed and the pool does not reset, before {@code c} goes back to the pool; a
     * connection that cannot be put back as it was is evicted instead. True when {@code c} may be returned.
     */
    static boolean resetForNextBorrower(LogicalConnection lc, Node n, Connection c) {
        RarelySetState r = lc.rarelySet;
        if (r == null) {
            return true;
        }
        try {
            r.restore(c);
            return true;
        } catch (SQLException e) {
            n.evict(c);
            lc.onError(n, e);
            return false;
        }
    }

    static void setTransactionIsolation(LogicalConnection c, int level) throws SQLException {
        c.checkOpen();
        if (c.beginDeferred) {
            if (c.transactionActive) { // what pgjdbc says in a transaction begun on the server
                throw new SQLException("Cannot change the transaction isolation level inside a transaction: this"
                        + " connection of cluster '" + c.router.cluster() + "' is in a transaction on node '"
                        + c.node.name() + "'; commit or roll back first", "25001");
            }
            Transactions.begin(c); // the level changes what the deferral assumed: this transaction begins as usual
        }
        if (c.physical != null) {
            c.physical.setTransactionIsolation(level);
        }
        c.isolation = level;
        LogicalConnection side = ReadSide.of(c);
        if (side != null) {
            side.setTransactionIsolation(level);
        }
    }

    static int transactionIsolation(LogicalConnection c) throws SQLException {
        c.checkOpen();
        if (c.physical == null && c.isolation != UNSET) {
            return c.isolation;
        }
        return c.physical().getTransactionIsolation();
    }

    static void setCatalog(LogicalConnection c, String catalog) throws SQLException {
        c.checkOpen();
        if (c.physical != null) {
            c.physical.setCatalog(catalog);
        }
        RarelySetState.of(c).catalog = catalog;
        LogicalConnection side = ReadSide.of(c);
        if (side != null) {
            side.setCatalog(catalog);
        }
    }

    static String catalog(LogicalConnection c) throws SQLException {
        c.checkOpen();
        RarelySetState r = c.rarelySet;
        if (c.physical == null && r != null && r.catalog != null) {
            return r.catalog;
        }
        return c.physical().getCatalog();
    }

    static void setSchema(LogicalConnection c, String schema) throws SQLException {
        c.checkOpen();
        if (c.physical != null) {
            c.physical.setSchema(schema);
        }
        RarelySetState.of(c).schema = schema;
        LogicalConnection side = ReadSide.of(c);
        if (side != null) {
            side.setSchema(schema);
        }
    }

    static String schema(LogicalConnection c) throws SQLException {
        c.checkOpen();
        RarelySetState r = c.rarelySet;
        if (c.physical == null && r != null && r.schema != null) {
            return r.schema;
        }
        return c.physical().getSchema();
    }

    static void setHoldability(LogicalConnection c, int holdability) throws SQLException {
        c.checkOpen();
        if (c.physical != null) {
            RarelySetState.of(c).reset().beforeHoldability(c.physical);
            c.physical.setHoldability(holdability);
        }
        RarelySetState.of(c).holdability = holdability;
        LogicalConnection side = ReadSide.of(c);
        if (side != null) {
            side.setHoldability(holdability);
        }
    }

    static int holdability(LogicalConnection c) throws SQLException {
        c.checkOpen();
        RarelySetState r = c.rarelySet;
        if (c.physical == null && r != null && r.holdability != UNSET) {
            return r.holdability;
        }
        return c.physical().getHoldability();
    }

    static void setNetworkTimeout(LogicalConnection c, Executor executor, int milliseconds) throws SQLException {
        c.checkOpen();
        if (milliseconds < 0) {
            throw new SQLException("Network timeout must not be negative, but was " + milliseconds);
        }
        if (c.physical != null) {
            c.physical.setNetworkTimeout(executor, milliseconds);
        }
        RarelySetState r = RarelySetState.of(c);
        r.networkTimeoutExecutor = executor;
        r.networkTimeout = milliseconds;
        LogicalConnection side = ReadSide.of(c);
        if (side != null) {
            side.setNetworkTimeout(executor, milliseconds);
        }
    }

    static int networkTimeout(LogicalConnection c) throws SQLException {
        c.checkOpen();
        RarelySetState r = c.rarelySet;
        if (c.physical == null && r != null && r.networkTimeout != UNSET) {
            return r.networkTimeout;
        }
        return c.physical().getNetworkTimeout();
    }

    static void setClientInfo(LogicalConnection c, String name, String value) throws SQLClientInfoException {
        checkOpenForClientInfo(c);
        if (c.physical != null) {
            beforeClientInfo(c, c.physical);
            c.physical.setClientInfo(name, value);
        }
        RarelySetState r = RarelySetState.of(c);
        if (r.clientInfo == null) {
            r.clientInfo = new Properties();
        }
        if (value == null) {
            r.clientInfo.remove(name);
        } else {
            r.clientInfo.setProperty(name, value);
        }
        LogicalConnection side = ReadSide.of(c);
        if (side != null) {
            side.setClientInfo(name, value);
        }
    }

    static void setClientInfo(LogicalConnection c, Properties properties) throws SQLClientInfoException {
        checkOpenForClientInfo(c);
        if (c.physical != null) {
            beforeClientInfo(c, c.physical);
            c.physical.setClientInfo(properties);
        }
        Properties copy = new Properties();
        if (properties != null) {
            copy.putAll(properties);
        }
        RarelySetState.of(c).clientInfo = copy;
        LogicalConnection side = ReadSide.of(c);
        if (side != null) {
            side.setClientInfo(properties);
        }
    }

    /** {@code checkOpen}, in the exception type {@code setClientInfo} may throw. */
    private static void checkOpenForClientInfo(LogicalConnection c) throws SQLClientInfoException {
        if (c.closed) {
            throw new SQLClientInfoException("This connection of Replicaware cluster '" + c.router.cluster() + "' is closed", "08003",
                    0, Map.of());
        }
    }

    private static void beforeClientInfo(LogicalConnection lc, Connection c) throws SQLClientInfoException {
        try {
            RarelySetState.of(lc).reset().beforeClientInfo(c);
        } catch (SQLException e) {
            throw new SQLClientInfoException("Could not read the client info of cluster '" + lc.router.cluster()
                    + "' node '" + lc.node.name() + "' before changing it: " + e.getMessage(), e.getSQLState(), e.getErrorCode(), Map.of(), e);
        }
    }

    static String clientInfo(LogicalConnection c, String name) throws SQLException {
        c.checkOpen();
        Properties clientInfo = c.rarelySet == null ? null : c.rarelySet.clientInfo;
        if (c.physical == null && clientInfo != null && clientInfo.containsKey(name)) {
            return clientInfo.getProperty(name);
        }
        return c.physical().getClientInfo(name);
    }

    static Properties clientInfo(LogicalConnection c) throws SQLException {
        c.checkOpen();
        return c.physical().getClientInfo();
    }

    /** The warnings of the physical connection held; none before one is. */
    static SQLWarning warnings(LogicalConnection c) throws SQLException {
        c.checkOpen();
        Connection p = c.physical;
        return p == null ? null : p.getWarnings();
    }

    static void clearWarnings(LogicalConnection c) throws SQLException {
        c.checkOpen();
        Connection p = c.physical;
        if (p != null) {
            p.clearWarnings();
        }
    }

    static Map<String, Class<?>> typeMap(LogicalConnection c) throws SQLException {
        c.checkOpen();
        RarelySetState r = c.rarelySet;
        if (c.physical == null && r != null && r.typeMap != null) {
            return r.typeMap;
        }
        return c.physical().getTypeMap();
    }

    static void setTypeMap(LogicalConnection c, Map<String, Class<?>> map) throws SQLException {
        c.checkOpen();
        if (map == null) {
            throw new SQLException("The type map must not be null; give an empty map to map no types");
        }
        if (c.physical != null) {
            RarelySetState.of(c).reset().beforeTypeMap(c.physical);
            c.physical.setTypeMap(map);
        }
        RarelySetState.of(c).typeMap = map;
        LogicalConnection side = ReadSide.of(c);
        if (side != null) {
            side.setTypeMap(map);
        }
    }
}
