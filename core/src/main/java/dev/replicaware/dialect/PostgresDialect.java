package dev.replicaware.dialect;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** PostgreSQL: recovery state and WAL positions (in bytes since 0/0), one query. Internal. */
public final class PostgresDialect extends Dialect {
    static final PostgresDialect INSTANCE = new PostgresDialect();

    /*
     * pg_current_wal_lsn() fails on a standby and the replay/receive functions return NULL on a primary, so the CASE
     * keeps one statement valid on both. The walreceiver row exists only while a standby has a walreceiver; without
     * pg_read_all_stats (pg_monitor) its status and timeline read NULL. Column 8 is the timeline (see Probe.timeline):
     * a primary's from the name of the WAL file it writes, a replica's the one it streams. The last column is the fence
     * ({@link #fence}): default_transaction_read_only on from the configuration file (ALTER SYSTEM), which every
     * instance reads, not only the one that fenced; a session's or a role's own setting has another source.
     */
    private static final String PROBE = """
            SELECT r.in_recovery,
                   CASE WHEN r.in_recovery THEN NULL ELSE (pg_current_wal_lsn() - '0/0')::bigint END,
                   (pg_last_wal_receive_lsn() - '0/0')::bigint,
                   (pg_last_wal_replay_lsn() - '0/0')::bigint,
                   coalesce(w.status = 'streaming', false),
                   extract(epoch FROM now() - pg_last_xact_replay_timestamp())::float8,
                   CASE WHEN r.in_recovery THEN pg_is_wal_replay_paused() ELSE false END,
                   CASE WHEN NOT r.in_recovery THEN ('x' || substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8))::bit(32)::int
                        WHEN w.pid IS NULL THEN 0 WHEN w.status IS NULL THEN -1
                        WHEN w.status = 'streaming' THEN w.received_tli ELSE 0 END,
                   (SELECT setting = 'on' AND source = 'configuration file' FROM pg_settings
                     WHERE name = 'default_transaction_read_only')
              FROM (SELECT pg_is_in_recovery() AS in_recovery) r LEFT JOIN pg_stat_wal_receiver w ON true""";

    /** A replica's replay position and timeline, for read-your-writes between probes. */
    private static final String REPLAYED = """
            SELECT (pg_last_wal_replay_lsn() - '0/0')::bigint,
                   CASE WHEN w.pid IS NULL THEN 0 WHEN w.status IS NULL THEN -1
                        WHEN w.status = 'streaming' THEN w.received_tli ELSE 0 END
              FROM (SELECT 1) d LEFT JOIN pg_stat_wal_receiver w ON true""";

    /*
     * The insert position, which is past the commit record whatever synchronous_commit was when it committed: the
     * flush position is not (a transaction that ran SET LOCAL synchronous_commit = off committed without flushing,
     * and its setting is gone once it committed). A position just past a page header (24 bytes, 40 at a segment's
     * start) means the last record ended at the page boundary, which is what a replica reports having replayed: see
     * commitPosition(String, String, String), which moves it back there. One flat SELECT, the arithmetic in Java, and
     * a prepared statement, which pgjdbc prepares on the server from its 5th use on a connection: parsed and planned
     * (nested subqueries) at every commit, the query made a write's COMMIT round trip cost the primary 1.9 ms against
     * 0.5 ms for a plain COMMIT (end to end at 8 threads, 1 ms away, on a loaded machine).
     */
    private static final String COMMIT_POSITION =
            "SELECT pg_current_wal_insert_lsn(), current_setting('wal_segment_size'), current_setting('wal_block_size')";
    private static final String COMMIT_WITH_POSITION = "COMMIT;" + COMMIT_POSITION;

    private PostgresDialect() {}

    @Override
    public String name() {
        return "postgresql";
    }

    @Override
    public String positionUnit() {
        return "bytes";
    }

