package dev.replicaware.jdbc;

import dev.replicaware.topology.Node;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Executor;

/**
 * The state of a logical connection that few callers set (catalog, schema, holdability, network timeout, client info,
 * type map) and its read side: kept apart so that a logical connection that sets none of it, as most do not, stays
 * small. It is the one allocation of every getConnection() (64 bytes), and this is made only on the first such call.
 * Replayed onto each physical connection where it differs from the pool's defaults; what the pool does not reset is
 * put back before the physical connection is released ({@link ResetOnRelease}).
 */
final class RarelySetState {
    static final int UNSET = -1;

    String catalog;
    String schema;
    int holdability = UNSET;
    int networkTimeout = UNSET;
    Executor networkTimeoutExecutor;
    Properties clientInfo;
    Map<String, Class<?>> typeMap;
    private ResetOnRelease reset; // what was changed on the physical connection that the pool does not reset
    // routing.autocommitReads: replica (see AutocommitReadRouting)
    LogicalConnection readSide; // the replica side of the connection, once a read went there
    LogicalConnection owner;    // on a read side: the connection the application holds

    /** {@code c}'s rarely set state, made on the first call that sets some. */
    static RarelySetState of(LogicalConnection c) {
        RarelySetState r = c.rarelySet;
        if (r == null) {
            r = new RarelySetState();
            c.rarelySet = r;
        }
        return r;
    }

    /**
     * The state to carry to a second logical connection (the replica side); not what one physical connection saw,
     * nor the read side and owner, which are this connection's.
     */
    RarelySetState copy() {
        RarelySetState r = new RarelySetState();
        r.catalog = catalog;
        r.schema = schema;
        r.holdability = holdability;
        r.networkTimeout = networkTimeout;
        r.networkTimeoutExecutor = networkTimeoutExecutor;
        if (clientInfo != null) {
            r.clientInfo = new Properties();
            r.clientInfo.putAll(clientInfo);
        }
        r.typeMap = typeMap;
        return r;
    }

    /** What to put back on the physical connection before its release; made on the first change that needs it. */
    ResetOnRelease reset() {
        if (reset == null) {
            reset = new ResetOnRelease();
        }
        return reset;
    }

    /** Put back what was changed on {@code c}, before it goes back to the pool; nothing when nothing was. */
    void restore(Connection c) throws SQLException {
        if (reset != null) {
            reset.restore(c);
        }
    }

    /** Sets on {@code c}, a connection to {@code target} just borrowed, what differs from the pool's defaults. */
    void replay(Node target, Connection c) throws SQLException {
        if (catalog != null && !catalog.equals(target.defaultCatalog())) {
            c.setCatalog(catalog);
        }
        if (schema != null && !schema.equals(target.defaultSchema())) {
            c.setSchema(schema);
        }
        if (holdability != UNSET) {
            reset().beforeHoldability(c);
            c.setHoldability(holdability);
        }
        if (networkTimeout != UNSET) {
            c.setNetworkTimeout(networkTimeoutExecutor, networkTimeout);
        }
        if (clientInfo != null) {
            reset().beforeClientInfo(c);
            c.setClientInfo(clientInfo);
        }
        if (typeMap != null) {
            reset().beforeTypeMap(c);
            c.setTypeMap(typeMap);
        }
    }
}
