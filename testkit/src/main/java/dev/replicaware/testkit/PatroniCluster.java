package dev.replicaware.testkit;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real Patroni cluster on this machine: one etcd and {@code members} Patroni processes, each running the
 * distribution's PostgreSQL (Debian's {@code patroni} and {@code etcd-server} packages). Nothing is installed: use
 * {@link #missing()} to skip when {@code patroni}, {@code etcd} or a PostgreSQL bin directory is not there.
 *
 * <p>Under root, Patroni and PostgreSQL run as the unprivileged server user (see {@link OsUser}). The DCS timing is
 * Patroni's {@code ttl}, {@code loop_wait} and {@code retry_timeout}, set with the builder.
 */
public final class PatroniCluster implements AutoCloseable {
    private static final Credentials SUPERUSER = new Credentials("postgres", "patroni-super");
    private static final Credentials REPLICATION = new Credentials("replicator", "patroni-repl");
    private static final Pattern LEADER = Pattern.compile("\"name\":\\s*\"([^\"]+)\",\\s*\"role\":\\s*\"leader\"");

    /** One Patroni member: its name, PostgreSQL port and REST API port. */
    public record Member(String name, int pgPort, int restPort) {
        /** The member's REST API base URL, such as {@code http://127.0.0.1:8008}. */
        public String restUrl() {
            return "http://127.0.0.1:" + restPort;
        }

        /** A JDBC URL of the member's {@code postgres} database. */
        public String jdbcUrl() {
            return "jdbc:postgresql://127.0.0.1:" + pgPort + "/postgres";
        }
    }

    private final Path baseDir;
    private final List<Member> members;
    private final ServerProcess etcd;
    private final Map<String, ServerProcess> patronis = new java.util.concurrent.ConcurrentHashMap<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private volatile boolean closed;

    /** Why a Patroni cluster cannot run here (a missing command or directory), or null when it can. */
    public static String missing() {
        List<String> missing = new ArrayList<>();
        if (onPath("patroni") == null) {
            missing.add("'patroni' is not on the PATH");
        }
        if (onPath("etcd") == null) {
            missing.add("'etcd' is not on the PATH");
        }
        if (postgresBin() == null) {
            missing.add("no PostgreSQL bin directory under /usr/lib/postgresql/*/bin");
        }
        return missing.isEmpty() ? null
                : String.join(", ", missing) + " (install Debian's packages: apt-get install -y patroni etcd-server)";
    }

    public static Builder builder() {
        return new Builder();
    }

    /** How the cluster is started. */
    public static final class Builder {
        private int members = 2;
        private int ttl = 30;
        private int loopWait = 10;
        private int retryTimeout = 10;
        private Duration startTimeout = Duration.ofSeconds(120);

        private Builder() {}

        public Builder members(int members) {
            if (members < 1) {
                throw new IllegalArgumentException("members must be at least 1, but was " + members);
            }
            this.members = members;
            return this;
        }

        /** Patroni's {@code ttl}, {@code loop_wait} and {@code retry_timeout}, in seconds (its defaults: 30, 10, 10). */
        public Builder timing(int ttl, int loopWait, int retryTimeout) {
            this.ttl = ttl;
            this.loopWait = loopWait;
            this.retryTimeout = retryTimeout;
            return this;
        }

        public Builder startTimeout(Duration startTimeout) {
            this.startTimeout = startTimeout;
            return this;
        }

        /** Starts etcd and the members; returns once a leader is elected, every replica streams from it and the leader held for three loop_waits. */
        public PatroniCluster start() {
            String missing = missing();
            if (missing != null) {
                throw new TestkitException("Cannot start a Patroni cluster: " + missing);
            }
            Path base;
            try {
                base = Files.createTempDirectory("replicaware-patroni-");
                Files.setPosixFilePermissions(base, PosixFilePermissions.fromString("rwxr-xr-x"));
            } catch (IOException e) {
                throw new TestkitException("Could not create a temp directory for the Patroni cluster", e);
            }
            PatroniCluster cluster = null;
            try {
                cluster = new PatroniCluster(this, base);
                cluster.awaitReady(startTimeout, members, Duration.ofSeconds(Math.min(3L * loopWait, 10)));
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

    private PatroniCluster(Builder b, Path base) {
        this.baseDir = base;
        List<Integer> ports = AbstractCluster.freePorts(2 + 2 * b.members);
        int client = ports.get(0);
        int peer = ports.get(1);
        Path etcdDir = base.resolve("etcd");
        List<String> etcdCmd = new ArrayList<>(OsUser.serverPrefix(false));
        etcdCmd.addAll(List.of(onPath("etcd"), "--name", "etcd0", "--data-dir", etcdDir.toString(),
                "--listen-client-urls", "http://127.0.0.1:" + client, "--advertise-client-urls", "http://127.0.0.1:" + client,
                "--listen-peer-urls", "http://127.0.0.1:" + peer, "--initial-advertise-peer-urls", "http://127.0.0.1:" + peer,
                "--initial-cluster", "etcd0=http://127.0.0.1:" + peer, "--enable-v2=true", "--log-level", "warn"));
        this.etcd = ServerProcess.start("etcd", etcdCmd, Map.of(), base, base.resolve("etcd.log"));
        List<Member> m = new ArrayList<>();
        for (int i = 0; i < b.members; i++) {
            m.add(new Member("pg" + i, ports.get(2 + 2 * i), ports.get(3 + 2 * i)));
        }
        this.members = List.copyOf(m);
        try {
            for (Member member : members) {
                Path dir = base.resolve(member.name());
                Files.createDirectories(dir);
                Files.writeString(dir.resolve("patroni.yml"), config(member, dir, client, b), StandardCharsets.UTF_8);
                Files.createFile(dir.resolve("patroni.log"));
                OsUser.handOver(dir, true);
            }
        } catch (IOException e) {
            throw new TestkitException("Could not write the Patroni configuration under " + base + ": " + e.getMessage(), e);
        }
        for (Member member : members) {
            launch(member);
        }
    }

    /** Asks Patroni for a planned switchover from {@code leader} to {@code candidate} ({@code POST /switchover}). */
    public void switchover(Member leader, Member candidate) {
        String body = "{\"leader\": \"" + leader.name() + "\", \"candidate\": \"" + candidate.name() + "\"}";
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(leader.restUrl() + "/switchover"))
                    .timeout(Duration.ofSeconds(60)).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new TestkitException("Patroni refused the switchover from " + leader.name() + " to " + candidate.name()
                        + ": HTTP " + r.statusCode() + " " + r.body());
            }
        } catch (IOException e) {
            throw new TestkitException("Could not ask Patroni at " + leader.restUrl() + " for a switchover: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TestkitException("Interrupted while asking Patroni for a switchover", e);
        }
    }

    private void launch(Member member) {
        Path dir = baseDir.resolve(member.name());
        List<String> cmd = new ArrayList<>(OsUser.serverPrefix(true));
        cmd.addAll(List.of(onPath("patroni"), dir.resolve("patroni.yml").toString()));
        patronis.put(member.name(), ServerProcess.start("patroni " + member.name(), cmd, Map.of("LC_ALL", "C.UTF-8"), dir,
                dir.resolve("patroni.log")));
    }

    private static String config(Member m, Path dir, int etcdPort, Builder b) {
        return String.join("\n",
                "scope: replicaware",
                "name: " + m.name(),
                "restapi:",
                "  listen: 127.0.0.1:" + m.restPort(),
                "  connect_address: 127.0.0.1:" + m.restPort(),
                "etcd:",
                "  host: 127.0.0.1:" + etcdPort,
                "bootstrap:",
                "  dcs:",
                "    ttl: " + b.ttl,
                "    loop_wait: " + b.loopWait,
                "    retry_timeout: " + b.retryTimeout,
                "    postgresql:",
                "      use_pg_rewind: true",
                "      parameters:",
                "        wal_log_hints: 'on'",
                "        max_connections: 60",
                "        shared_buffers: 16MB",
                // a test server: the OS page cache survives a SIGKILL of the server
                "        fsync: 'off'",
                "  initdb:",
                "  - encoding: UTF8",
                "  - locale: C",
                "  pg_hba:",
                "  - host replication " + REPLICATION.username() + " 127.0.0.1/32 md5",
                "  - host all all 127.0.0.1/32 md5",
                "postgresql:",
                "  listen: 127.0.0.1:" + m.pgPort(),
                "  connect_address: 127.0.0.1:" + m.pgPort(),
                "  data_dir: " + dir.resolve("data"),
                "  bin_dir: " + postgresBin(),
                "  pgpass: " + dir.resolve("pgpass"),
                "  authentication:",
                "    superuser: {username: " + SUPERUSER.username() + ", password: " + SUPERUSER.password() + "}",
                "    replication: {username: " + REPLICATION.username() + ", password: " + REPLICATION.password() + "}",
                "  parameters:",
                "    unix_socket_directories: '" + dir + "'",
                "");
    }

    /**
     * Waits for a leader and {@code expected} running members, the same leader throughout {@code stable}: a test that
     * took the leader named right after the start for the leader once found its write on the other member (twice in
     * four runs on a fresh machine; the cause was not found), so the start does not return on a leader just named.
     */
    private void awaitReady(Duration timeout, int expected, Duration stable) {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "";
        String stableLeader = null;
        long stableSince = 0;
        while (true) {
            last = clusterJson();
            String leader = last == null ? null : leaderIn(last);
            if (leader != null && count(last, "\"state\": \"(running|streaming)\"") >= expected) {
                if (!leader.equals(stableLeader)) {
                    stableLeader = leader;
                    stableSince = System.nanoTime();
                } else if (System.nanoTime() - stableSince >= stable.toNanos()) {
                    return;
                }
            } else {
                stableLeader = null;
            }
            if (System.nanoTime() > deadline) {
                throw new TestkitException("The Patroni cluster was not ready (a leader and " + expected + " running members, the same leader for "
                        + stable.toSeconds() + " s) within "
                        + timeout + "; last /cluster: " + last + "; last lines of pg0's log:\n"
                        + ServerProcess.logTail(baseDir.resolve("pg0/patroni.log"), 30));
            }
            AbstractCluster.sleepBriefly();
        }
    }

    private static int count(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    /** Patroni's {@code GET /cluster} from the first member that answers; null when none does. */
    public String clusterJson() {
        for (Member m : members) {
            ServerProcess p = patronis.get(m.name());
            if (p == null || !p.isAlive()) {
                continue;
            }
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(m.restUrl() + "/cluster"))
                        .timeout(Duration.ofSeconds(2)).GET().build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return r.body();
                }
            } catch (IOException e) {
                // the next member
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new TestkitException("Interrupted while asking Patroni", e);
            }
        }
        return null;
    }

    /** The member Patroni names leader now, or null (none named, or no member answers). */
    public Member leader() {
        String json = clusterJson();
        String name = json == null ? null : leaderIn(json);
        return name == null ? null : member(name);
    }

    private static String leaderIn(String json) {
        Matcher m = LEADER.matcher(json);
        return m.find() ? m.group(1) : null;
    }

    public Member member(String name) {
        return members.stream().filter(m -> m.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("No Patroni member '" + name + "' in " + members));
    }

    public List<Member> members() {
        return members;
    }

    /** PostgreSQL's superuser, which the members' {@code pg_hba.conf} admits over TCP. */
    public Credentials superuser() {
        return SUPERUSER;
    }

    public Connection connect(Member m) throws SQLException {
        return DriverManager.getConnection(m.jdbcUrl(), SUPERUSER.username(), SUPERUSER.password());
    }

    /**
     * SIGKILL to the member's Patroni and to its PostgreSQL: the machine is gone. Returns once both processes are dead.
     */
    public void kill(Member m) {
        ServerProcess p = patronis.get(m.name());
        long postmaster = postmasterPid(m);
        if (p != null) {
            p.kill();
        }
        if (postmaster > 0) {
            ProcessHandle.of(postmaster).ifPresent(h -> {
                h.descendants().forEach(ProcessHandle::destroyForcibly);
                h.destroyForcibly();
                h.onExit().orTimeout(10, java.util.concurrent.TimeUnit.SECONDS).join();
            });
        }
    }

    /** Starts a killed member's Patroni again; Patroni itself decides how its PostgreSQL rejoins. */
    public void restart(Member m) {
        ServerProcess p = patronis.get(m.name());
        if (p != null && p.isAlive()) {
            throw new IllegalStateException("Patroni member " + m.name() + " is still running");
        }
        launch(m);
    }

    private long postmasterPid(Member m) {
        Path pid = baseDir.resolve(m.name()).resolve("data/postmaster.pid");
        try {
            return Files.exists(pid) ? Long.parseLong(Files.readAllLines(pid).get(0).strip()) : -1;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** The distribution's PostgreSQL bin directory: the newest {@code /usr/lib/postgresql/N/bin} with a postgres; null if none. */
    static String postgresBin() {
        Path root = Path.of("/usr/lib/postgresql");
        if (!Files.isDirectory(root)) {
            return null;
        }
        try (var dirs = Files.list(root)) {
            return dirs.map(d -> d.resolve("bin"))
                    .filter(bin -> Files.isExecutable(bin.resolve("postgres")) && Files.isExecutable(bin.resolve("pg_ctl")))
                    .max(java.util.Comparator.comparingInt(bin -> version(bin.getParent().getFileName().toString())))
                    .map(Path::toString).orElse(null);
        } catch (IOException e) {
            return null;
        }
    }

    private static int version(String dir) {
        try {
            return Integer.parseInt(dir);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static String onPath(String command) {
        String path = System.getenv("PATH");
        List<String> dirs = new ArrayList<>(List.of("/usr/local/bin", "/usr/bin", "/bin"));
        if (path != null) {
            dirs.addAll(0, List.of(path.split(":")));
        }
        for (String d : dirs) {
            Path p = Path.of(d, command);
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        return null;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (Member m : members) {
            kill(m);
        }
        etcd.kill();
        Binaries.deleteTree(baseDir);
    }

    @Override
    public String toString() {
        return "PatroniCluster" + members;
    }
}
