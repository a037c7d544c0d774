package dev.replicaware.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * A PostgreSQL primary with 0 to 4 streaming replicas, from the binaries published on Maven Central.
 *
 * <p>The primary is initialised with {@code initdb}, its roles and database are created in single-user mode (once per
 * machine for each set of settings and users: the data directory is cached beside the binaries), and each
 * replica starts from a cold copy of that cleanly stopped data directory with {@code standby.signal} and
 * {@code primary_conninfo}. When the JVM is root the servers run as an unprivileged user (see {@link OsUser}).
 *
 * <pre>{@code
 * try (PostgresCluster pg = PostgresCluster.builder().replicas(2).start()) {
 *     String url = pg.primary().jdbcUrl();
 * }
 * }</pre>
 */
public final class PostgresCluster extends AbstractCluster {
    private final Path binDir;
    private final int synchronousReplicas;
    private final Map<String, String> extraSettings;
    /** initdb's options besides the data directory, the superuser and its password file. */
    private static final List<String> INITDB_OPTIONS = List.of("--auth-host=scram-sha-256", "--auth-local=trust",
            "-E", "UTF8", "--locale=C", "--no-sync", "--no-instructions");

    private PostgresCluster(Builder b, Path baseDir, Path binDir, List<ClusterNode> nodes) {
        super(baseDir, nodes, b.startTimeout, b.database, b.admin, b.failoverAdmin, b.app, b.replication);
        this.binDir = binDir;
        this.synchronousReplicas = b.synchronousReplicas;
        this.extraSettings = Map.copyOf(b.settings);
    }

    /**
     * The {@code bin} directory of the PostgreSQL install the servers run from. The testkit's own binaries have no
     * client tools ({@code pg_dump}, {@code pg_restore}); an install chosen with {@link Builder#fromLocalInstall} has them.
     */
    public Path binDirectory() {
        return binDir.resolve("bin");
    }

    /**
     * The system property naming a local PostgreSQL install ({@code /usr/lib/postgresql/15}) that builders use when
     * {@link Builder#fromLocalInstall} is not called.
     */
    public static final String LOCAL_INSTALL_PROPERTY = "replicaware.testkit.postgres.home";

    /**
     * The first local PostgreSQL install with server and client tools ({@code bin/postgres}, {@code bin/initdb},
     * {@code bin/pg_dump}): {@value #LOCAL_INSTALL_PROPERTY} if set, else the newest {@code /usr/lib/postgresql/N}
     * (Debian's and Ubuntu's layout). Empty when there is none.
     */
    public static java.util.Optional<Path> findLocalInstall() {
        String configured = System.getProperty(LOCAL_INSTALL_PROPERTY);
        if (configured != null && !configured.isBlank()) {
            Path p = Path.of(configured);
            return isInstall(p) ? java.util.Optional.of(p) : java.util.Optional.empty();
        }
        Path debian = Path.of("/usr/lib/postgresql");
        if (!Files.isDirectory(debian)) {
            return java.util.Optional.empty();
        }
        try (Stream<Path> versions = Files.list(debian)) {
            return versions.filter(PostgresCluster::isInstall)
                    .max(java.util.Comparator.comparingInt(p -> {
                        try {
                            return Integer.parseInt(p.getFileName().toString());
                        } catch (NumberFormatException e) {
                            return -1;
                        }
                    }));
        } catch (IOException e) {
            return java.util.Optional.empty();
        }
    }

    private static boolean isInstall(Path home) {
        return Files.isExecutable(home.resolve("bin/postgres")) && Files.isExecutable(home.resolve("bin/initdb"))
                && Files.isExecutable(home.resolve("bin/pg_dump"));
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public Engine engine() {
        return Engine.POSTGRESQL;
    }

    @Override
    Connection connect(ClusterNode node, Credentials who, int timeoutSeconds) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", who.username());
        p.setProperty("password", who.password());
        p.setProperty("connectTimeout", Integer.toString(timeoutSeconds));
        p.setProperty("socketTimeout", Integer.toString(Math.max(timeoutSeconds, 10)));
        return new org.postgresql.Driver().connect(node.jdbcUrl(), p);
    }

    @Override
    Path logFile(ClusterNode node) {
        return baseDir.resolve(node.name() + ".log");
    }

    @Override
    Path dataDir(ClusterNode node) {
        return baseDir.resolve(node.name());
    }

    /** The copy is of a standby already ({@code standby.signal}); it streams from the primary under its own name. */
    @Override
    void prepareRejoin(ClusterNode node, ClusterNode primary) {
        try {
            Path standby = dataDir(node).resolve("standby.signal");
            if (!Files.exists(standby)) {
                Files.createFile(standby);
                OsUser.handOver(standby, true);
            }
            appendConf(dataDir(node).resolve("postgresql.auto.conf"), Map.of(
                    "primary_conninfo", "'host=" + primary.host() + " port=" + primary.port() + " user=" + replication.username()
                            + " password=" + replication.password() + " application_name=" + node.name() + "'"));
        } catch (IOException e) {
            throw new TestkitException("Could not make the copy for " + node + " a standby of " + primary + ": " + e.getMessage(), e);
        }
    }

