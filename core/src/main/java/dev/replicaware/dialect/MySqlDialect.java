package dev.replicaware.dialect;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;

/**
 * MySQL 8.4+: {@code @@read_only}/{@code @@super_read_only} for the role, {@code gtid_executed} and the replica's
 * retrieved GTID set counted as transactions. Internal.
 */
public final class MySqlDialect extends MySqlFamilyDialect {
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
            return new Probe(Role.REPLICA, applied, received, applied,
                    status != null && status.ioRunning(), status == null ? Double.NaN : status.secondsBehind(),
                    status != null && status.sqlStopped());
        }
    }

    /** {@code @@gtid_executed} after the commit: a set that holds this session's transaction. */
    @Override
    public dev.replicaware.ConsistencyToken commitPosition(Connection connection) throws SQLException {
        String set = queryText(connection, "SELECT @@gtid_executed");
        if (set == null || set.isBlank()) {
            return null;
        }
        String position = set.replace("\n", "").trim();
        return dev.replicaware.ConsistencyToken.of(Gtids.mySqlCount(position), position);
    }

    /** Per source: a set's count says nothing of which transactions it holds. */
    @Override
    public GtidSet gtids(dev.replicaware.ConsistencyToken position) {
        return GtidSet.mySql(position.serverPosition());
    }

    /** {@code gtid_executed}: what the replica applied, as {@code WAIT_FOR_EXECUTED_GTID_SET} compares it. */
    @Override
    public Replayed replayed(Connection connection) throws SQLException {
        try (Statement s = connection.createStatement();
             ResultSet rs = s.executeQuery("SELECT @@read_only OR @@super_read_only, @@gtid_executed")) {
            rs.next();
            return rs.getBoolean(1) ? new Replayed(0, GtidSet.mySql(rs.getString(2)), Probe.UNKNOWN_TIMELINE)
                    : new Replayed(Probe.NO_POSITION, null, Probe.UNKNOWN_TIMELINE);
        }
    }

    /** {@code WAIT_FOR_EXECUTED_GTID_SET}: 0 once the replica executed the set, 1 at the timeout (whole seconds). */
    @Override
    public boolean awaitPosition(Connection connection, dev.replicaware.ConsistencyToken position, java.time.Duration timeout)
            throws SQLException {
        double seconds = Math.max(1, (timeout.toMillis() + 999) / 1000);
        return serverWait(connection, "SELECT WAIT_FOR_EXECUTED_GTID_SET(?, ?)", position.serverPosition(), seconds) == 0;
    }

    /**
     * As MariaDB's: {@code super_read_only} set ON first (it is already) proves the privilege to turn it OFF before
     * anything changes; a failed {@code RESET REPLICA ALL} starts replication again; a semi-synchronous replica becomes a
     * semi-synchronous source ({@link MySqlFamilyDialect#semiSyncChange}).
     */
    @Override
    public void promote(Connection admin) throws SQLException {
        try (Statement s = admin.createStatement()) {
            AdminErrors.execute(s, "SET GLOBAL super_read_only = ON", "SET GLOBAL super_read_only", "promote", SYSTEM_VARIABLES_ADMIN);
            String semiSync = semiSyncChange(s, true, "promote", SYSTEM_VARIABLES_ADMIN);
            AdminErrors.execute(s, "STOP REPLICA", "STOP REPLICA", "promote", REPLICATION_SLAVE_ADMIN);
            try {
                AdminErrors.execute(s, "RESET REPLICA ALL", "RESET REPLICA ALL", "promote", "RELOAD");
                applySemiSyncChange(s, semiSync, "promote", SYSTEM_VARIABLES_ADMIN);
            } catch (SQLException e) {
                startAgain(s, e);
                throw e;
            }
            AdminErrors.execute(s, "SET GLOBAL super_read_only = OFF", "SET GLOBAL super_read_only", "promote", SYSTEM_VARIABLES_ADMIN);
            AdminErrors.execute(s, "SET GLOBAL read_only = OFF", "SET GLOBAL read_only", "promote", SYSTEM_VARIABLES_ADMIN);
        }
    }

    private static final String SYSTEM_VARIABLES_ADMIN = "SYSTEM_VARIABLES_ADMIN";
    private static final String REPLICATION_SLAVE_ADMIN = "REPLICATION_SLAVE_ADMIN";

    private static void startAgain(Statement s, SQLException failure) {
        try {
            s.execute("START REPLICA");
        } catch (SQLException e) {
            failure.addSuppressed(new SQLException("and START REPLICA failed, so the node does not replicate: " + e.getMessage(),
                    e.getSQLState(), e.getErrorCode(), e));
        }
    }

    /** Keeps the replication user and password (unnamed options of the change statement are kept). */
    @Override
    public void repoint(Connection admin, String host, int port) throws SQLException {
        String step = "re-point a replica";
        try (Statement s = admin.createStatement()) {
            AdminErrors.execute(s, "STOP REPLICA", "STOP REPLICA", step, REPLICATION_SLAVE_ADMIN);
            try {
                AdminErrors.execute(s, "CHANGE REPLICATION SOURCE TO SOURCE_HOST = " + quote(host) + ", SOURCE_PORT = " + port
                        + ", SOURCE_AUTO_POSITION = 1", "CHANGE REPLICATION SOURCE", step, REPLICATION_SLAVE_ADMIN);
            } catch (SQLException e) {
                startAgain(s, e);
                throw e;
            }
            AdminErrors.execute(s, "START REPLICA", "START REPLICA", step, REPLICATION_SLAVE_ADMIN);
        }
    }

    /**
     * The former primary, already read-only, replicates from the new one from its own GTID position; the user needs
     * the replication privilege on the new primary.
     */
    @Override
    public void rejoin(Connection admin, String host, int port, String user, String password) throws SQLException {
        String step = "rejoin a former primary as a replica";
        try (Statement s = admin.createStatement()) {
            // first, so that a missing privilege changes nothing
            applySemiSyncChange(s, semiSyncChange(s, false, step, SYSTEM_VARIABLES_ADMIN), step, SYSTEM_VARIABLES_ADMIN);
            AdminErrors.execute(s, "STOP REPLICA", "STOP REPLICA", step, REPLICATION_SLAVE_ADMIN);
            AdminErrors.execute(s, "CHANGE REPLICATION SOURCE TO SOURCE_HOST = " + quote(host) + ", SOURCE_PORT = " + port
                    + ", SOURCE_USER = " + quote(user) + ", SOURCE_PASSWORD = " + quote(password) + ", SOURCE_AUTO_POSITION = 1",
                    "CHANGE REPLICATION SOURCE", step, REPLICATION_SLAVE_ADMIN);
            AdminErrors.execute(s, "START REPLICA", "START REPLICA", step, REPLICATION_SLAVE_ADMIN);
        }
    }

    @Override
    public void fence(Connection admin) throws SQLException {
        try (Statement s = admin.createStatement()) {
            AdminErrors.execute(s, "SET GLOBAL super_read_only = ON", "SET GLOBAL super_read_only", "fence", SYSTEM_VARIABLES_ADMIN);
        }
    }
}
