package dev.replicaware.dialect;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;

/**
 * What MySQL and MariaDB share: mysql-connector-j's connection properties, port 3306, {@code GET_LOCK}, GTID positions
 * counted as transactions and the quoting of a replication change statement's values. Each subclass keeps its own
 * probe and its own replication SQL, which the two spell differently ({@code REPLICA}/{@code SOURCE} against
 * {@code SLAVE}/{@code MASTER}, {@code super_read_only}, GTID modes).
 */
abstract class MySqlFamilyDialect extends Dialect {

    @Override
    public String positionUnit() {
        return "transactions";
    }

    /** The probe is one round trip: the variables and {@code SHOW REPLICA STATUS} in one multi-statement. */
    @Override
    public Map<String, String> probeConnectionProperties() {
        return Map.of("allowMultiQueries", "true");
    }

    @Override
    public Map<String, String> timeoutProperties(Duration timeout) {
        String millis = Long.toString(timeout.toMillis());
        return Map.of("connectTimeout", millis, "socketTimeout", millis);
    }

    /**
     * {@code read_only} waits for the commits under way, and on a resumed former primary those can be waiting for a
     * semi-synchronous acknowledgement that no replica will send (they follow the new primary): the fence would then
     * wait out {@code rpl_semi_sync_master_timeout}, the node writable meanwhile, and those commits be acknowledged
     * after it. So every other client session is killed first (a killed session's commit is never acknowledged), then
     * {@link #fence}; the admin user's own are spared (other instances' fences: see {@link MariaDbDialect}), and so
     * are replication threads. Killing other users' sessions needs {@code CONNECTION ADMIN} (MariaDB) or
     * {@code CONNECTION_ADMIN} (MySQL); without it the fence still follows, and the answer says so.
     */
    @Override
    String endSessionsAndFence(Connection admin, Duration timeout) throws SQLException {
        java.util.List<Long> ids = new java.util.ArrayList<>();
        try (java.sql.Statement s = admin.createStatement(); ResultSet rs = s.executeQuery("SELECT ID FROM information_schema.PROCESSLIST"
                + " WHERE ID <> CONNECTION_ID() AND USER NOT IN ('system user', 'event_scheduler', SUBSTRING_INDEX(USER(), '@', 1))"
                + " AND COMMAND NOT IN ('Binlog Dump', 'Binlog Dump GTID', 'Daemon')")) {
            while (rs.next()) {
                ids.add(rs.getLong(1));
            }
        }
        String failed = null;
        for (long id : ids) {
            try (java.sql.Statement s = admin.createStatement()) {
                s.execute("KILL CONNECTION " + id);
            } catch (SQLException e) {
                if (e.getErrorCode() != 1094) { // 1094: unknown thread, it ended meanwhile
                    failed = "could not kill session " + id + " (" + e.getMessage() + "); the admin user needs CONNECTION ADMIN";
                }
            }
        }
        fence(admin);
        return failed;
    }

    @Override
    public boolean supportsFailover() {
        return true;
    }

    @Override
    public int defaultPort() {
        return 3306;
    }

    /** 10 transactions: GTID positions count transactions, not bytes. */
    @Override
    public long defaultMaxLagOnFailover() {
        return 10;
    }

    /** {@code GET_LOCK} without waiting; a session lock, released when the session ends. Names are at most 64 characters. */
    @Override
    public boolean tryFailoverLock(Connection admin, String cluster) throws SQLException {
        try (PreparedStatement ps = admin.prepareStatement("SELECT GET_LOCK(?, 0)")) {
            String name = "replicaware-failover:" + cluster;
            ps.setString(1, name.length() > 64 ? name.substring(0, 64) : name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getInt(1) == 1;
            }
        }
    }