    @Override
    void followAfterRejoin(ClusterNode node, ClusterNode primary) {
        // primary_conninfo was written before the start
    }

    @Override
    ServerProcess launch(ClusterNode node) {
        List<String> cmd = new ArrayList<>(OsUser.serverPrefix(true));
        cmd.add(binDir.resolve("bin/postgres").toString());
        cmd.add("-D");
        cmd.add(dataDir(node).toString());
        cmd.add("-p");
        cmd.add(Integer.toString(node.port()));
        Path log = logFile(node);
        try {
            if (!Files.exists(log)) {
                Files.createFile(log);
                OsUser.handOver(log, true);
            }
        } catch (IOException e) {
            throw new TestkitException("Could not create the log of " + node + " at " + log, e);
        }
        return ServerProcess.start("postgres " + node.name(), cmd, Map.of("LC_ALL", "C"), baseDir, log);
    }

    /** Fast shutdown: aborts open transactions, checkpoints, exits. */
    @Override
    String stopSignal() {
        return "INT";
    }

    /** Immediate shutdown: no checkpoint, but the server releases its shared memory. */
    @Override
    String closeSignal() {
        return "QUIT";
    }

    @Override
    String isReplicaSql() {
        return "SELECT pg_is_in_recovery()";
    }

    @Override
    public void waitForReplication(Duration timeout) {
        checkOpen();
        ClusterNode primary = currentPrimary();
        String target = query(primary, "SELECT pg_current_wal_lsn()::text");
        long deadline = System.nanoTime() + timeout.toNanos();
        for (ClusterNode n : nodes) {
            if (n == primary || !n.isRunning() || n.isPaused()) {
                continue;
            }
            String sql = "SELECT coalesce(pg_last_wal_replay_lsn() >= '" + target + "'::pg_lsn, false), "
                    + "coalesce(pg_last_wal_replay_lsn()::text, 'none')";
            String replayed = "unknown";
            while (true) {
                try (Connection c = connect(n, admin, 2); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
                    rs.next();
                    if (rs.getBoolean(1)) {
                        break;
                    }
                    replayed = rs.getString(2);
                } catch (SQLException e) {
                    replayed = "unreachable: " + e.getMessage();
                }
                if (System.nanoTime() > deadline) {
                    throw new TestkitException("Replica " + n + " did not replay up to the primary's " + primary.name()
                            + " position " + target + " within " + timeout + "; it is at " + replayed);
                }
                sleepBriefly();
            }
        }
    }

    @Override
    public void applyDelay(ClusterNode replica, Duration delay) {
        checkOpen();
        if (delay.isNegative()) {
            throw new IllegalArgumentException("Apply delay must not be negative, was " + delay);
        }
        try (Connection c = connectAdmin(replica); Statement s = c.createStatement()) {
            s.execute("ALTER SYSTEM SET recovery_min_apply_delay = '" + delay.toMillis() + "ms'");
            s.execute("SELECT pg_reload_conf()");
        } catch (SQLException e) {
            throw new TestkitException("Could not set the apply delay of " + replica + " to " + delay + ": " + e.getMessage(), e);
        }
    }

    /** How to build a {@link PostgresCluster}; every setting has a working default. */
    public static final class Builder extends ClusterBuilder<Builder> {
        private int synchronousReplicas = 0;
        private Path localInstall;

        /**
         * Runs the servers from a PostgreSQL installed on this machine ({@code /usr/lib/postgresql/15}, the directory
         * holding {@code bin/postgres}, {@code bin/initdb}) instead of the testkit's own PostgreSQL 18: for tests that
         * need its client tools ({@code pg_dump}, {@code pg_restore}). See {@link #findLocalInstall()}.
         */
        public Builder fromLocalInstall(Path home) {
            if (!Files.isExecutable(home.resolve("bin/postgres")) || !Files.isExecutable(home.resolve("bin/initdb"))) {
                throw new IllegalArgumentException("fromLocalInstall needs a PostgreSQL install with bin/postgres and"
                        + " bin/initdb, but " + home + " has none (Debian: apt-get install postgresql-15, then"
                        + " /usr/lib/postgresql/15)");
            }
            this.localInstall = home;
            return this;
        }

        private Builder() {
            super("postgres");
        }

