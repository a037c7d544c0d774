package dev.replicaware.routing;

import java.sql.SQLException;

/** Which failures say the node, not the statement, failed: they mark the node failed and may send a read elsewhere. */
public final class ConnectionErrors {
    private ConnectionErrors() {
    }

    /** SQLState class 08 (connection exception), or a server that is shutting down or starting (57P01-57P03). */
    public static boolean isConnectionError(SQLException e) {
        String state = e.getSQLState();
        return state != null && (state.startsWith("08") || state.equals("57P01") || state.equals("57P02") || state.equals("57P03"));
    }
}
