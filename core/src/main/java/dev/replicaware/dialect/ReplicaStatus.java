package dev.replicaware.dialect;

import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/** One row of {@code SHOW REPLICA STATUS}, read by column name; MySQL says Source/Replica where MariaDB says Master/Slave. */
final class ReplicaStatus {
    private final Map<String, String> columns;

    private ReplicaStatus(Map<String, String> columns) {
        this.columns = columns;
    }

    /**
     * The next result of a multi-statement probe; null when the server replicates from nothing, or when the user may
     * not see replication status (MariaDB {@code REPLICA MONITOR}, MySQL {@code REPLICATION CLIENT}): role and
     * positions still come from the first result, only the stream state and the replica's own lag report are lost.
     */
    static ReplicaStatus readNext(java.sql.Statement s) throws SQLException {
        try {
            return s.getMoreResults() ? read(s.getResultSet()) : null;
        } catch (SQLException e) {
            if (e.getErrorCode() == 1227 || "42000".equals(e.getSQLState())) {
                return null;
            }
            throw e;
        }
    }

    /** The first row, or null when the server replicates from nothing. */
    static ReplicaStatus read(ResultSet rs) throws SQLException {
        if (rs == null || !rs.next()) {
            return null;
        }
        ResultSetMetaData md = rs.getMetaData();
        Map<String, String> cols = new HashMap<>();
        for (int i = 1; i <= md.getColumnCount(); i++) {
            cols.put(md.getColumnLabel(i).toLowerCase(Locale.ROOT), rs.getString(i));
        }
        return new ReplicaStatus(cols);
    }

    /** The value of the first of these column names that exists. */
    String get(String... names) {
        for (String n : names) {
            String key = n.toLowerCase(Locale.ROOT);
            if (columns.containsKey(key)) {
                return columns.get(key);
            }
        }
        return null;
    }

    boolean ioRunning() {
        return "Yes".equalsIgnoreCase(get("Replica_IO_Running", "Slave_IO_Running"));
    }

    /** The SQL (applier) thread is stopped: replay is paused (a backup holds it still) or broken. */
    boolean sqlStopped() {
        String v = get("Replica_SQL_Running", "Slave_SQL_Running");
        return v != null && !"Yes".equalsIgnoreCase(v);
    }

    double secondsBehind() {
        String v = get("Seconds_Behind_Source", "Seconds_Behind_Master");
        return v == null ? Double.NaN : Double.parseDouble(v);
    }
}
