package dev.replicaware.dialect;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.SQLException;
import java.util.Locale;

/**
 * How to ask one database family what a server is and how far it has got. One class per family; each knows its SQL.
 * Internal: chosen from the JDBC URL with {@link #forUrl}, then confirmed from the server with {@link #confirm}.
 */
public abstract class Dialect {

    /** The family the URL names; {@link GenericDialect} for any other driver. */
    public static Dialect forUrl(String jdbcUrl) {
        String url = jdbcUrl == null ? "" : jdbcUrl.toLowerCase(Locale.ROOT);
        if (url.startsWith("jdbc:postgresql:")) {
            return PostgresDialect.INSTANCE;
        }
        if (url.startsWith("jdbc:mariadb:")) {
            return MariaDbDialect.INSTANCE;
        }
        if (url.startsWith("jdbc:mysql:")) {
            return MySqlDialect.INSTANCE; // may turn out to be MariaDB: see confirm()
        }
        return GenericDialect.isSqlite(url) ? GenericDialect.SQLITE : GenericDialect.INSTANCE;
    }

    /**
     * The host and port of a JDBC URL ({@code db1:5432} of {@code jdbc:postgresql://user@db1:5432/app?password=...}):
     * never its user info or parameters, which may hold a password, so it may stand in a log line. Null when the URL
     * has no {@code //}.
     */
    public static String authority(String url) {
        int slashes = url.indexOf("//");
        if (slashes < 0) {
            return null;
        }
        int start = slashes + 2;
        int end = start;
        while (end < url.length() && "/?;,".indexOf(url.charAt(end)) < 0) {
            end++;
        }
        String authority = url.substring(start, end);
        int at = authority.lastIndexOf('@');
        return at >= 0 ? authority.substring(at + 1) : authority;
    }

    /**
     * The dialect for the server actually behind a connection: MariaDB answers mysql-connector-j's {@code jdbc:mysql:}
     * URLs too, and speaks a different replication dialect.
     */
    public Dialect confirm(DatabaseMetaData meta) throws SQLException {
        return this;
    }

    /** A short name for messages and metrics: {@code postgresql}, {@code mysql}, {@code mariadb}, {@code generic}. */
    public abstract String name();

    /** What positions count: {@code bytes} or {@code transactions}. */
    public abstract String positionUnit();

    /** True where positions of two nodes compare (all but generic mode). */
    public boolean comparesPositions() {
        return true;
    }

    /**
     * Asks the server, in one round trip where the driver allows, what it is and where it stands. The caller owns the
     * connection (a dedicated probe connection with short timeouts) and its timeouts.
     */
    public abstract Probe probe(Connection connection) throws SQLException;

    /** SQL whose single value names the server that ran it, for tests and diagnostics. */
    public abstract String serverIdentitySql();

    /** Driver properties the probe connection needs (e.g. multi-statement queries for one round trip). */
    public java.util.Map<String, String> probeConnectionProperties() {
        return java.util.Map.of();
    }

    /**
     * True where an open probe connection cannot see the node go away (an embedded database's file deleted under it):
     * the probe then opens a connection for each probe and closes it after.
     */
    public boolean reopensForEachProbe() {
        return false;
    }

    /** Driver properties that bound connecting and each socket read by {@code timeout}; none for unknown drivers. */
    public java.util.Map<String, String> timeoutProperties(java.time.Duration timeout) {
        return java.util.Map.of();
    }

    // ---- Read-your-writes: run on the driver's own connection of a pool, between transactions. ----

    /**
     * The position of the last transaction committed on {@code connection} (the driver's connection to the primary,
     * between transactions), read without opening a transaction; null when the session has committed nothing this
     * dialect can name, or where the dialect cannot tell (generic mode).
     */
    public dev.replicaware.ConsistencyToken commitPosition(Connection connection) throws SQLException {
        return null;
    }

    /** True where {@link #commitWithPosition} reads the commit position in the {@code COMMIT}'s own round trip. */
    public boolean readsPositionWithCommit() {
        return false;
    }

    /**
     * Commits the transaction open on {@code connection} (a pooled connection to the primary, whose own
     * {@code commit()} this calls, so that the pool knows the transaction ended) and answers the position
     * {@link #commitPosition} would answer after it, both in the commit's round trip where the driver allows. A failure
     * is the commit's.
     */
    public dev.replicaware.ConsistencyToken commitWithPosition(Connection connection) throws SQLException {
        throw unsupported("read the commit position with the commit");
    }

    /**
     * Waits on {@code connection} (the driver's connection to a replica, between transactions) until the replica has
     * replayed {@code position}, at most {@code timeout}, with the server's own wait where it has one; true when it has.
     * Opens no transaction, so a transaction begun afterwards sees what was waited for.
     */
    public boolean awaitPosition(Connection connection, dev.replicaware.ConsistencyToken position, java.time.Duration timeout)
            throws SQLException {
        return false;
    }

    /**
     * The GTIDs of {@code position}, for the dialects whose positions compare sequence by sequence (MySQL, MariaDB);
     * null where its comparable number is exact (PostgreSQL WAL bytes on one timeline).
     */
    public GtidSet gtids(dev.replicaware.ConsistencyToken position) {
        return null;
    }

    /**
     * What the replica behind {@code connection} (a dedicated one, autocommit) has replayed, in one small query; null
     * where the dialect cannot tell (generic mode).
     */
    public Replayed replayed(Connection connection) throws SQLException {
        return null;
    }

        // ---- Failover: run on dedicated admin connections (autocommit), never on a pool's or the monitor's. ----

    /** True where this family can promote, re-point and fence; false in generic mode. */
    public boolean supportsFailover() {
        return false;
    }

    /** The port a URL without one means. */
    public int defaultPort() {
        return -1;
    }