    @Override
    public Probe probe(Connection connection) throws SQLException {
        try (java.sql.PreparedStatement s = connection.prepareStatement(PROBE); ResultSet rs = s.executeQuery()) {
            rs.next();
            boolean replica = rs.getBoolean(1);
            long write = position(rs, 2);
            long received = position(rs, 3);
            long replayed = position(rs, 4);
            boolean streaming = rs.getBoolean(5);
            double reported = rs.getDouble(6);
            boolean noTimestamp = rs.wasNull();
            boolean paused = replica && rs.getBoolean(7);
            long timeline = rs.getLong(8);
            boolean fenced = !replica && rs.getBoolean(9);
            if (!replica) {
                reported = Double.NaN;
            } else if (streaming && received != Probe.NO_POSITION && replayed >= received) {
                reported = 0; // everything received is applied: the replay timestamp only says how long the primary was idle
            } else if (noTimestamp) {
                reported = Double.NaN;
            }
            return new Probe(replica ? Role.REPLICA : fenced ? Role.FENCED : Role.PRIMARY, write, received, replayed, streaming,
                    reported, paused, timeline);
        }
    }

    /**
     * A WAL position at or past the end of the commit record: see {@code COMMIT_POSITION}. pgjdbc switches autocommit
     * on and off without a round trip between transactions, and with it on the SELECT opens no transaction (whose
     * snapshot the next one would then inherit).
     */
    @Override
    public dev.replicaware.ConsistencyToken commitPosition(Connection connection) throws SQLException {
        return outsideTransaction(connection, () -> {
            try (java.sql.PreparedStatement s = connection.prepareStatement(COMMIT_POSITION);
                 ResultSet rs = s.executeQuery()) {
                rs.next();
                return commitPosition(rs.getString(1), rs.getString(2), rs.getString(3));
            }
        });
    }

    @Override
    public boolean readsPositionWithCommit() {
        return true;
    }

    /**
     * {@code COMMIT} and the position query as one statement string: pgjdbc sends both before it reads an answer, and
     * after the {@code COMMIT} the query runs in the implicit transaction of the same round trip, which opens nothing
     * that outlives it. Should the {@code COMMIT} fail, the query does not run and its error is the commit's.
     */
    @Override
    public dev.replicaware.ConsistencyToken commitWithPosition(Connection connection) throws SQLException {
        try (java.sql.PreparedStatement s = connection.prepareStatement(COMMIT_WITH_POSITION)) {
            s.execute();
            if (!s.getMoreResults()) {
                throw new SQLException("PostgreSQL answered no commit position after COMMIT", "XX000");
            }
            dev.replicaware.ConsistencyToken position;
            try (ResultSet rs = s.getResultSet()) {
                rs.next();
                position = commitPosition(rs.getString(1), rs.getString(2), rs.getString(3));
            }
            connection.commit(); // the pool's bookkeeping: pgjdbc sends nothing, its transaction being over
            return position;
        }
    }

