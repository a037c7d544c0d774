package dev.replicaware.dialect;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;

/**
 * MariaDB: {@code @@read_only} for the role, GTID positions ({@code gtid_binlog_pos}, {@code gtid_slave_pos},
 * the IO thread's {@code Gtid_IO_Pos}) counted as transactions. Internal.
 */
public final class MariaDbDialect extends Dialect {
    static final MariaDbDialect INSTANCE = new MariaDbDialect();

    private static final String PROBE = "SELECT @@read_only, @@gtid_binlog_pos, @@gtid_slave_pos; SHOW REPLICA STATUS";

    private MariaDbDialect() {}

    @Override
    public String name() {
        return "mariadb";
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
            boolean readOnly;
            long binlog;
            long applied;
            try (ResultSet rs = execute(s)) {
                rs.next();
                readOnly = rs.getBoolean(1);
                binlog = Gtids.mariaDbCount(rs.getString(2));
                applied = Gtids.mariaDbCount(rs.getString(3));
            }
            ReplicaStatus status = ReplicaStatus.readNext(s);
            if (!readOnly) {
                return new Probe(Role.PRIMARY, binlog, Probe.NO_POSITION, Probe.NO_POSITION, false, Double.NaN);
            }
            long received = status == null ? applied : Math.max(applied, Gtids.mariaDbCount(status.get("Gtid_IO_Pos")));
            return new Probe(Role.REPLICA, Probe.NO_POSITION, received, applied,
                    status != null && status.ioRunning(), status == null ? Double.NaN : status.secondsBehind());
        }
    }

    private static ResultSet execute(Statement s) throws SQLException {
        if (!s.execute(PROBE)) {
            throw new SQLException("The MariaDB probe returned no result set");
        }
        return s.getResultSet();
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