    /** The first column of the first row of {@code sql}; null when none. */
    static String queryText(Connection connection, String sql) throws SQLException {
        try (java.sql.Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    /** Runs the server's GTID wait {@code sql(position, seconds)}; the integer it answers. */
    static int serverWait(Connection connection, String sql, String position, double seconds) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            ps.setString(1, position);
            ps.setDouble(2, seconds);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return -1;
                }
                int answer = rs.getInt(1);
                return rs.wasNull() ? -1 : answer;
            }
        }
    }

    @Override
    public boolean stopsReceivingBeforePromotion() {
        return true;
    }

    /** {@code rpl_semi_sync_slave_enabled} (MariaDB, MySQL before 8.0.26) or {@code rpl_semi_sync_replica_enabled} is on. */
    @Override
    public boolean acknowledgesCommits(Connection admin) throws SQLException {
        try (Statement s = admin.createStatement()) {
            return SemiSync.read(s).replicaOn();
        }
    }

    @Override
    public void stopReceiving(Connection admin) throws SQLException {
        try (Statement s = admin.createStatement()) {
            AdminErrors.execute(s, "STOP REPLICA IO_THREAD", "STOP REPLICA IO_THREAD", "stop a replica receiving before a promotion",
                    "REPLICATION SLAVE ADMIN (MariaDB) or REPLICATION_SLAVE_ADMIN (MySQL)");
        }
    }

    @Override
    public void startReceiving(Connection admin) throws SQLException {
        try (Statement s = admin.createStatement()) {
            AdminErrors.execute(s, "START REPLICA IO_THREAD", "START REPLICA IO_THREAD", "let a replica receive again after a refused promotion",
                    "REPLICATION SLAVE ADMIN (MariaDB) or REPLICATION_SLAVE_ADMIN (MySQL)");
        }
    }

    /** {@code SHOW REPLICA STATUS}'s source host and port; null on a server that replicates from nothing. */
    @Override
    public String configuredUpstream(Connection admin) throws SQLException {
        ReplicaStatus status = replicaStatus(admin);
        return status == null ? null : status.get("Source_Host", "Master_Host") + ":" + status.get("Source_Port", "Master_Port");
    }

    /**
     * {@code streaming host:port} while the IO thread runs, else its state ({@code connecting}, {@code no}) with the
     * configured source; null on a server that replicates from nothing.
     */
    @Override
    public String upstream(Connection admin) throws SQLException {
        ReplicaStatus status = replicaStatus(admin);
        if (status == null) {
            return null;
        }
        String io = status.ioRunning() ? "streaming" : String.valueOf(status.get("Replica_IO_Running", "Slave_IO_Running"))
                .toLowerCase(java.util.Locale.ROOT);
        return io + " " + status.get("Source_Host", "Master_Host") + ":" + status.get("Source_Port", "Master_Port");
    }

    private static ReplicaStatus replicaStatus(Connection admin) throws SQLException {
        try (Statement s = admin.createStatement(); ResultSet rs = s.executeQuery("SHOW REPLICA STATUS")) {
            return ReplicaStatus.read(rs);
        } catch (SQLException e) {
            throw AdminErrors.explain(e, admin, "SHOW REPLICA STATUS", "check which node a replica follows",
                    "SLAVE MONITOR (MariaDB) or REPLICATION CLIENT (MySQL)");
        }
    }

    @Override
    public String serverIdentitySql() {
        return "SELECT CONCAT(@@hostname, ':', @@port)";
    }

    /** A string literal for a change-replication statement, which takes no bind parameters. */
    static String quote(String value) {
        return value == null ? "''" : "'" + value.replace("\\", "\\\\").replace("'", "''") + "'";
    }

    /**
     * The semi-synchronous role follows the primary. A node that acknowledges as a semi-synchronous replica is made
     * to wait for acknowledgements when it is promoted ({@code promoting}): left as configured on a replica, it would
     * acknowledge commits to nobody, and every acknowledged write after the failover could be lost with it. A node
     * made to replicate ({@code !promoting}) stops waiting: a replica that waits for acknowledgements of what it
     * applies (with {@code log_slave_updates}) has nobody to send them, so its applier stalls for the whole timeout,
     * forever where the timeout is set high to keep semi-synchronous replication from falling back to asynchronous.
     * A node without semi-synchronous replication is left alone. The change is checked by setting the variable to the
     * value it has first, so that a missing privilege is found before anything changes; MariaDB wants
     * {@code REPLICATION MASTER ADMIN}, MySQL {@code SYSTEM_VARIABLES_ADMIN}.
     *
     * @return the statement that makes the change, or null when none is needed
     */
    static String semiSyncChange(Statement s, boolean promoting, String step, String privilege) throws SQLException {
        SemiSync semi = SemiSync.read(s);
        boolean change = promoting ? semi.primaryVariable() != null && semi.replicaOn() && !semi.primaryOn() : semi.primaryOn();
        if (!change) {
            return null;
        }
        String set = "SET GLOBAL " + semi.primaryVariable() + " = ";
        AdminErrors.execute(s, set + (semi.primaryOn() ? "ON" : "OFF"), "SET GLOBAL " + semi.primaryVariable(), step, privilege);
        return set + (semi.primaryOn() ? "OFF" : "ON");
    }

    /** Makes the change {@link #semiSyncChange} returned, if any. */
    static void applySemiSyncChange(Statement s, String change, String step, String privilege) throws SQLException {
        if (change != null) {
            AdminErrors.execute(s, change, change.substring(0, change.indexOf(" = ")), step, privilege);
        }
    }

    /** The semi-synchronous settings of a node, as {@code SHOW GLOBAL VARIABLES} names them; the primary variable null when absent. */
    private record SemiSync(String primaryVariable, boolean primaryOn, boolean replicaOn) {
        // the variables exist with the plugins loaded (MySQL) or built in (MariaDB), named master/slave or source/replica
        static SemiSync read(Statement s) throws SQLException {
            String primaryVariable = null;
            boolean primaryOn = false;
            boolean replicaOn = false;
            try (ResultSet rs = s.executeQuery("SHOW GLOBAL VARIABLES LIKE 'rpl\\_semi\\_sync\\_%enabled'")) {
                while (rs.next()) {
                    String name = rs.getString(1).toLowerCase(java.util.Locale.ROOT);
                    boolean on = "ON".equalsIgnoreCase(rs.getString(2)) || "1".equals(rs.getString(2));
                    if (name.endsWith("_master_enabled") || name.endsWith("_source_enabled")) {
                        primaryVariable = name;
                        primaryOn = on;
                    } else if (name.endsWith("_slave_enabled") || name.endsWith("_replica_enabled")) {
                        replicaOn |= on;
                    }
                }
            }
            return new SemiSync(primaryVariable, primaryOn, replicaOn);
        }
    }
}