    /**
     * How far a failover candidate may be behind the last known primary position by default, in {@link #positionUnit()}:
     * 1 MiB of WAL for PostgreSQL (as Patroni's {@code maximum_lag_on_failover}), a number of transactions for GTID.
     */
    public long defaultMaxLagOnFailover() {
        return 0;
    }

    /**
     * Takes the cluster's failover lock on this server for the session of {@code admin}, without waiting; true when
     * taken. The lock lives as long as the session, so a dead application instance's locks vanish with its connections.
     */
    public boolean tryFailoverLock(Connection admin, String cluster) throws SQLException {
        throw unsupported("take a failover lock");
    }

    /** Turns this replica into a primary that takes writes; returns once the server says it did. */
    public void promote(Connection admin) throws SQLException {
        throw unsupported("promote a replica");
    }

    /** Makes this replica replicate from the server at {@code host:port}, keeping its replication user and password. */
    public void repoint(Connection admin, String host, int port) throws SQLException {
        throw unsupported("re-point a replica");
    }

    /**
     * Makes a former primary (already {@link #fence fenced}) replicate from {@code host:port} as {@code user}, where
     * the database can demote a primary without a restart; PostgreSQL cannot (it needs {@code pg_rewind}).
     */
    public void rejoin(Connection admin, String host, int port, String user, String password) throws SQLException {
        throw unsupported("rejoin a former primary as a replica");
    }

    /**
     * True where a replica can stream from another replica (PostgreSQL's cascading replication): a switchover then
     * re-points the other replicas to its target before it reads the old primary's last position, so that none can
     * receive WAL of the old primary that the target lacks (it could never follow the target's new timeline).
     */
    public boolean repointsBeforePromotion() {
        return false;
    }

    /**
     * True where a replica acknowledges what it receives to the primary before applying it (MySQL and MariaDB
     * semi-synchronous replication), so that a failover must stop every replica receiving from the lost primary
     * before it promotes: one that resumes mid-failover would otherwise acknowledge commits the candidate never gets.
     */
    public boolean stopsReceivingBeforePromotion() {
        return false;
    }

    /**
     * True when {@code admin}'s node acknowledges what it receives to its primary (MariaDB/MySQL semi-synchronous
     * replication), so that a commit the primary acknowledged may be on it alone; false where that is not known.
     */
    public boolean acknowledgesCommits(Connection admin) throws SQLException {
        return false;
    }

    /** Stops this replica receiving from its primary; what it received is still applied. Nothing by default. */
    public void stopReceiving(Connection admin) throws SQLException {
    }

    /** Starts this replica receiving again after {@link #stopReceiving}. Nothing by default. */
    public void startReceiving(Connection admin) throws SQLException {
    }

    /**
     * Where this replica's replication stream comes from: {@code status host:port} as the server reports it (host
     * and port empty while not connected), or null when no stream runs. Null by default: nothing to check.
     */
    public String upstream(Connection admin) throws SQLException {
        return null;
    }

    /**
     * The {@code host:port} this replica is configured to replicate from, whether or not its stream runs; null where
     * the dialect cannot tell (the default) or none is configured.
     */
    public String configuredUpstream(Connection admin) throws SQLException {
        return null;
    }

    /** Makes a former primary refuse the application's writes, as far as the database allows. */
    public void fence(Connection admin) throws SQLException {
        throw unsupported("fence a node");
    }

    /**
     * After {@link #fence}, during a switchover: ends what could still commit a write on this primary, and answers
     * null once no write transaction remains, else what remains. By default nothing to do: MySQL and MariaDB's
     * {@code read_only} waits for transactions committing and refuses the commit of open ones that wrote.
     */
    public String endWritesInFlight(Connection admin, java.time.Duration timeout) throws SQLException {
        return null;
    }

    /**
     * Fences a former primary that answers again after another node took its place (a paused primary after SIGCONT).
     * Where it still serves as primary, sessions open across the pause may still commit there, so they are ended too:
     * {@link #endSessionsAndFence}. A node that no longer serves as primary (re-cloned meanwhile, or fenced already by
     * another instance) is only {@link #fence fenced}; its sessions are left alone. Answers what was done, for the log.
     */
    public String fenceResumedPrimary(Connection admin, java.time.Duration timeout) throws SQLException {
        if (probe(admin).role() != Role.PRIMARY) {
            fence(admin);
            return "it no longer served as primary: set read-only, its sessions left alone";
        }
        String left = endSessionsAndFence(admin, timeout);
        return left == null ? "its other client sessions were ended" : left;
    }

    /**
     * For {@link #fenceResumedPrimary} on a node that still serves as primary. By default {@link #fence}, then
     * {@link #endWritesInFlight} (PostgreSQL's read-only setting does not touch transactions already open). Answers
     * null, or what could not be ended.
     */
    String endSessionsAndFence(Connection admin, java.time.Duration timeout) throws SQLException {
        fence(admin);
        return endWritesInFlight(admin, timeout);
    }

    /**
     * Waits until this replica has applied everything it received, polling {@link #probe} until {@code timeout};
     * answers the last probe, whose replayed position equals its received one on success.
     */
    public Probe awaitReplayed(Connection admin, java.time.Duration timeout) throws SQLException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Probe p = probe(admin);
            if (p.role() != Role.REPLICA || p.replayedPosition() >= p.receivedPosition() || System.nanoTime() > deadline) {
                return p;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SQLException("Interrupted while waiting for a replica to replay", "57014", e);
            }
        }
    }

    private SQLException unsupported(String what) {
        return new java.sql.SQLFeatureNotSupportedException("The " + name() + " dialect cannot " + what);
    }

    @Override
    public String toString() {
        return name();
    }
}
