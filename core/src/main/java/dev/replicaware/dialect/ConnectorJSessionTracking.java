package dev.replicaware.dialect;

import com.mysql.cj.conf.PropertyKey;
import com.mysql.cj.jdbc.JdbcConnection;
import com.mysql.cj.protocol.ServerSessionStateController;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * MySQL Connector/J's view of the session tracking in a server's answers (the OK packet's session state): what
 * {@link MariaDbDialect#commitWithPosition} reads the commit's {@code last_gtid} from. Connector/J is an optional
 * dependency: this class is only used on a connection whose class is Connector/J's (asked by name).
 */
final class ConnectorJSessionTracking {
    private ConnectorJSessionTracking() {}

    /** True when the connection asked the server for session tracking ({@code trackSessionState}). */
    static boolean enabled(Connection driver) throws SQLException {
        return driver.unwrap(JdbcConnection.class).getPropertySet().getBooleanProperty(PropertyKey.trackSessionState).getValue();
    }

    /** The {@code last_gtid} the server's last answer reported as changed; null when it reported none. */
    static String lastGtid(Connection driver) throws SQLException {
        ServerSessionStateController.ServerSessionStateChanges changes =
                driver.unwrap(JdbcConnection.class).getServerSessionStateController().getSessionStateChanges();
        if (changes == null) {
            return null;
        }
        for (ServerSessionStateController.SessionStateChange change : changes.getSessionStateChangesList()) {
            if (change.getType() == ServerSessionStateController.SESSION_TRACK_SYSTEM_VARIABLES
                    && change.getValues().size() == 2 && "last_gtid".equalsIgnoreCase(change.getValues().get(0))) {
                return change.getValues().get(1);
            }
        }
        return null;
    }
}
