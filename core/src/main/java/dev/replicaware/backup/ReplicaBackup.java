package dev.replicaware.backup;

import dev.replicaware.ReplicaAwareDataSource;
import dev.replicaware.config.ClusterConfig;
import dev.replicaware.config.NodeConfig;
import dev.replicaware.config.Secrets;
import dev.replicaware.dialect.Role;
import dev.replicaware.topology.NodeState;
import dev.replicaware.topology.NodeStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A backup taken from a replica, so that the primary is spared. {@link #run()}:
 * <ol>
 *   <li>picks the replica that is UP, in read rotation, within {@code maxLag} and freshest (the primary only with
 *       {@link Builder#allowPrimary}); with none it refuses, naming each replica and why;</li>
 *   <li>takes it out of read rotation in the DataSource it was given, at once: reads go to the other nodes. Other
 *       application instances see its replay paused at their next probe and stop reading it too;</li>
 *   <li>holds it still: PostgreSQL {@code pg_wal_replay_pause()}, MySQL/MariaDB's SQL thread stopped, so the dump is
 *       consistent and no recovery conflict cancels it;</li>
 *   <li>counts and checksums every table on the held replica, then runs the database's own dump tool
 *       ({@code pg_dump -Fd -j N}; {@code mariadb-dump}/{@code mysqldump --single-transaction}), refusing a tool older
 *       than the server's major version;</li>
 *   <li>writes {@value BackupManifest#FILE_NAME} beside the dump;</li>
 *   <li>whatever happened (a failure, {@link #abort}, a dump tool that died), resumes replay and returns the replica to
 *       rotation.</li>
 * </ol>
 * Pausing replay takes the failover admin user when one is configured ({@code failover.adminUsername}), else the
 * application's; see docs/operations.md for the privileges. {@link #restoreAndVerify} loads a backup into a scratch
 * server and compares every table with the manifest.
 *
 * <pre>{@code
 * BackupManifest m = ReplicaBackup.builder(dataSource).to(Path.of("/backups/2026-12-07")).build().run();
 * }</pre>
 */
public final class ReplicaBackup {
    private static final Logger LOG = LoggerFactory.getLogger(ReplicaBackup.class);

    /** The reason {@code status} and events give for a replica a backup of this instance holds. */
    public static final String HOLD_REASON = "backup in progress";
    /** The lag bound when none is given and the cluster has no {@code routing.maxLag}. */
    public static final Duration DEFAULT_MAX_LAG = Duration.ofSeconds(10);
    /** How long resuming replay is retried after a failure before the backup gives up and says so. */
    static final Duration RESUME_PERSISTENCE = Duration.ofSeconds(30);
    private static final Duration PAUSE_TIMEOUT = Duration.ofSeconds(30);

    private final ReplicaAwareDataSource dataSource;
    private final Path directory;
    private final Duration maxLag;
    private final boolean allowPrimary;
    private final int jobs;
    private final Path toolDirectory;
    private final Consumer<BackupProgress> progress;
    private final AtomicBoolean started = new AtomicBoolean();
    private final CountDownLatch finished = new CountDownLatch(1);
    private volatile boolean aborted;
    private volatile ToolRun dump;
    private volatile Statement current;
    private long startNanos;

    private ReplicaBackup(Builder b) {
        this.dataSource = b.dataSource;
        this.directory = b.directory;
        this.maxLag = b.maxLag != null ? b.maxLag
                : Objects.requireNonNullElse(b.dataSource.config().routing().maxLag(), DEFAULT_MAX_LAG);
        this.allowPrimary = b.allowPrimary;
        this.jobs = b.jobs;
        this.toolDirectory = b.toolDirectory;
        this.progress = b.progress;
    }

    /** A backup of the cluster {@code dataSource} routes, taken out of its read rotation while it runs. */
    public static Builder builder(ReplicaAwareDataSource dataSource) {
        return new Builder(Objects.requireNonNull(dataSource, "dataSource"));
    }

    /** The options of one backup; {@link #to(Path)} is required. */
    public static final class Builder {
        private final ReplicaAwareDataSource dataSource;
        private Path directory;
        private Duration maxLag;
        private boolean allowPrimary;
        private int jobs = 2;
        private Path toolDirectory;
        private Consumer<BackupProgress> progress = p -> { };

        private Builder(ReplicaAwareDataSource dataSource) {
            this.dataSource = dataSource;
        }

        /** The directory to write the dump and manifest into; it must be empty or not exist yet. */
        public Builder to(Path directory) {
            this.directory = Objects.requireNonNull(directory, "directory");
            return this;
        }

        /** How far behind the chosen replica may be; default the cluster's {@code routing.maxLag}, else 10 s. */
        public Builder maxLag(Duration maxLag) {
            if (maxLag.isNegative()) {
                throw new IllegalArgumentException("maxLag must not be negative, but was " + maxLag);
            }
            this.maxLag = maxLag;
            return this;
        }

        /** Back up the primary when no replica qualifies (it is not held still: the dump tool's snapshot is the only guard). */
        public Builder allowPrimary(boolean allowPrimary) {
            this.allowPrimary = allowPrimary;
            return this;
        }

        /** Parallel dump jobs (PostgreSQL's {@code -j}); default 2. */
        public Builder jobs(int jobs) {
            if (jobs < 1 || jobs > 64) {
                throw new IllegalArgumentException("jobs must be between 1 and 64, but was " + jobs);
            }
            this.jobs = jobs;
            return this;
        }

        /** Where the dump tool is ({@code /usr/lib/postgresql/17/bin}); default: the {@code PATH}. */
        public Builder toolDirectory(Path toolDirectory) {
            this.toolDirectory = toolDirectory;
            return this;
        }

        /** Hears each step (held, each table checksummed and dumped, done), on the backup's thread. */
        public Builder onProgress(Consumer<BackupProgress> progress) {
            this.progress = Objects.requireNonNull(progress, "progress");
            return this;
        }

        public ReplicaBackup build() {
            if (directory == null) {
                throw new IllegalStateException("A backup needs a directory: call to(Path)");
            }
            return new ReplicaBackup(this);
        }
    }

    /**
     * Takes the backup; once per instance. Returns the manifest written.
     *
     * @throws BackupException refused (no replica qualifies, a dump tool too old, a directory not empty) or failed; the
     *                         replica is replaying and back in rotation, unless the message says resuming failed
     */
    public BackupManifest run() throws BackupException {
        if (!started.compareAndSet(false, true)) {
            throw new IllegalStateException("This backup has run already; build another");
        }
        try {
            return take();
        } catch (BackupException e) {
            if (aborted && !e.getMessage().contains("aborted")) { // abort() cancelled a statement: say why it failed
                throw new BackupException(e.getMessage() + " (the backup was aborted)", e);
            }
            throw e;
        } finally {
            finished.countDown();
        }
    }

    /**
     * Ends a running backup (Ctrl-C): the dump tool is killed, a checksum query cancelled, and this waits up to
     * {@code wait} for {@link #run()} to resume replay and return the replica to rotation. True when it did in time, or
     * when nothing was running.
     */
    public boolean abort(Duration wait) throws InterruptedException {
        aborted = true;
        ToolRun d = dump;
        if (d != null) {
            d.destroy();
        }
        Statement s = current;
        if (s != null) {
            try {
                s.cancel();
            } catch (SQLException | RuntimeException ignored) {
                // it ends with its connection
            }
        }
        return !started.get() || finished.await(wait.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The pid of the dump tool while it runs, else -1 (for tests and operators). */
    public long dumpPid() {
        ToolRun d = dump;
        return d == null ? -1 : d.pid();
    }

    private BackupManifest take() throws BackupException {
        startNanos = System.nanoTime();
        Instant startedAt = Instant.now();
        ClusterConfig config = dataSource.config();
        String cluster = config.name();
        NodeStatus chosen = choose(cluster, dataSource.topology().nodes(), maxLag, allowPrimary);
        String name = chosen.name();
        boolean replica = chosen.role() == Role.REPLICA;
        NodeConfig node = config.nodes().stream().filter(n -> n.name().equals(name)).findFirst().orElseThrow();
        Engine engine = Engine.of(dataSource.monitor().dialect(name).name());
        String where = "Cluster '" + cluster + "', node " + name;
        if (engine == null) {
            throw new BackupException(where + ": backups need PostgreSQL, MySQL or MariaDB; the node's URL "
                    + Secrets.maskUrl(node.url()) + " is served in generic mode");
        }
        Endpoint at = endpoint(where, node.url(), engine);
        Path tool = locate(where, engine.toolNames(), toolDirectory);
        String toolVersion = toolVersion(where, tool);
        prepareDirectory(where, directory);
        String user = config.usernameOf(node);
        String password = config.passwordOf(node);
        try (Connection c = connect(node.url(), user, password)) {
            String serverVersion = engine.serverVersion(c);
            int toolMajor = ToolRun.toolMajor(toolVersion);
            int serverMajor = ToolRun.serverMajor(serverVersion);
            if (toolMajor >= 0 && serverMajor >= 0 && toolMajor < serverMajor) {
                throw new BackupException(where + ": the dump tool " + tool + " is version " + toolMajor + " ('" + toolVersion
                        + "'), older than the server's major version " + serverMajor + " (" + serverVersion + "); "
                        + "expected a " + tool.getFileName() + " of version " + serverMajor + " or newer (--tools DIR)");
            }
            return holdAndDump(where, name, replica, engine, at, tool, toolVersion, serverVersion, c, user, password,
                    config, startedAt);
        } catch (SQLException e) {
            throw new BackupException(where + ": " + describe(e, password), e);
        }
    }

    private BackupManifest holdAndDump(String where, String name, boolean replica, Engine engine, Endpoint at, Path tool,
                                       String toolVersion, String serverVersion, Connection c, String user, String password,
                                       ClusterConfig config, Instant startedAt) throws BackupException, SQLException {
        String adminUser = config.failover().adminUsername() != null ? config.failover().adminUsername() : user;
        String adminPassword = config.failover().adminUsername() != null ? config.failover().adminPassword() : password;
        String nodeUrl = config.nodes().stream().filter(n -> n.name().equals(name)).findFirst().orElseThrow().url();
        boolean paused = false;
        Path options = null;
        BackupException failure = null;
        if (replica) {
            dataSource.monitor().holdOutOfRotation(name, HOLD_REASON);
        }
        try {
            report(BackupProgress.Phase.HOLD, name, null, -1);
            if (replica) {
                try (Connection admin = connect(nodeUrl, adminUser, adminPassword)) {
                    paused = true; // resume whatever happens from here: a pause that failed half-way may have taken effect
                    engine.pause(admin, PAUSE_TIMEOUT);
                } catch (SQLException e) {
                    throw new BackupException(where + ": could not pause replay as user '" + adminUser + "': "
                            + describe(e, adminPassword) + "; the user needs the privileges docs/operations.md lists", e);
                }
            }
            engine.prepare(c);
            String position = engine.position(c, replica);
            List<BackupManifest.Table> tables = checksums(engine, c, at.database(), name);
            checkAborted(where);
            options = engine.needsOptionFile() ? optionFile(engine, nodeUrl, user, password) : null;
            Path dumpPath = directory.resolve(engine.dumpName());
            Map<String, Long> rowsByTable = new HashMap<>();
            for (BackupManifest.Table t : tables) {
                rowsByTable.put(t.qualifiedName(), t.rows());
                rowsByTable.put(t.name(), t.rows());
            }
            runDump(where, name, engine, engine.dumpCommand(tool, at, user, dumpPath, jobs, options), engine.environment(password),
                    tool, rowsByTable);
            BackupManifest manifest = new BackupManifest(config.name(), name, replica ? "replica" : "primary",
                    engine.configName(), at.database(), position, startedAt, Instant.now(), tool.toString(), toolVersion,
                    serverVersion, engine.dumpName(), tables);
            manifest.write(directory);
            return manifest;
        } catch (IOException e) {
            failure = new BackupException(where + ": " + describe(e, password), e);
            throw failure;
        } catch (BackupException e) {
            failure = e;
            throw e;
        } finally {
            deleteQuietly(options);
            report(BackupProgress.Phase.RELEASE, name, null, -1);
            String notResumed = paused ? resume(engine, nodeUrl, adminUser, adminPassword) : null;
            if (replica) {
                dataSource.monitor().returnToRotation(name);
            }
            report(BackupProgress.Phase.DONE, name, null, -1);
            if (notResumed != null) {
                BackupException e = new BackupException(where + ": REPLAY IS STILL PAUSED: resuming failed for "
                        + RESUME_PERSISTENCE.toSeconds() + " s (" + notResumed + "); resume it by hand ("
                        + (engine == Engine.POSTGRESQL ? "SELECT pg_wal_replay_resume()" : engine.startSql()) + ")"
                        + (failure == null ? "" : "; the backup had failed: " + failure.getMessage()));
                LOG.error("{}", e.getMessage());
                throw e;
            }
        }
    }

    private List<BackupManifest.Table> checksums(Engine engine, Connection c, String database, String nodeName)
            throws SQLException, BackupException {
        List<BackupManifest.Table> tables = new ArrayList<>();
        for (String[] t : engine.tables(c, database)) {
            checkAborted("Cluster '" + dataSource.config().name() + "'");
            String sql = engine.checksumSql(c, t[0], t[1]);
            try (Statement s = c.createStatement()) {
                current = s;
                try (ResultSet rs = s.executeQuery(sql)) {
                    rs.next();
                    BackupManifest.Table table = new BackupManifest.Table(t[0], t[1], rs.getLong(1), rs.getString(2));
                    tables.add(table);
                    report(BackupProgress.Phase.CHECKSUM, nodeName, table.qualifiedName(), table.rows());
                }
            } finally {
                current = null;
            }
        }
        return tables;
    }

    private void runDump(String where, String nodeName, Engine engine, List<String> command, Map<String, String> env,
                         Path tool, Map<String, Long> rowsByTable) throws BackupException, IOException {
        ToolRun run = ToolRun.start(command, env, null);
        dump = run;
        try {
            if (aborted) {
                run.destroy();
            }
            int code = run.await(line -> {
                String table = engine.tableIn(line);
                if (table != null) {
                    String bare = table.replace("`", "");
                    report(BackupProgress.Phase.DUMP, nodeName, bare, rowsByTable.getOrDefault(bare,
                            rowsByTable.getOrDefault(bare.substring(bare.indexOf('.') + 1), -1L)));
                }
            });
            if (code != 0) {
                throw new BackupException(where + ": " + tool.getFileName() + " exited with code " + code
                        + (aborted ? " (the backup was aborted)" : "") + "; its last lines:\n" + run.tail());
            }
        } catch (InterruptedException e) {
            run.destroy();
            Thread.currentThread().interrupt();
            throw new BackupException(where + ": interrupted while " + tool.getFileName() + " ran; it was killed", e);
        } finally {
            dump = null;
        }
    }

    /** Resumes replay; retried on fresh connections for a while. Null when resumed, else the last failure. */
    private String resume(Engine engine, String url, String user, String password) {
        long deadline = System.nanoTime() + RESUME_PERSISTENCE.toNanos();
        boolean interrupted = Thread.interrupted(); // an interrupt must not stop the resume: it is restored after
        try {
            while (true) {
                String last;
                try (Connection admin = connect(url, user, password)) {
                    engine.resume(admin);
                    return null;
                } catch (SQLException e) {
                    last = describe(e, password);
                    LOG.warn("Could not resume replay on {}: {}; retrying", Secrets.maskUrl(url), last);
                }
                if (System.nanoTime() > deadline) {
                    return last;
                }
                try {
                    Thread.sleep(500);
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void checkAborted(String where) throws BackupException {
        if (aborted) {
            throw new BackupException(where + ": the backup was aborted");
        }
    }

    private void report(BackupProgress.Phase phase, String node, String table, long rows) {
        try {
            progress.accept(new BackupProgress(phase, node, table, rows, Duration.ofNanos(System.nanoTime() - startNanos)));
        } catch (RuntimeException e) {
            LOG.warn("A backup progress listener failed: {}", e.toString());
        }
    }

    /**
     * The replica to back up: UP, in read rotation, within {@code maxLag}; the one that has replayed furthest, then the
     * least lag, then by name. Without one, the primary when allowed, else a refusal naming each replica and why.
     */
    static NodeStatus choose(String cluster, List<NodeStatus> nodes, Duration maxLag, boolean allowPrimary) throws BackupException {
        List<NodeStatus> candidates = new ArrayList<>();
        StringBuilder why = new StringBuilder();
        for (NodeStatus s : nodes) {
            if (s.role() != Role.REPLICA) {
                continue;
            }
            String refusal = s.state() != NodeState.UP ? "it is " + s.state()
                    + (s.lastError() == null ? "" : " (" + s.lastError() + ")") : s.refusal(maxLag);
            if (refusal == null) {
                candidates.add(s);
            } else {
                why.append(why.length() == 0 ? "" : "; ").append(s.name()).append(": ").append(refusal);
            }
        }
        if (!candidates.isEmpty()) {
            candidates.sort(Comparator.comparingLong((NodeStatus s) -> -s.readPosition())
                    .thenComparingDouble(s -> Double.isNaN(s.lagSeconds()) ? Double.MAX_VALUE : s.lagSeconds())
                    .thenComparing(NodeStatus::name));
            return candidates.get(0);
        }
        String replicas = why.length() == 0 ? "the cluster has no replicas" : why.toString();
        if (allowPrimary) {
            for (NodeStatus s : nodes) {
                if (s.role() == Role.PRIMARY && s.state().serves()) {
                    LOG.warn("Cluster '{}': no replica qualifies for a backup ({}); backing up the primary {} as allowed",
                            cluster, replicas, s.name());
                    return s;
                }
            }
            throw new BackupException("Cluster '" + cluster + "': no replica qualifies for a backup (" + replicas
                    + ") and no primary is up either");
        }
        throw new BackupException("Cluster '" + cluster + "': no replica qualifies for a backup (UP, in read rotation, lag"
                + " within " + maxLag.toMillis() + " ms): " + replicas + "; the primary is backed up only when allowed"
                + " (--allow-primary)");
    }

    /**
     * Restores the backup in {@code backupDirectory} into the empty database {@code jdbcUrl} names (a scratch server)
     * as {@code username}, then counts and checksums every table of the manifest there. Returns the differences, each
     * naming its table; empty when the copy is identical.
     *
     * @param toolDirectory where {@code pg_restore} or the {@code mariadb}/{@code mysql} client is; null: the PATH
     */
    public static List<String> restoreAndVerify(Path backupDirectory, String jdbcUrl, String username, String password,
                                                Path toolDirectory, Consumer<BackupProgress> progress) throws BackupException {
        long start = System.nanoTime();
        Consumer<BackupProgress> listener = progress == null ? p -> { } : progress;
        BackupManifest manifest = BackupManifest.read(backupDirectory);
        Engine engine;
        try {
            engine = Engine.valueOf(manifest.engine().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new BackupException("The manifest in " + backupDirectory + " names engine '" + manifest.engine()
                    + "'; expected postgresql, mariadb or mysql");
        }
        String where = "Restore of " + backupDirectory + " into " + Secrets.maskUrl(jdbcUrl);
        Endpoint at = endpoint(where, jdbcUrl, engine);
        List<String> tools = engine == Engine.MARIADB ? List.of("mariadb", "mysql") : List.of(engine.restoreTool());
        Path tool = locate(where, tools, toolDirectory);
        Path dump = backupDirectory.resolve(manifest.dump());
        if (!Files.exists(dump)) {
            throw new BackupException(where + ": the dump " + dump + " the manifest names is missing");
        }
        Path options = null;
        try {
            options = engine.needsOptionFile() ? optionFile(engine, jdbcUrl, username, password) : null;
            listener.accept(new BackupProgress(BackupProgress.Phase.RESTORE, null, null, manifest.rows(), Duration.ofNanos(System.nanoTime() - start)));
            ToolRun run = ToolRun.start(engine.restoreCommand(tool, at, username, dump, 2, options),
                    engine.environment(password), engine.needsOptionFile() ? dump : null);
            int code = run.await(line -> { });
            if (code != 0) {
                throw new BackupException(where + ": " + tool.getFileName() + " exited with code " + code + "; its last lines:\n"
                        + run.tail());
            }
            List<String> differences = new ArrayList<>();
            try (Connection c = connect(jdbcUrl, username, password)) {
                engine.prepare(c);
                for (BackupManifest.Table t : manifest.tables()) {
                    String schema = engine == Engine.POSTGRESQL ? t.schema() : at.database();
                    String name = schema + "." + t.name();
                    long rows;
                    String sum;
                    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(engine.checksumSql(c, schema, t.name()))) {
                        rs.next();
                        rows = rs.getLong(1);
                        sum = rs.getString(2);
                    } catch (SQLException e) {
                        differences.add("table " + name + ": cannot be read on the restored copy (" + describe(e, password) + ")");
                        if (engine == Engine.POSTGRESQL) {
                            c.rollback(); // harmless in autocommit; keeps a failed transaction from hiding the next tables
                        }
                        continue;
                    }
                    listener.accept(new BackupProgress(BackupProgress.Phase.VERIFY, null, name, rows, Duration.ofNanos(System.nanoTime() - start)));
                    if (rows != t.rows()) {
                        differences.add("table " + name + ": " + t.rows() + " rows in the manifest, " + rows + " restored");
                    }
                    if (!Objects.equals(sum, t.checksum())) {
                        differences.add("table " + name + ": checksum " + t.checksum() + " in the manifest, " + sum + " restored");
                    }
                }
            }
            listener.accept(new BackupProgress(BackupProgress.Phase.DONE, null, null, manifest.rows(), Duration.ofNanos(System.nanoTime() - start)));
            return differences;
        } catch (IOException | SQLException e) {
            throw new BackupException(where + ": " + describe(e, password), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BackupException(where + ": interrupted", e);
        } finally {
            deleteQuietly(options);
        }
    }

    private static Endpoint endpoint(String where, String url, Engine engine) throws BackupException {
        try {
            return Endpoint.of(url, engine.defaultPort());
        } catch (IllegalArgumentException e) {
            throw new BackupException(where + ": " + e.getMessage());
        }
    }

    /** The first of {@code names} in {@code directory}, or on the PATH when it is null. */
    static Path locate(String where, List<String> names, Path directory) throws BackupException {
        List<Path> dirs = new ArrayList<>();
        if (directory != null) {
            dirs.add(directory);
        } else {
            for (String d : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
                if (!d.isEmpty()) {
                    dirs.add(Path.of(d));
                }
            }
        }
        for (String name : names) {
            for (Path d : dirs) {
                Path p = d.resolve(name);
                if (Files.isExecutable(p) && !Files.isDirectory(p)) {
                    return p;
                }
            }
        }
        throw new BackupException(where + ": none of " + names + " found in "
                + (directory != null ? directory : "the PATH") + "; install the database's client tools or point --tools at them");
    }

    private static String toolVersion(String where, Path tool) throws BackupException {
        try {
            return ToolRun.version(tool);
        } catch (IOException e) {
            throw new BackupException(where + ": cannot run " + tool + " --version: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BackupException(where + ": interrupted", e);
        }
    }

    private static void prepareDirectory(String where, Path directory) throws BackupException {
        try {
            if (Files.isDirectory(directory)) {
                try (var entries = Files.list(directory)) {
                    if (entries.findAny().isPresent()) {
                        throw new BackupException(where + ": the backup directory " + directory + " is not empty; expected"
                                + " an empty or new directory, so that no earlier backup is overwritten");
                    }
                }
            } else {
                Files.createDirectories(directory);
            }
        } catch (IOException e) {
            throw new BackupException(where + ": cannot create the backup directory " + directory + ": " + e.getMessage(), e);
        }
    }

    /**
     * A MySQL-family option file with the credentials, readable by this user only: no password on a command line.
     * Where the node's URL turns TLS off ({@code sslMode=DISABLED}, {@code useSSL=false}), so does the tool: MariaDB 11.4's
     * client otherwise insists on TLS and fails against a server without it.
     */
    private static Path optionFile(Engine engine, String url, String user, String password) throws IOException {
        Path f = Files.createTempFile("replicaware-backup-", ".cnf",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        String quoted = password == null ? "" : password.replace("\\", "\\\\").replace("\"", "\\\"");
        String lower = url.toLowerCase(Locale.ROOT);
        boolean noTls = lower.contains("sslmode=disabled") || lower.contains("usessl=false");
        String tls = !noTls ? "" : engine == Engine.MYSQL ? "ssl-mode=DISABLED\n" : "skip-ssl\n";
        Files.writeString(f, "[client]\nuser=\"" + user + "\"\npassword=\"" + quoted + "\"\n" + tls);
        return f;
    }

    private static void deleteQuietly(Path f) {
        if (f != null) {
            try {
                Files.deleteIfExists(f);
            } catch (IOException e) {
                LOG.warn("Could not delete the credentials file {}: {}", f, e.getMessage());
            }
        }
    }

    static Connection connect(String url, String user, String password) throws SQLException {
        Properties p = new Properties();
        if (user != null) {
            p.setProperty("user", user);
        }
        if (password != null) {
            p.setProperty("password", password);
        }
        Driver driver = DriverManager.getDriver(url);
        Connection c = driver.connect(url, p);
        if (c == null) {
            throw new SQLException("The driver " + driver.getClass().getName() + " does not accept the URL", "08001");
        }
        c.setAutoCommit(true);
        return c;
    }

    private static String describe(Throwable e, String password) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        if (password != null && !password.isEmpty()) {
            m = m.replace(password, Secrets.MASK);
        }
        return Secrets.maskUrl(m);
    }

    @Override
    public String toString() {
        return "ReplicaBackup[" + dataSource.config().name() + " -> " + directory + ", maxLag=" + maxLag + ", jobs=" + jobs + "]";
    }
}