        /**
         * Synchronous replication: a commit on the primary waits until {@code count} replicas have flushed it
         * ({@code synchronous_standby_names = 'ANY count (...)'}). 0, the default, is asynchronous.
         */
        public Builder synchronousReplicas(int count) {
            if (count < 0) {
                throw new IllegalArgumentException("synchronousReplicas must not be negative, but was " + count);
            }
            this.synchronousReplicas = count;
            return this;
        }

        /** An extra {@code postgresql.conf} setting for every node, e.g. {@code setting("wal_keep_size", "1GB")}. */
        public Builder setting(String name, String value) {
            settings.put(requireIdentifier("setting name", name), value);
            return this;
        }

        /** Initialises, copies and starts the cluster; returns once every replica streams from the primary. */
        public PostgresCluster start() {
            if (synchronousReplicas > replicas) {
                throw new IllegalArgumentException("synchronousReplicas (" + synchronousReplicas
                        + ") cannot exceed replicas (" + replicas + ")");
            }
            Path bin = localInstall != null ? localInstall : Binaries.postgres();
            Path base;
            try {
                base = Files.createTempDirectory("replicaware-pg-");
            } catch (IOException e) {
                throw new TestkitException("Could not create a temp directory for the PostgreSQL cluster", e);
            }
            PostgresCluster cluster = null;
            try {
                List<ClusterNode> nodes = new ArrayList<>();
                List<Integer> ports = freePorts(replicas + 1);
                for (int i = 0; i <= replicas; i++) {
                    String name = i == 0 ? "primary" : "replica" + i;
                    nodes.add(new ClusterNode(name, "127.0.0.1", ports.get(i),
                            "jdbc:postgresql://127.0.0.1:" + ports.get(i) + "/" + database, i == 0));
                }
                cluster = new PostgresCluster(this, base, bin, nodes);
                cluster.initialise();
                cluster.startAll();
                cluster.awaitStreaming(startTimeout);
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
    }

    /**
     * The primary from a copy of the data directory that initdb and the single-user setup make, then this cluster's
     * settings; replicas as cold copies of it.
     */
    private void initialise() {
        try {
            Files.setPosixFilePermissions(baseDir, PosixFilePermissions.fromString("rwxr-xr-x"));
            OsUser.handOver(baseDir, true);
            ClusterNode primary = nodes.get(0);
            copyTree(initialisedDataDir(primary), dataDir(primary));
            OsUser.handOver(dataDir(primary), true);
            if (!extraSettings.isEmpty()) {
                appendConf(dataDir(primary).resolve("postgresql.conf"), quoted(extraSettings)); // the last value wins
            }
            for (ClusterNode replica : replicas()) {
                copyTree(dataDir(primary), dataDir(replica));
                Files.createFile(dataDir(replica).resolve("standby.signal"));
                appendConf(dataDir(replica).resolve("postgresql.auto.conf"), Map.of(
                        "primary_conninfo", "'host=" + primary.host() + " port=" + primary.port() + " user=" + replication.username()
                                + " password=" + replication.password() + " application_name=" + replica.name() + "'"));
                OsUser.handOver(dataDir(replica), true);
            }
            if (synchronousReplicas > 0) {
                List<String> names = replicas().stream().map(ClusterNode::name).toList();
                appendConf(dataDir(primary).resolve("postgresql.auto.conf"), Map.of("synchronous_standby_names",
                        "'ANY " + synchronousReplicas + " (" + String.join(", ", names) + ")'"));
            }
        } catch (IOException e) {
            throw new TestkitException("Could not prepare the PostgreSQL data directories under " + baseDir + ": " + e.getMessage(), e);
        }
    }

    /**
     * A cleanly stopped data directory with the base settings, the roles and the database: initdb and two single-user
     * runs, about 2 s of CPU, so it is made once per machine for each install, settings, users and database (the
     * directory's name hashes them all) and copied for every cluster after that.
     */
    private Path initialisedDataDir(ClusterNode primary) {
        List<String> roles = new ArrayList<>(List.of(
                "CREATE ROLE " + app.username() + " LOGIN PASSWORD '" + app.password() + "';",
                // lets the monitor read pg_stat_wal_receiver: the README's grant
                DocumentedGrants.appGrant(DocumentedGrants.POSTGRES_APP, app.username()) + ";",
                "CREATE ROLE " + replication.username() + " LOGIN REPLICATION PASSWORD '" + replication.password() + "';",
                "CREATE DATABASE " + database + " OWNER " + app.username() + ";"));
        // the failover admin: exactly docs/failover.md's grants, in the URLs' database (EXECUTE grants are per database)
        List<String> grants = new ArrayList<>();
        for (String statement : DocumentedGrants.statements(DocumentedGrants.POSTGRES_ADMIN, failoverAdmin.username(),
                failoverAdmin.password(), database)) {
            grants.add(statement + ";");
        }
        // everything the directory depends on: a change to any of it makes another one
        String recipe = String.join("\n", binDir.toAbsolutePath().toString(), INITDB_OPTIONS.toString(), admin.username(),
                admin.password(), database, baseSettings().toString(), String.join("\n", roles), String.join("\n", grants));
        return Binaries.cached("postgres-data-" + Binaries.sha256(recipe).substring(0, 16), dir -> {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
            OsUser.handOver(dir, true);
            Path data = dir.resolve("data");
            Path pwfile = dir.resolve("pwfile");
            Files.writeString(pwfile, admin.password() + "\n");
            OsUser.handOver(pwfile, true);
            List<String> initdb = new ArrayList<>(OsUser.serverPrefix(true));
            initdb.addAll(List.of(binDir.resolve("bin/initdb").toString(), "-D", data.toString(),
                    "-U", admin.username(), "--pwfile=" + pwfile));
            initdb.addAll(INITDB_OPTIONS);
            ServerProcess.run("initdb for " + primary, initdb, Map.of("LC_ALL", "C"), dir, null, Duration.ofSeconds(120));
            Files.delete(pwfile);
            appendConf(data.resolve("postgresql.conf"), baseSettings());
            singleUser(primary, data, dir, "postgres", roles);
            singleUser(primary, data, dir, database, grants);
        }).resolve("data");
    }

    /** Runs {@code statements} in single-user mode, in {@code db}; a statement ends at each newline there. */
    private void singleUser(ClusterNode primary, Path data, Path workDir, String db, List<String> statements) throws IOException {
        Path sql = workDir.resolve("init.sql");
        Files.writeString(sql, String.join("\n", statements) + "\n");
        OsUser.handOver(sql, true);
        List<String> single = new ArrayList<>(OsUser.serverPrefix(true));
        single.addAll(List.of(binDir.resolve("bin/postgres").toString(), "--single", "-D", data.toString(), db));
        String out = ServerProcess.run("single-user setup of " + primary, single, Map.of("LC_ALL", "C"), workDir, sql,
                Duration.ofSeconds(60));
        Files.delete(sql);
        if (out.contains("ERROR")) {
            throw new TestkitException("Setting up roles on " + primary + " in database " + db + " failed:\n" + out);
        }
    }

    private static Map<String, String> baseSettings() {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("listen_addresses", "'127.0.0.1'");
        s.put("unix_socket_directories", "''");
        s.put("max_connections", "200");
        s.put("shared_buffers", "32MB");
        // A test server: the OS page cache survives a SIGKILL of the server, so fsync buys nothing here.
        s.put("fsync", "off");
        s.put("wal_level", "replica");
        s.put("max_wal_senders", "10");
        s.put("max_replication_slots", "10");
        s.put("wal_keep_size", "256MB");
        s.put("wal_log_hints", "on");
        s.put("hot_standby", "on");
        s.put("hot_standby_feedback", "on");
        s.put("wal_receiver_status_interval", "1s");
        s.put("wal_retrieve_retry_interval", "500ms");
        s.put("logging_collector", "off");
        s.put("log_min_messages", "warning");
        s.put("log_line_prefix", "'%m [%p] '");
        return s;
    }

    /** A builder's settings as postgresql.conf lines: numbers and booleans bare, the rest quoted. */
    private static Map<String, String> quoted(Map<String, String> settings) {
        Map<String, String> s = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : settings.entrySet()) {
            String v = e.getValue();
            s.put(e.getKey(), v.matches("-?[0-9.]+|on|off|true|false") ? v : "'" + v.replace("'", "''") + "'");
        }
        return s;
    }

    private static void appendConf(Path conf, Map<String, String> settings) throws IOException {
        StringBuilder sb = new StringBuilder("\n# replicaware testkit\n");
        settings.forEach((k, v) -> sb.append(k).append(" = ").append(v).append('\n'));
        Files.writeString(conf, sb, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path p : (Iterable<Path>) paths::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                    Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwx------"));
                } else if (!p.getFileName().toString().equals("postmaster.pid")) {
                    Files.copy(p, target, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }

    /** Waits until the primary sees every replica streaming and each has replayed what it wrote. */
    private void awaitStreaming(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        int expected = replicas().size();
        String streaming = "0";
        while (expected > 0) {
            streaming = query(primary(), "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'");
            if (Integer.parseInt(streaming) >= expected) {
                break;
            }
            if (System.nanoTime() > deadline) {
                throw new TestkitException("Only " + streaming + " of " + expected + " PostgreSQL replicas stream from "
                        + primary() + " after " + timeout + "; last lines of " + replicas().get(0) + "'s log:\n"
                        + ServerProcess.logTail(logFile(replicas().get(0)), 20));
            }
            sleepBriefly();
        }
        waitForReplication(timeout);
    }
}
