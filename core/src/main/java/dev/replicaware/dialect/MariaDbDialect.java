package dev.replicaware.dialect;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * MariaDB: {@code @@read_only} for the role, GTID positions ({@code gtid_binlog_pos}, {@code gtid_slave_pos},
 * the IO thread's {@code Gtid_IO_Pos}) counted as transactions. Internal.
 */
public final class MariaDbDialect extends MySqlFamilyDialect {
    static final MariaDbDialect INSTANCE = new MariaDbDialect();

    private static final String PROBE = "SELECT @@read_only, @@gtid_binlog_pos, @@gtid_slave_pos; SHOW REPLICA STATUS";

    private MariaDbDialect() {}

    @Override
    public String name() {
        return "mariadb";
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
            return new Probe(Role.REPLICA, binlog, received, applied,
                    status != null && status.ioRunning(), status == null ? Double.NaN : status.secondsBehind(),
                    status != null && status.sqlStopped());
        }
    }

    /**
     * {@code @@last_gtid}: the GTID of this session's last transaction that wrote (a transaction that wrote nothing
     * leaves the one before, which is already replayed wherever the later one is). In autocommit-off mode the SELECT
     * reads no table, so it opens no InnoDB snapshot for the next transaction.
     */
    @Override
    public dev.replicaware.ConsistencyToken commitPosition(Connection connection) throws SQLException {
        return token(queryText(connection, "SELECT @@last_gtid"));
    }

    @Override
    public boolean readsPositionWithCommit() {
        return true;
    }

    /**
     * With MySQL Connector/J and {@code trackSessionState} (set on Replicaware's pools), MariaDB reports a changed
     * {@code last_gtid} in the answer to the {@code COMMIT} itself (session tracking), so the position costs no round
     * trip. Where the answer carries none, the transaction wrote nothing or the session does not report
     * {@code last_gtid} yet: the position is read as {@link #commitPosition} does, and a session able to report it is
     * made to, once per physical connection. With another driver every commit is followed by that read.
     */
    @Override
    public dev.replicaware.ConsistencyToken commitWithPosition(Connection connection) throws SQLException {
        connection.commit();
        Connection driver = connection.unwrap(Connection.class);
        boolean connectorJ = driver.getClass().getName().startsWith("com.mysql.cj."); // else the class below is not loaded
        if (connectorJ) {
            String tracked = ConnectorJSessionTracking.lastGtid(driver);
            if (tracked != null) {
                return token(tracked);
            }
        }
        try (Statement s = driver.createStatement();
             ResultSet rs = s.executeQuery("SELECT @@last_gtid, @@session_track_system_variables")) {
            rs.next();
            String gtid = rs.getString(1);
            if (connectorJ && ConnectorJSessionTracking.enabled(driver) && !tracksLastGtid(rs.getString(2))) {
                try (Statement set = driver.createStatement()) {
                    set.execute("SET SESSION session_track_system_variables"
                            + " = CONCAT_WS(',', NULLIF(@@session_track_system_variables, ''), 'last_gtid')");
                }
            }
            return token(gtid);
        }
    }

    private static boolean tracksLastGtid(String variables) {
        return variables != null && java.util.Arrays.stream(variables.split(","))
                .anyMatch(v -> v.trim().equals("*") || v.trim().equalsIgnoreCase("last_gtid"));
    }

    private static dev.replicaware.ConsistencyToken token(String gtid) {
        if (gtid == null || gtid.isBlank()) {
            return null;
        }
        return dev.replicaware.ConsistencyToken.of(Gtids.mariaDbCount(gtid), gtid.trim());
    }

    /** Per domain: a commit in another domain (a batch job's own {@code gtid_domain_id}) says nothing of this one. */
    @Override
    public GtidSet gtids(dev.replicaware.ConsistencyToken position) {
        return GtidSet.mariaDb(position.serverPosition());
    }

    /** {@code gtid_slave_pos}: what the replica applied, per domain, as {@code MASTER_GTID_WAIT} compares it. */
    @Override
    public Replayed replayed(Connection connection) throws SQLException {
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery("SELECT @@read_only, @@gtid_slave_pos")) {
            rs.next();
            return rs.getBoolean(1) ? new Replayed(0, GtidSet.mariaDb(rs.getString(2)), Probe.UNKNOWN_TIMELINE)
                    : new Replayed(Probe.NO_POSITION, null, Probe.UNKNOWN_TIMELINE);
        }
    }

    /**
     * {@code MASTER_GTID_WAIT}: 0 once {@code gtid_slave_pos} reaches the position's sequence numbers, -1 at the
     * timeout. It compares numbers only, so it returns at once on a replica numbered ahead on another history (see
     * {@link GtidSet#mariaDb}): where it returns, {@code gtid_slave_pos} must also be on the position's server.
     */
    @Override
    public boolean awaitPosition(Connection connection, dev.replicaware.ConsistencyToken position, java.time.Duration timeout)
            throws SQLException {
        if (serverWait(connection, "SELECT MASTER_GTID_WAIT(?, ?)", position.serverPosition(), timeout.toNanos() / 1e9) != 0) {
            return false;
        }
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery("SELECT @@gtid_slave_pos")) {
            return rs.next() && GtidSet.mariaDb(rs.getString(1)).covers(gtids(position));
        }
    }

    private static ResultSet execute(Statement s) throws SQLException {
        if (!s.execute(PROBE)) {
            throw new SQLException("The MariaDB probe returned no result set");
        }
        return s.getResultSet();
    }

    /**
     * Replication stops, its configuration is removed (so that a restart never resumes replicating from the old
     * primary) and the node takes writes. {@code read_only} is set ON first, which it is already: that proves the
     * privilege to turn it OFF before anything changes. A step after {@code STOP SLAVE} that fails starts again the
     * replication threads that ran, so the candidate stays the replica it was. A semi-synchronous replica becomes a
     * semi-synchronous primary ({@link MySqlFamilyDialect#semiSyncChange}).
     */
    @Override
    public void promote(Connection admin) throws SQLException {
        try (Statement s = admin.createStatement()) {
            AdminErrors.execute(s, "SET GLOBAL read_only = ON", "SET GLOBAL read_only", "promote", READ_ONLY_ADMIN);
            String semiSync = semiSyncChange(s, true, "promote", REPLICATION_MASTER_ADMIN);
            String running = runningThreads(s);
            AdminErrors.execute(s, "STOP SLAVE", "STOP SLAVE", "promote", REPLICATION_SLAVE_ADMIN);
            try {
                AdminErrors.execute(s, "RESET SLAVE ALL", "RESET SLAVE ALL", "promote", "RELOAD");
                applySemiSyncChange(s, semiSync, "promote", REPLICATION_MASTER_ADMIN);
            } catch (SQLException e) {
                restart(s, running, e);
                throw e;
            }
            AdminErrors.execute(s, "SET GLOBAL read_only = OFF", "SET GLOBAL read_only", "promote", READ_ONLY_ADMIN);
        }
    }

    private static final String READ_ONLY_ADMIN = "READ_ONLY ADMIN";
    private static final String REPLICATION_MASTER_ADMIN = "REPLICATION MASTER ADMIN";
    private static final String REPLICATION_SLAVE_ADMIN = "REPLICATION SLAVE ADMIN";

    /** The {@code START SLAVE} that restarts the threads running now, or null when none runs. */
    private static String runningThreads(Statement s) throws SQLException {
        try (ResultSet rs = s.executeQuery("SHOW SLAVE STATUS")) {
            if (!rs.next()) {
                return null;
            }
            boolean io = !"No".equalsIgnoreCase(rs.getString("Slave_IO_Running")); // Connecting counts: it retries
            boolean sql = "Yes".equalsIgnoreCase(rs.getString("Slave_SQL_Running"));
            return io && sql ? "START SLAVE" : io ? "START SLAVE IO_THREAD" : sql ? "START SLAVE SQL_THREAD" : null;
        } catch (SQLException e) {
            throw AdminErrors.explain(e, s.getConnection(), "SHOW SLAVE STATUS", "promote", "SLAVE MONITOR");
        }
    }

    /** Starts replication again as it ran before a failed step; a failure to do so is added to {@code failure}. */
    private static void restart(Statement s, String start, SQLException failure) {
        if (start == null) {
            return;
        }
        try {
            s.execute(start);
        } catch (SQLException e) {
            failure.addSuppressed(new SQLException("and " + start + " failed, so the node does not replicate: " + e.getMessage(),
                    e.getSQLState(), e.getErrorCode(), e));
        }
    }

    /** Keeps the replication user and password (unnamed options of the change statement are kept). */
    @Override
    public void repoint(Connection admin, String host, int port) throws SQLException {
        try (Statement s = admin.createStatement()) {
            String running = runningThreads(s);
            AdminErrors.execute(s, "STOP SLAVE", "STOP SLAVE", "re-point a replica", REPLICATION_SLAVE_ADMIN);
            try {
                AdminErrors.execute(s, "CHANGE MASTER TO MASTER_HOST = " + quote(host) + ", MASTER_PORT = " + port
                        + ", MASTER_USE_GTID = slave_pos", "CHANGE MASTER", "re-point a replica", REPLICATION_SLAVE_ADMIN);
            } catch (SQLException e) {
                restart(s, running, e);
                throw e;
            }
            AdminErrors.execute(s, "START SLAVE", "START SLAVE", "re-point a replica", REPLICATION_SLAVE_ADMIN);
        }
    }

    /**
     * The former primary, already read-only, replicates from the new one from its own GTID position, and no longer
     * waits for semi-synchronous acknowledgements ({@link MySqlFamilyDialect#semiSyncChange}); the user needs the
     * replication privilege on the new primary.
     */
    @Override
    public void rejoin(Connection admin, String host, int port, String user, String password) throws SQLException {
        String step = "rejoin a former primary as a replica";
        try (Statement s = admin.createStatement()) {
            // first, so that a missing privilege changes nothing
            applySemiSyncChange(s, semiSyncChange(s, false, step, REPLICATION_MASTER_ADMIN), step, REPLICATION_MASTER_ADMIN);
            AdminErrors.execute(s, "STOP SLAVE", "STOP SLAVE", step, REPLICATION_SLAVE_ADMIN);
            AdminErrors.execute(s, "SET GLOBAL gtid_slave_pos = @@gtid_binlog_pos", "SET GLOBAL gtid_slave_pos", step,
                    REPLICATION_SLAVE_ADMIN);
            // MariaDB 11.4 replicates over TLS unless told otherwise; a server without TLS assumes its peers have none
            boolean tls;
            try (ResultSet rs = s.executeQuery("SELECT @@have_ssl = 'YES'")) {
                tls = rs.next() && rs.getBoolean(1);
            }
            AdminErrors.execute(s, "CHANGE MASTER TO MASTER_HOST = " + quote(host) + ", MASTER_PORT = " + port + ", MASTER_USER = "
                    + quote(user) + ", MASTER_PASSWORD = " + quote(password) + ", MASTER_USE_GTID = slave_pos, MASTER_SSL = "
                    + (tls ? 1 : 0), "CHANGE MASTER", step, REPLICATION_SLAVE_ADMIN);
            AdminErrors.execute(s, "START SLAVE", "START SLAVE", step, REPLICATION_SLAVE_ADMIN);
        }
    }

    /**
     * The role check, the kills of {@link MySqlFamilyDialect#endSessionsAndFence} and the fence in one anonymous
     * compound statement: one round trip. On a resumed server every session races the fence from the moment it is
     * served, so the fewer round trips the fence needs after the first, the shorter the time anyone can find the node
     * writable (with the session the watch holds open, that is none: see {@code FencedNodes}).
     */
    @Override
    public String fenceResumedPrimary(Connection admin, java.time.Duration timeout) throws SQLException {
        try (Statement s = admin.createStatement()) {
            boolean results;
            try {
                results = s.execute(FENCE_RESUMED_PRIMARY);
            } catch (SQLException e) {
                throw AdminErrors.explain(e, admin, "SET GLOBAL read_only", "fence a resumed former primary", READ_ONLY_ADMIN);
            }
            while (!results && s.getUpdateCount() != -1) {
                results = s.getMoreResults();
            }
            if (!results) {
                throw new SQLException("MariaDB's fence answered no result; expected whether the node was primary", "XX000");
            }
            try (ResultSet rs = s.getResultSet()) {
                rs.next();
                if (!rs.getBoolean(1)) {
                    return "it no longer served as primary: set read-only, its sessions left alone";
                }
                int refused = rs.getInt(2);
                return refused == 0 ? "its other client sessions were ended"
                        : refused + " other client session(s) could not be killed; the admin user needs CONNECTION ADMIN";
            }
        }
    }

    /**
     * Answers (was primary, sessions the admin user may not kill). The fence comes first when it can be had at once:
     * every client served after the resume races it, and ending a hundred sessions first would leave them that long
     * to find the node writable. {@code read_only} waits for commits in progress, though, and one stuck in a
     * semi-synchronous wait would hold it for the wait's whole timeout, then commit: so the first attempt does not
     * wait ({@code lock_wait_timeout = 0}), and where it could not be had the sessions are killed first and the fence
     * made after them, as before. Error 1094: the session ended meanwhile. The admin user's own sessions are spared:
     * they are other instances' fences, sent on their held sessions like this one, and two fences that killed each
     * other before their {@code read_only} would leave the node writable (seen in {@code FailoverSafetyContract});
     * {@code read_only} does not bind that user anyway.
     */
    private static final String FENCE_RESUMED_PRIMARY = """
            BEGIN NOT ATOMIC
              DECLARE was_primary BOOLEAN DEFAULT @@global.read_only = 0;
              DECLARE lock_wait INT UNSIGNED DEFAULT @@session.lock_wait_timeout;
              DECLARE done BOOLEAN DEFAULT FALSE;
              DECLARE session_id BIGINT UNSIGNED;
              DECLARE refused INT DEFAULT 0;
              DECLARE sessions CURSOR FOR SELECT ID FROM information_schema.PROCESSLIST WHERE ID <> CONNECTION_ID()
                AND USER NOT IN ('system user', 'event_scheduler', SUBSTRING_INDEX(USER(), '@', 1))
                AND COMMAND NOT IN ('Binlog Dump', 'Binlog Dump GTID', 'Daemon');
              DECLARE CONTINUE HANDLER FOR NOT FOUND SET done = TRUE;
              DECLARE CONTINUE HANDLER FOR 1094 BEGIN END;
              DECLARE CONTINUE HANDLER FOR 1095 SET refused = refused + 1;
              IF was_primary THEN
                BEGIN
                  DECLARE CONTINUE HANDLER FOR SQLEXCEPTION BEGIN END; -- a commit in progress: fenced below, after the kills
                  SET SESSION lock_wait_timeout = 0;
                  SET GLOBAL read_only = ON;
                END;
                SET SESSION lock_wait_timeout = lock_wait;
                OPEN sessions;
                each_session: LOOP
                  FETCH sessions INTO session_id;
                  IF done THEN LEAVE each_session; END IF;
                  KILL CONNECTION session_id;
                END LOOP;
                CLOSE sessions;
              END IF;
              SET GLOBAL read_only = ON;
              SELECT was_primary, refused;
            END""";

    @Override
    public void fence(Connection admin) throws SQLException {
        try (Statement s = admin.createStatement()) {
            AdminErrors.execute(s, "SET GLOBAL read_only = ON", "SET GLOBAL read_only", "fence", READ_ONLY_ADMIN);
        }
    }
}
