package dev.replicaware.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

/**
 * The state a logical connection changed on its physical connection that HikariCP does not reset when the connection
 * goes back to the pool (it resets read-only, autocommit, isolation, catalog, schema and the network timeout): the
 * holdability, the client info and the type map. Each is read from the physical connection just before the first
 * change and put back just before the release, so the next borrower finds the connection as the pool gave it.
 * Allocated only by connections that change one of them.
 */
final class ResetOnRelease {
    private boolean holdabilityChanged;
    private int holdability;
    private Properties clientInfo;           // null: unchanged
    private boolean typeMapChanged;
    private Map<String, Class<?>> typeMap;

    /** Call before changing the holdability of {@code physical}. */
    void beforeHoldability(Connection physical) throws SQLException {
        if (!holdabilityChanged) {
            holdability = physical.getHoldability();
            holdabilityChanged = true;
        }
    }

    /** Call before changing the client info of {@code physical}. */
    void beforeClientInfo(Connection physical) throws SQLException {
        if (clientInfo == null) {
            Properties now = physical.getClientInfo();
            clientInfo = new Properties(); // a copy: pgjdbc answers its own live Properties, which the change then alters
            if (now != null) {
                clientInfo.putAll(now);
            }
        }
    }

    /** Call before changing the type map of {@code physical}. */
    void beforeTypeMap(Connection physical) throws SQLException {
        if (!typeMapChanged) {
            Map<String, Class<?>> now = physical.getTypeMap();
            typeMap = now == null ? null : new HashMap<>(now); // a copy, for the same reason
            typeMapChanged = true;
        }
    }

    /** Puts back on {@code physical} what was changed, and forgets it: the next physical connection starts afresh. */
    void restore(Connection physical) throws SQLException {
        try {
            if (holdabilityChanged) {
                physical.setHoldability(holdability);
            }
            if (clientInfo != null) {
                physical.setClientInfo(clientInfo);
            }
            if (typeMapChanged) {
                physical.setTypeMap(typeMap);
            }
        } finally {
            holdabilityChanged = false;
            clientInfo = null;
            typeMapChanged = false;
            typeMap = null;
        }
    }
}
