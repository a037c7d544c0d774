package dev.replicaware.dialect;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Map;

/**
 * MySQL 8.4+: {@code @@read_only}/{@code @@super_read_only} for the role, {@code gtid_executed} and the replica's
 * retrieved GTID set counted as transactions. Internal.
 */
public final class MySqlDialect extends Dialect {
    static final MySqlDialect INSTANCE = new MySqlDialect();

    private static final String PROBE = "SELECT @@read_only, @@super_read_only, @@gtid_executed; SHOW REPLICA STATUS";

    private MySqlDialect() {}

    @Override
    public Dialect confirm(DatabaseMetaData meta) throws SQLException {
        String version = meta.getDatabaseProductVersion();
        return version != null && version.toLowerCase(Locale.ROOT).contains("mariadb") ? MariaDbDialect.INSTANCE : this;
    }

    @Override
    public String name() {
        return "mysql";
    }

    @Override
    public String positionUnit() {
        return "transactions";
    }

    @Override
    public Map<String, String> probeConnectionProperties() {
        return Map.of("allowMultiQueries", "true");
    }

    @Override
    public Probe probe(Connection connection) throws SQLException {
        try (Statement s = connection.createStatement()) {
            if (!s.execute(PROBE)) {
                throw new SQLException("The MySQL probe returned no result set");
            }
            boolean readOnly;
            String executed;
            try (ResultSet rs = s.getResultSet()) {
                rs.next();
                readOnly = rs.getBoolean(1) || rs.getBoolean(2);
                executed = rs.getString(3);
            }
            ReplicaStatus status = ReplicaStatus.readNext(s);
            long applied = Gtids.mySqlCount(executed);
            if (!readOnly) {
                return new Probe(Role.PRIMARY, applied, Probe.NO_POSITION, Probe.NO_POSITION, false, Double.NaN);
            }
            long received = status == null ? applied : Gtids.mySqlUnionCount(executed, status.get("Retrieved_Gtid_Set"));
            return new Probe(Role.REPLICA, Probe.NO_POSITION, received, applied,
                    status != null && status.ioRunning(), status == null ? Double.NaN : status.secondsBehind());
        }
    }

    @Override
    public Map<String, String> timeoutProperties(java.time.Duration timeout) {
        String millis = Long.toString(timeout.toMillis());
        return Map.of("connectTimeout", millis, "socketTimeout", millis);
    }

    @Override
    public String serverIdentitySql() {
        return "SELECT CONCAT(@@hostname, ':', @@port)";
    }
}