    /**
     * PostgreSQL 18 has no server-side wait for an LSN, so the wait is an anonymous code block that polls
     * {@code pg_last_wal_replay_lsn()} on the server: one round trip, however many checks. It checks at once, then for
     * {@value #SPIN_MICROS} µs without pausing (a commit usually reaches a replica on the same network within that),
     * then every millisecond ({@code pg_sleep}'s resolution) up to {@code timeout}, and ends with an error when it runs
     * out, or at once when the node is not a replica (promoted): nothing it waits for would then arrive.
     *
     * <p>The code block needs PL/pgSQL, installed and granted to everyone by default. A server where it is missing or
     * not granted to the application user is polled from the client instead (one round trip per check), and said so
     * once, at WARN: without that, every read that had to wait would quietly go to the primary.
     */
    @Override
    public boolean awaitPosition(Connection connection, dev.replicaware.ConsistencyToken position, java.time.Duration timeout)
            throws SQLException {
        String lsn = position.serverPosition();
        if (!lsn.matches("[0-9A-Fa-f]{1,8}/[0-9A-Fa-f]{1,8}")) { // it goes into the code block as a literal
            throw new SQLException("Not a PostgreSQL WAL position: '" + lsn + "'", "22023");
        }
        String server = connection.getMetaData().getURL();
        if (!withoutCodeBlocks.contains(server)) {
            String block = AWAIT_REPLAYED.replace("{lsn}", lsn).replace("{timeoutMicros}", Long.toString(timeout.toNanos() / 1000));
            try {
                return outsideTransaction(connection, () -> {
                    try (Statement s = connection.createStatement()) {
                        s.execute(block);
                        return true;
                    } catch (SQLException e) {
                        if (NOT_REPLAYED.equals(e.getSQLState())) {
                            return false;
                        }
                        throw e;
                    }
                });
            } catch (SQLException e) {
                if (!NO_CODE_BLOCKS.contains(e.getSQLState())) {
                    throw e;
                }
                if (withoutCodeBlocks.add(server)) {
                    // the host and port, not the URL, whose parameters may hold a password; the server's message holds none
                    LOG.warn("PostgreSQL at {} refuses the read-your-writes wait's code block ({} {}); its replay position is"
                                    + " polled from the client instead, a round trip per check. Expected PL/pgSQL with USAGE granted"
                                    + " to the application user", java.util.Objects.requireNonNullElse(authority(server), "the default host"),
                            e.getSQLState(), e.getMessage());
                }
            }
        }
        return pollReplayed(connection, lsn, timeout);
    }

    /** The wait without PL/pgSQL: checks every millisecond at first, then less often, up to {@code timeout}. */
    private static boolean pollReplayed(Connection connection, String lsn, java.time.Duration timeout) throws SQLException {
        return outsideTransaction(connection, () -> {
            long deadline = System.nanoTime() + timeout.toNanos();
            long pause = 1_000_000;
            try (java.sql.PreparedStatement ps = connection.prepareStatement(
                    "SELECT coalesce(pg_last_wal_replay_lsn() >= ?::pg_lsn, false)")) {
                ps.setString(1, lsn);
                while (true) {
                    try (ResultSet rs = ps.executeQuery()) {
                        if (rs.next() && rs.getBoolean(1)) {
                            return true;
                        }
                    }
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        return false;
                    }
                    java.util.concurrent.locks.LockSupport.parkNanos(Math.min(pause, left));
                    if (Thread.interrupted()) {
                        Thread.currentThread().interrupt();
                        return false;
                    }
                    pause = Math.min(pause * 2, 10_000_000);
                }
            }
        });
    }

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(PostgresDialect.class);
    /** The SQLSTATEs of a code block refused: 42501, USAGE on the language not granted; 42704, no such language. */
    private static final java.util.Set<String> NO_CODE_BLOCKS = java.util.Set.of("42501", "42704");
    /** The servers (JDBC URLs) that refused a code block: polled from the client from then on. */
    private final java.util.Set<String> withoutCodeBlocks = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private static final long SPIN_MICROS = 200;
    /** The SQLSTATE the wait ends with when the position was not replayed in time (class P0, PL/pgSQL errors). */
    private static final String NOT_REPLAYED = "P0R01";
    private static final String AWAIT_REPLAYED = """
            DO $replicaware$
            DECLARE
              began timestamptz := clock_timestamp();
            BEGIN
              WHILE coalesce(pg_last_wal_replay_lsn() < '{lsn}'::pg_lsn, true) LOOP
                IF NOT pg_is_in_recovery() OR clock_timestamp() - began > make_interval(secs => {timeoutMicros} / 1e6) THEN
                  RAISE EXCEPTION 'replicaware: {lsn} not replayed here' USING ERRCODE = 'P0R01';
                END IF;
                IF clock_timestamp() - began > make_interval(secs => %d / 1e6) THEN
                  PERFORM pg_sleep(0.001);
                END IF;
              END LOOP;
            END
            $replicaware$""".formatted(SPIN_MICROS);

    @Override
    public Replayed replayed(Connection connection) throws SQLException {
        try (java.sql.PreparedStatement s = connection.prepareStatement(REPLAYED); ResultSet rs = s.executeQuery()) {
            rs.next();
            long position = position(rs, 1);
            return new Replayed(position, null, rs.getLong(2));
        }
    }

    private interface SqlWork<T> {
        T run() throws SQLException;
    }

    /**
     * The commit position from the insert position {@code lsn} ({@code X/Y}) and the server's {@code wal_segment_size}
     * (e.g. {@code 16MB}) and {@code wal_block_size} (e.g. {@code 8192}): moved back over a page header the insert
     * position sits just past (40 bytes at a segment's start, 24 at a page's), where the last record ended. A size
     * that does not parse leaves the position where it is: past the commit, so a read that must see it may go to the
     * primary, never to a replica without it.
     */
    static dev.replicaware.ConsistencyToken commitPosition(String lsn, String segmentSize, String blockSize) throws SQLException {
        int slash = lsn == null ? -1 : lsn.indexOf('/');
        long insert;
        try {
            insert = Long.parseLong(lsn.substring(0, slash), 16) << 32 | Long.parseLong(lsn.substring(slash + 1), 16);
        } catch (RuntimeException e) {
            throw new SQLException("PostgreSQL answered '" + lsn + "' for pg_current_wal_insert_lsn(), expected a WAL position X/Y", "XX000", e);
        }
        long segment = bytes(segmentSize);
        long block = bytes(blockSize);
        long header = segment > 0 && insert % segment == 40 ? 40 : block > 0 && insert % block == 24 ? 24 : 0;
        if (header == 0) {
            return dev.replicaware.ConsistencyToken.of(insert, lsn);
        }
        long p = insert - header;
        String low = Long.toHexString(p & 0xFFFF_FFFFL).toUpperCase(java.util.Locale.ROOT);
        if (lsn.length() - slash - 1 == 8 && low.length() < 8) { // the server pads the low half (newer versions): so do we
            low = "0".repeat(8 - low.length()) + low;
        }
        return dev.replicaware.ConsistencyToken.of(p, Long.toHexString(p >>> 32).toUpperCase(java.util.Locale.ROOT) + "/" + low);
    }

    /** A size setting as the server shows it ({@code 8192}, {@code 16MB}, {@code 1GB}) in bytes; -1 when it does not parse. */
    static long bytes(String setting) {
        if (setting == null) {
            return -1;
        }
        String v = setting.trim();
        int end = 0;
        while (end < v.length() && Character.isDigit(v.charAt(end))) {
            end++;
        }
        if (end == 0 || end > 12) {
            return -1;
        }
        long n = Long.parseLong(v.substring(0, end));
        return switch (v.substring(end).trim()) {
            case "", "B" -> n;
            case "kB" -> n << 10;
            case "MB" -> n << 20;
            case "GB" -> n << 30;
            case "TB" -> n << 40;
            default -> -1;
        };
    }

    private static <T> T outsideTransaction(Connection connection, SqlWork<T> work) throws SQLException {
        boolean autoCommit = connection.getAutoCommit();
        if (!autoCommit) {
            connection.setAutoCommit(true);
        }
        try {
            return work.run();
        } finally {
            if (!autoCommit) {
                connection.setAutoCommit(false);
            }
        }
    }

    private static long position(ResultSet rs, int column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? Probe.NO_POSITION : v;
    }

    @Override
    public java.util.Map<String, String> timeoutProperties(java.time.Duration timeout) {
        // pgjdbc counts whole seconds; the probe also sets a network timeout in milliseconds
        String seconds = Long.toString(Math.max(1, (timeout.toMillis() + 999) / 1000));
        return java.util.Map.of("connectTimeout", seconds, "socketTimeout", seconds, "loginTimeout", seconds);
    }

    @Override
    public boolean supportsFailover() {
        return true;
    }

    @Override
    public int defaultPort() {
        return 5432;
    }

    /** 1 MiB of WAL, as Patroni's {@code maximum_lag_on_failover}. */
    @Override
    public long defaultMaxLagOnFailover() {
        return 1L << 20;
    }

    /** A session-level advisory lock keyed by the cluster's name; works on a hot standby too. */
    @Override
    public boolean tryFailoverLock(Connection admin, String cluster) throws SQLException {
        try (java.sql.PreparedStatement ps = admin.prepareStatement("SELECT pg_try_advisory_lock(hashtext(?))")) {
            ps.setString(1, "replicaware-failover:" + cluster);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    /**
     * {@code pg_promote}, waiting up to 30 s; it replays everything received before it opens for writes. A fence
     * lifted for it is put back when the promotion fails, so the candidate stays the read-only replica it was.
     */
    @Override
    public void promote(Connection admin) throws SQLException {
        boolean lifted = resetFence(admin, "promote"); // allowed on a standby, and in force before the first write can arrive
        try (Statement s = admin.createStatement()) {
            boolean done;
            try (ResultSet rs = s.executeQuery("SELECT pg_promote(true, 30)")) {
                done = rs.next() && rs.getBoolean(1);
            } catch (SQLException e) {
                throw AdminErrors.explain(e, admin, "pg_promote", "promote", "EXECUTE on pg_promote(boolean, integer)");
            }
            if (!done) {
                throw new SQLException("pg_promote did not finish within 30 s");
            }
        } catch (SQLException | RuntimeException e) {
            if (lifted) {
                try {
                    fence(admin);
                } catch (SQLException f) {
                    e.addSuppressed(f);
                }
            }
            throw e;
        }
    }

    /**
     * Undoes {@link #fence}'s {@code default_transaction_read_only}, which {@code postgresql.auto.conf} keeps through a
     * rewind or restart: a node fenced once and promoted (or re-pointed) later must take writes. Only where it is on,
     * so that a node never fenced needs no {@code ALTER SYSTEM} privilege for it. True when it was on.
     */
    private static boolean resetFence(Connection admin, String step) throws SQLException {
        try (Statement s = admin.createStatement()) {
            boolean on;
            try (ResultSet rs = s.executeQuery("SELECT current_setting('default_transaction_read_only')::boolean")) {
                on = rs.next() && rs.getBoolean(1);
            }
            if (on) {
                AdminErrors.execute(s, "ALTER SYSTEM RESET default_transaction_read_only",
                        "ALTER SYSTEM RESET default_transaction_read_only", step, ALTER_FENCE);
                reload(s, step);
            }
            return on;
        }
    }

    private static final String ALTER_FENCE = "ALTER SYSTEM ON PARAMETER default_transaction_read_only";

    private static void reload(Statement s, String step) throws SQLException {
        AdminErrors.execute(s, "SELECT pg_reload_conf()", "pg_reload_conf", step, "EXECUTE on pg_reload_conf()");
    }

    /**
     * Rewrites {@code primary_conninfo} with the new host and port, keeping every other parameter (user, password,
     * application_name...), and reloads: the walreceiver restarts and follows the new timeline
     * ({@code recovery_target_timeline} is {@code latest} by default), no restart needed.
     */
    @Override
    public void repoint(Connection admin, String host, int port) throws SQLException {
        String step = "re-point a replica";
        String current;
        try (Statement s = admin.createStatement(); ResultSet rs = s.executeQuery("SHOW primary_conninfo")) {
            rs.next();
            current = rs.getString(1);
        } catch (SQLException e) {
            throw AdminErrors.explain(e, admin, "SHOW primary_conninfo", step, "pg_read_all_settings (part of pg_monitor)");
        }
        java.util.Map<String, String> conninfo = parseConninfo(current);
        conninfo.remove("hostaddr");
        conninfo.put("host", host);
        conninfo.put("port", Integer.toString(port));
        try (Statement s = admin.createStatement()) {
            AdminErrors.execute(s, "ALTER SYSTEM SET primary_conninfo = '" + formatConninfo(conninfo).replace("'", "''") + "'",
                    "ALTER SYSTEM SET primary_conninfo", step, "ALTER SYSTEM ON PARAMETER primary_conninfo");
            reload(s, step);
        }
        resetFence(admin, step);
    }

    @Override
    public boolean repointsBeforePromotion() {
        return true;
    }

    /** {@code primary_conninfo}'s host and port (pg_read_all_settings, part of pg_monitor, shows it). */
    @Override
    public String configuredUpstream(Connection admin) throws SQLException {
        try (Statement s = admin.createStatement(); ResultSet rs = s.executeQuery("SHOW primary_conninfo")) {
            java.util.Map<String, String> conninfo = rs.next() ? parseConninfo(rs.getString(1)) : java.util.Map.of();
            String host = conninfo.getOrDefault("host", conninfo.get("hostaddr"));
            return host == null ? null : host + ":" + conninfo.getOrDefault("port", "5432");
        }
    }

    /** The walreceiver's status and sender (pg_monitor shows them); null without a walreceiver. */
    @Override
    public String upstream(Connection admin) throws SQLException {
        try (Statement s = admin.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT status, coalesce(sender_host, ''), coalesce(sender_port::text, '') FROM pg_stat_wal_receiver")) {
            return rs.next() ? rs.getString(1) + " " + rs.getString(2) + ":" + rs.getString(3) : null;
        }
    }

    /**
     * As {@link Dialect#fenceResumedPrimary}, with the fence first: both branches fence, and on a resumed server the
     * first statement served (the one queued in the held session during the pause) should be the one that makes it
     * read-only, not the role check. A client whose connect was queued during the pause gets its server process at
     * once and reads the setting only when the reload reaches it: every round trip before the reload widens that race.
     */
    @Override
    public String fenceResumedPrimary(Connection admin, java.time.Duration timeout) throws SQLException {
        fence(admin);
        if (probe(admin).role() == Role.REPLICA) { // FENCED (this fence or another's) still commits open transactions
            return "it no longer served as primary: set read-only, its sessions left alone";
        }
        String left = endWritesInFlight(admin, timeout);
        return left == null ? "its other client sessions were ended" : left;
    }

    /**
     * {@code default_transaction_read_only} on, reloaded: every session's next transaction is read-only unless it
     * asks otherwise. A weak fence (a session may {@code SET} it off); the strong one is that Replicaware never routes
     * there again. A former primary needs {@code pg_rewind} or a new base backup to rejoin as a replica.
     */
    @Override
    public void fence(Connection admin) throws SQLException {
        try (Statement s = admin.createStatement()) {
            AdminErrors.execute(s, "ALTER SYSTEM SET default_transaction_read_only = on",
                    "ALTER SYSTEM SET default_transaction_read_only", "fence", ALTER_FENCE);
            reload(s, "fence");
            awaitReloaded(s);
        }
    }

    /** How long the postmaster may take to act on the fence's reload before the fence counts as failed. */
    private static final java.time.Duration RELOAD_TIMEOUT = java.time.Duration.ofSeconds(10);

    /**
     * Returns once the postmaster has reloaded: this session reads a pending reload before each statement, and the
     * postmaster signals its children only after reading the files itself. From then on every server process it
     * starts begins read-only, and every one it started before has the signal pending, which it acts on before its
     * next statement; only one whose statement had begun may still write, and {@link #endWritesInFlight} (run after
     * this) ends those: until the reload was in force, a session authenticating when it ran escaped it.
     */
    private static void awaitReloaded(Statement s) throws SQLException {
        long deadline = System.nanoTime() + RELOAD_TIMEOUT.toNanos();
        while (true) {
            try (ResultSet rs = s.executeQuery("SELECT current_setting('default_transaction_read_only')::boolean /* replicaware: fence reloaded? */")) {
                if (rs.next() && rs.getBoolean(1)) {
                    return;
                }
            }
            if (System.nanoTime() > deadline) {
                throw new SQLException("the fence's reload did not take effect within " + RELOAD_TIMEOUT.toSeconds()
                        + " s (default_transaction_read_only still off in a new statement); expected the postmaster to reload after pg_reload_conf()", "55000");
            }
            java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
            if (Thread.currentThread().isInterrupted()) {
                throw new SQLException("Interrupted while waiting for the fence's reload", "57014");
            }
        }
    }

    /**
     * The fence does not touch transactions already open, which may commit for as long as they like: every other
     * client session is terminated (this admin session excepted; walsenders are not client sessions), then it waits
     * until none holding a transaction id (one that wrote) is left.
     */
    @Override
    public String endWritesInFlight(Connection admin, java.time.Duration timeout) throws SQLException {
        try (Statement s = admin.createStatement()) {
            // Only a superuser may end a superuser's session, or one with no role yet (still authenticating: a connect
            // queued during a pause is one); asking for another would fail the whole statement. Such a session that
            // opens a write transaction is waited for below.
            s.executeQuery("SELECT count(pg_terminate_backend(a.pid)) FROM pg_stat_activity a LEFT JOIN pg_roles r ON r.oid = a.usesysid"
                    + " WHERE a.pid <> pg_backend_pid() AND a.backend_type = 'client backend'"
                    + " AND (coalesce(NOT r.rolsuper, false) OR (SELECT rolsuper FROM pg_roles WHERE rolname = current_user))").close();
        } catch (SQLException e) {
            throw AdminErrors.explain(e, admin, "pg_terminate_backend", "end the sessions of the old primary", "pg_signal_backend");
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            String remaining;
            try (Statement s = admin.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*), string_agg(pid::text, ',')"
                    + " FROM pg_stat_activity WHERE pid <> pg_backend_pid() AND backend_type = 'client backend'"
                    + " AND backend_xid IS NOT NULL")) {
                rs.next();
                remaining = rs.getInt(1) == 0 ? null : rs.getInt(1) + " sessions with a write transaction, pids "
                        + rs.getString(2) + ", still there " + timeout.toMillis() + " ms after pg_terminate_backend;"
                        + " the admin user needs pg_signal_backend, and only a superuser may end a superuser's sessions";
            }
            if (remaining == null || System.nanoTime() > deadline) {
                return remaining;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SQLException("Interrupted while ending the sessions of a switchover's old primary", e);
            }
        }
    }

    /** {@code key=value key='quoted value'} as libpq writes it; keys in order. */
    static java.util.Map<String, String> parseConninfo(String conninfo) {
        java.util.Map<String, String> result = new java.util.LinkedHashMap<>();
        String s = conninfo == null ? "" : conninfo;
        int i = 0;
        while (i < s.length()) {
            while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
                i++;
            }
            int eq = s.indexOf('=', i);
            if (i >= s.length() || eq < 0) {
                break;
            }
            String key = s.substring(i, eq).trim();
            i = eq + 1;
            while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
                i++;
            }
            StringBuilder value = new StringBuilder();
            if (i < s.length() && s.charAt(i) == '\'') {
                i++;
                while (i < s.length() && s.charAt(i) != '\'') {
                    if (s.charAt(i) == '\\' && i + 1 < s.length()) {
                        i++;
                    }
                    value.append(s.charAt(i++));
                }
                i++;
            } else {
                while (i < s.length() && !Character.isWhitespace(s.charAt(i))) {
                    if (s.charAt(i) == '\\' && i + 1 < s.length()) {
                        i++;
                    }
                    value.append(s.charAt(i++));
                }
            }
            result.put(key, value.toString());
        }
        return result;
    }

    static String formatConninfo(java.util.Map<String, String> conninfo) {
        StringBuilder sb = new StringBuilder();
        conninfo.forEach((k, v) -> sb.append(sb.length() == 0 ? "" : " ").append(k).append("='")
                .append(v.replace("\\", "\\\\").replace("'", "\\'")).append('\''));
        return sb.toString();
    }

    @Override
    public String serverIdentitySql() {
        return "SELECT host(inet_server_addr()) || ':' || inet_server_port()";
    }
}
