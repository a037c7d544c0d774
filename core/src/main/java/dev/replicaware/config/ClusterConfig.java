package dev.replicaware.config;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.util.PropertyElf;
import dev.replicaware.ReadConsistency;
import dev.replicaware.dialect.Dialect;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Everything a {@code ReplicaAwareDataSource} needs, immutable and valid once built: a record that YAML, Spring
 * binding and the {@link #builder(String) builder} all produce. Constructing one with bad values throws a
 * {@link ConfigException} naming every problem at once.
 *
 * @param name     the cluster's name, in pool names ({@code <cluster>-<node>}), metrics and messages
 * @param primary  the node that takes writes
 * @param replicas the nodes that serve reads, at most {@value #MAX_REPLICAS}; may be empty
 * @param username the user every node logs in as unless the node names its own
 * @param password that user's password; never shown, masked in {@code toString()}
 * @param pool     HikariCP settings for every node by HikariCP's own names ({@code maximumPoolSize}, {@code connectionTimeout},
 *                 {@code dataSource.<driver property>}...); a node's own {@code pool} overrides them
 * @param routing  how reads are routed
 * @param health   how the monitor probes nodes
 * @param failover what happens when the primary is lost
 */
public record ClusterConfig(String name, NodeConfig primary, List<NodeConfig> replicas, String username, String password,
                            Map<String, String> pool, RoutingConfig routing, HealthConfig health, FailoverConfig failover) {

    /** The most replicas a cluster may have. */
    public static final int MAX_REPLICAS = 64;

    /**
     * The HikariCP {@code connectionTimeout} of replica pools unless set: 1 s, not HikariCP's 30 s, because a read that
     * a replica cannot serve in time is better served by the next replica or the primary. Primary pools keep HikariCP's default.
     */
    public static final Duration DEFAULT_REPLICA_CONNECTION_TIMEOUT = Duration.ofSeconds(1);

    /** Settings Replicaware sets itself on every pool; configuring them is an error. */
    static final Set<String> RESERVED_POOL_KEYS = Set.of("jdbcUrl", "username", "password", "poolName",
            "initializationFailTimeout", "dataSource", "dataSourceClassName", "dataSourceJNDI", "dataSourceProperties",
            "credentials", "credentialsProvider", "credentialsProviderClassName");

    private static final Set<String> HIKARI_PROPERTIES = new TreeSet<>(PropertyElf.getPropertyNames(HikariConfig.class));

    public ClusterConfig {
        replicas = replicas == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(replicas));
        pool = pool == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(pool));
        routing = routing == null ? RoutingConfig.DEFAULTS : routing;
        health = health == null ? HealthConfig.DEFAULTS : health;
        failover = failover == null ? FailoverConfig.DEFAULTS : failover;
        List<ConfigException.Problem> problems = validate(name, primary, replicas, pool, routing);
        problems.addAll(health.problems());
        problems.addAll(failover.problems());
        if (!problems.isEmpty()) {
            throw new ConfigException(name, problems);
        }
    }

    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** The primary, then the replicas in order. */
    public List<NodeConfig> nodes() {
        List<NodeConfig> all = new ArrayList<>(replicas.size() + 1);
        all.add(primary);
        all.addAll(replicas);
        return List.copyOf(all);
    }

    /** The HikariCP settings of {@code node}: the cluster's, then the node's own on top. */
    public Map<String, String> poolSettings(NodeConfig node) {
        Map<String, String> merged = new LinkedHashMap<>(pool);
        merged.putAll(node.pool());
        return Collections.unmodifiableMap(merged);
    }

    /** The user name {@code node} logs in as. */
    public String usernameOf(NodeConfig node) {
        return node.username() != null ? node.username() : username;
    }

    /** The password {@code node} logs in with. */
    public String passwordOf(NodeConfig node) {
        return node.password() != null ? node.password() : password;
    }

    @Override
    public String toString() {
        return Secrets.scrub("ClusterConfig[name=" + name + ", primary=" + primary + ", replicas=" + replicas + ", username=" + username
                + ", password=" + Secrets.maskPassword(password) + ", pool=" + maskPool(pool) + ", routing=" + routing + ", health=" + health + ", failover=" + failover + "]");
    }

    static String maskPool(Map<String, String> pool) {
        return pool.entrySet().stream().map(e -> e.getKey() + "=" + Secrets.maskValue(e.getKey(), e.getValue()))
                .collect(Collectors.joining(", ", "{", "}"));
    }

    private static List<ConfigException.Problem> validate(String name, NodeConfig primary, List<NodeConfig> replicas,
                                                          Map<String, String> pool, RoutingConfig routing) {
        Problems problems = new Problems();
        if (name == null || name.isBlank() || !name.strip().equals(name) || name.chars().anyMatch(Character::isWhitespace)) {
            problems.add("name", "must be a non-blank name without spaces, but was " + quote(name));
        }
        validatePool("pool", pool, problems);
        Map<String, String> pathByName = new HashMap<>();
        if (primary == null) {
            problems.add("primary", "is missing; a cluster needs exactly one primary node with a url");
        } else {
            validateNode("primary", primary, pool, problems, pathByName);
        }
        if (replicas.size() > MAX_REPLICAS) {
            problems.add("replicas", "must hold at most " + MAX_REPLICAS + " nodes, but holds " + replicas.size());
        }
        for (int i = 0; i < replicas.size(); i++) {
            NodeConfig replica = replicas.get(i);
            if (replica == null) {
                problems.add("replicas[" + i + "]", "must not be null");
            } else {
                validateNode("replicas[" + i + "]", replica, pool, problems, pathByName);
            }
        }
        validateFamilies(primary, replicas, problems);
        if (routing.failureBackoff().isNegative()) {
            problems.add("routing.failureBackoff", "must not be negative, but was " + routing.failureBackoff());
        }
        if (routing.maxLag() != null && routing.maxLag().isNegative()) {
            problems.add("routing.maxLag", "must not be negative, but was " + routing.maxLag());
        }
        if (routing.readYourWritesTimeout().isNegative()) {
            problems.add("routing.readYourWritesTimeout", "must not be negative, but was " + routing.readYourWritesTimeout());
        }
        return problems.list;
    }

    /**
     * Every node must speak the primary's database family: one monitor compares their positions, one dialect promotes.
     * MySQL and MariaDB URLs may mix, since MariaDB answers {@code jdbc:mysql:} URLs.
     */
    private static void validateFamilies(NodeConfig primary, List<NodeConfig> replicas, Problems problems) {
        String expected = null;
        String expectedFrom = null;
        String expectedName = null;
        List<NodeConfig> all = new ArrayList<>();
        all.add(primary);
        all.addAll(replicas);
        for (int i = 0; i < all.size(); i++) {
            NodeConfig node = all.get(i);
            if (node == null || node.url() == null || !node.url().startsWith("jdbc:")) {
                continue;
            }
            String path = i == 0 ? "primary" : "replicas[" + (i - 1) + "]";
            String family = family(node.url());
            if (expected == null) {
                expected = family;
                expectedName = Dialect.forUrl(node.url()).name();
                expectedFrom = i == 0 ? "the primary's" : path + "'s";
            } else if (!expected.equals(family)) {
                problems.add(path + ".url", "is a " + Dialect.forUrl(node.url()).name() + " URL, but " + expectedFrom + " is "
                        + expected + "; all nodes of a cluster must be of one database family (mysql and mariadb may mix)");
            }
        }
    }

    private static String family(String url) {
        String name = Dialect.forUrl(url).name();
        return name.equals("mariadb") ? "mysql" : name;
    }

    private static void validateNode(String path, NodeConfig node, Map<String, String> sharedPool, Problems problems,
                                     Map<String, String> pathByName) {
        String url = node.url();
        if (url == null || url.isBlank()) {
            problems.add(path + ".url", "must be a JDBC URL, but was " + quote(url));
        } else if (!url.startsWith("jdbc:")) {
            problems.add(path + ".url", "must be a JDBC URL starting with 'jdbc:', but was " + quote(Secrets.maskUrl(url)));
        } else if (!sharedPool.containsKey("driverClassName") && !node.pool().containsKey("driverClassName")) {
            try {
                DriverManager.getDriver(url);
            } catch (SQLException e) {
                problems.add(path + ".url", "no JDBC driver on the class path accepts " + quote(Secrets.maskUrl(url))
                        + "; add the driver, or set pool.driverClassName");
            }
        }
        String nodeName = node.name();
        if (nodeName != null) {
            if (nodeName.chars().anyMatch(Character::isWhitespace)) {
                problems.add(path + ".name", "must not contain spaces, but was " + quote(nodeName));
            }
            String other = pathByName.putIfAbsent(nodeName, path);
            if (other != null) {
                problems.add(path + ".name", quote(nodeName) + " is already the name of " + other + "; node names must be unique");
            }
        } else if (url != null && !url.isBlank()) {
            problems.add(path + ".name", "could not be derived from the url; give the node a name");
        }
        if (node.weight() < 1 || node.weight() > NodeConfig.MAX_WEIGHT) {
            problems.add(path + ".weight", "must be between 1 and " + NodeConfig.MAX_WEIGHT + ", but was " + node.weight());
        }
        if (node.replicationPort() < 0 || node.replicationPort() > 65535) {
            problems.add(path + ".replicationPort", "must be a TCP port from 1 to 65535 (0: the URL's), but was " + node.replicationPort());
        }
        if (node.replicationHost() != null && node.replicationHost().isBlank()) {
            problems.add(path + ".replicationHost", "must be a host name or address, or absent to use the URL's host");
        }
        validatePool(path + ".pool", node.pool(), problems);
    }

    private static void validatePool(String path, Map<String, String> pool, Problems problems) {
        for (Map.Entry<String, String> e : pool.entrySet()) {
            String key = e.getKey();
            String value = e.getValue();
            String where = path + "." + key;
            if (key == null || key.isBlank()) {
                problems.add(path, "holds a setting without a name");
            } else if (RESERVED_POOL_KEYS.contains(key)) {
                problems.add(where, "is set by Replicaware (url, username, password and pool name come from the node; "
                        + "initializationFailTimeout is always -1); remove it");
            } else if (value == null) {
                problems.add(where, "must have a value");
            } else if (key.startsWith("dataSource.")) {
                if (key.length() == "dataSource.".length()) {
                    problems.add(where, "must name a driver property after 'dataSource.'");
                }
            } else if (!HIKARI_PROPERTIES.contains(key)) {
                problems.add(where, "is not a HikariCP setting; expected one of " + String.join(", ", poolKeys())
                        + ", or dataSource.<driver property>");
            } else {
                String refusal = tryHikariSetting(key, value);
                if (refusal != null) {
                    String reason = Secrets.isSecretKey(key) ? "refused" : refusal;
                    problems.add(where, "the value " + quote(Secrets.maskValue(key, value)) + " is not accepted by HikariCP: " + reason);
                }
            }
        }
    }

    /** The HikariCP settings a configuration may give (HikariCP's names, less those Replicaware sets). */
    static List<String> poolKeys() {
        return HIKARI_PROPERTIES.stream().filter(k -> !RESERVED_POOL_KEYS.contains(k)).toList();
    }

    /**
     * Applies one setting to a scratch {@link HikariConfig} through its setter, as {@code new HikariConfig(Properties)}
     * would, and returns why HikariCP refused it, or {@code null}. Calling the setter directly keeps HikariCP from
     * logging the bad value at ERROR level.
     */
    private static String tryHikariSetting(String key, String value) {
        String setter = "set" + Character.toUpperCase(key.charAt(0)) + key.substring(1);
        for (Method m : HikariConfig.class.getMethods()) {
            if (!m.getName().equals(setter) || m.getParameterCount() != 1) {
                continue;
            }
            Class<?> type = m.getParameterTypes()[0];
            try {
                Object argument;
                if (type == int.class) {
                    argument = Integer.parseInt(value.trim());
                } else if (type == long.class) {
                    argument = Long.parseLong(value.trim());
                } else if (type == boolean.class) {
                    String v = value.trim();
                    if (!v.equalsIgnoreCase("true") && !v.equalsIgnoreCase("false")) {
                        return "expected true or false";
                    }
                    argument = Boolean.parseBoolean(v);
                } else if (type == String.class) {
                    argument = value;
                } else {
                    return null; // a class name or object: HikariCP resolves it when the pool starts
                }
                m.invoke(new HikariConfig(), argument);
                return null;
            } catch (NumberFormatException e) {
                return "expected a whole number";
            } catch (InvocationTargetException e) {
                return describe(e.getCause());
            } catch (ReflectiveOperationException e) {
                return describe(e);
            }
        }
        return null;
    }

    private static String describe(Throwable ex) {
        Throwable root = ex;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage();
        return message == null ? root.getClass().getSimpleName() : message;
    }

    static String quote(String value) {
        return value == null ? "null" : "'" + value + "'";
    }

    private static final class Problems {
        final List<ConfigException.Problem> list = new ArrayList<>();

        void add(String path, String message) {
            list.add(new ConfigException.Problem(path, message));
        }
    }

    /**
     * Builds a {@link ClusterConfig}. Setters never throw; {@link #build()} reports every problem at once.
     *
     * <pre>{@code
     * ClusterConfig config = ClusterConfig.builder("shop")
     *         .primary("jdbc:postgresql://db1:5432/shop")
     *         .replica("jdbc:postgresql://db2:5432/shop")
     *         .username("shop").password(secret)
     *         .pool("maximumPoolSize", "20")
     *         .build();
     * }</pre>
     */
    public static final class Builder {
        private final String name;
        private NodeConfig primary;
        private final List<NodeConfig> replicas = new ArrayList<>();
        private String username;
        private String password;
        private final Map<String, String> pool = new LinkedHashMap<>();
        private RoutingConfig.Strategy strategy = RoutingConfig.Strategy.ROUND_ROBIN;
        private String unknownStrategy;
        private boolean fallbackToPrimary = true;
        private ReadConsistency readConsistency = ReadConsistency.ANY;
        private Duration failureBackoff = RoutingConfig.DEFAULT_FAILURE_BACKOFF;
        private Duration maxLag = RoutingConfig.DEFAULT_MAX_LAG;
        private RoutingConfig.ReadYourWrites readYourWrites = RoutingConfig.ReadYourWrites.INSTANCE;
        private Duration readYourWritesTimeout = RoutingConfig.DEFAULT_READ_YOUR_WRITES_TIMEOUT;
        private RoutingConfig.ReadYourWritesWait readYourWritesWait = RoutingConfig.ReadYourWritesWait.NEVER;
        private boolean deferBegin = true;
        private RoutingConfig.AutocommitReads autocommitReads = RoutingConfig.DEFAULT_AUTOCOMMIT_READS;
        private String unknownAutocommitReads;
        private HealthConfig health = HealthConfig.DEFAULTS;
        private FailoverConfig failover = FailoverConfig.DEFAULTS;

        private Builder(String name) {
            this.name = name;
        }

        /** The primary, named {@code host:port} from its URL. */
        public Builder primary(String url) {
            return primary(NodeConfig.of(url));
        }

        public Builder primary(String name, String url) {
            return primary(NodeConfig.of(name, url));
        }

        public Builder primary(NodeConfig primary) {
            this.primary = primary;
            return this;
        }

        /** Adds a replica named {@code host:port} from its URL. */
        public Builder replica(String url) {
            return replica(NodeConfig.of(url));
        }

        public Builder replica(String name, String url) {
            return replica(NodeConfig.of(name, url));
        }

        public Builder replica(NodeConfig replica) {
            replicas.add(replica);
            return this;
        }

        public Builder username(String username) {
            this.username = username;
            return this;
        }

        public Builder password(String password) {
            this.password = password;
            return this;
        }

        /** A HikariCP setting for every node, by HikariCP's property name: {@code pool("maximumPoolSize", "20")}. */
        public Builder pool(String key, String value) {
            pool.put(key, value);
            return this;
        }

        /** Several HikariCP settings for every node. */
        public Builder pool(Map<String, String> settings) {
            pool.putAll(settings);
            return this;
        }

        public Builder strategy(RoutingConfig.Strategy strategy) {
            this.strategy = strategy;
            this.unknownStrategy = null;
            return this;
        }

        /** The strategy by its configuration name: {@code round-robin}, {@code random}, {@code least-active}, {@code weighted}, {@code lowest-lag}, {@code thread-affinity}. */
        public Builder strategy(String strategy) {
            RoutingConfig.Strategy parsed = RoutingConfig.Strategy.parse(strategy).orElse(null);
            this.strategy = parsed;
            this.unknownStrategy = parsed == null ? String.valueOf(strategy) : null;
            return this;
        }

        public Builder fallbackToPrimary(boolean fallbackToPrimary) {
            this.fallbackToPrimary = fallbackToPrimary;
            return this;
        }

        public Builder readConsistency(ReadConsistency readConsistency) {
            this.readConsistency = readConsistency;
            return this;
        }

        /** How long a replica that failed to give a connection is skipped; default {@link RoutingConfig#DEFAULT_FAILURE_BACKOFF}. */
        public Builder failureBackoff(Duration failureBackoff) {
            this.failureBackoff = failureBackoff;
            return this;
        }

        /** Replicas further behind than this serve no reads; null for no bound. Default {@link RoutingConfig#DEFAULT_MAX_LAG}. */
        public Builder maxLag(Duration maxLag) {
            this.maxLag = maxLag;
            return this;
        }

        /** Which commits reads must see; default {@link RoutingConfig.ReadYourWrites#INSTANCE}. */
        public Builder readYourWrites(RoutingConfig.ReadYourWrites readYourWrites) {
            this.readYourWrites = readYourWrites;
            return this;
        }

        /**
         * How long a read waits for a replica to replay a commit it must see before it reads from the primary; default
         * {@link RoutingConfig#DEFAULT_READ_YOUR_WRITES_TIMEOUT}.
         */
        public Builder readYourWritesTimeout(Duration readYourWritesTimeout) {
            this.readYourWritesTimeout = readYourWritesTimeout;
            return this;
        }

        /**
         * Whether a read that must see a commit no replica is known to have replayed waits on a replica
         * ({@code ALWAYS}, up to the timeout) or goes to the primary at once ({@code NEVER}, the default).
         */
        public Builder readYourWritesWait(RoutingConfig.ReadYourWritesWait readYourWritesWait) {
            this.readYourWritesWait = readYourWritesWait;
            return this;
        }

        /**
         * PostgreSQL: whether a read-only transaction at READ COMMITTED sends its BEGIN with its second statement, so
         * that one whose only statement provably only reads costs one round trip (true, the default), or with its first.
         */
        public Builder deferBegin(boolean deferBegin) {
            this.deferBegin = deferBegin;
            return this;
        }

        /**
         * Where statements outside transactions go on a connection that is not read-only: {@code PRIMARY} (the
         * default), or {@code REPLICA} for those that provably only read.
         */
        public Builder autocommitReads(RoutingConfig.AutocommitReads autocommitReads) {
            this.autocommitReads = autocommitReads;
            this.unknownAutocommitReads = null;
            return this;
        }

        /** The same by its configuration name: {@code primary} or {@code replica}. */
        public Builder autocommitReads(String autocommitReads) {
            RoutingConfig.AutocommitReads parsed = RoutingConfig.AutocommitReads.parse(autocommitReads).orElse(null);
            this.autocommitReads = parsed;
            this.unknownAutocommitReads = parsed == null ? String.valueOf(autocommitReads) : null;
            return this;
        }

        /** How the monitor probes nodes; default {@link HealthConfig#DEFAULTS}. */
        public Builder health(HealthConfig health) {
            this.health = health;
            return this;
        }

        /** What happens when the primary is lost; default {@link FailoverConfig#DEFAULTS}. */
        public Builder failover(FailoverConfig failover) {
            this.failover = failover;
            return this;
        }

        /** The configuration; a {@link ConfigException} naming every problem when there are any. */
        public ClusterConfig build() {
            RoutingConfig routing = new RoutingConfig(strategy, fallbackToPrimary, readConsistency, failureBackoff, maxLag,
                    autocommitReads, readYourWrites, readYourWritesTimeout, readYourWritesWait, deferBegin);
            List<ConfigException.Problem> problems = new ArrayList<>();
            if (unknownAutocommitReads != null) {
                problems.add(new ConfigException.Problem("routing.autocommitReads", "must be primary or replica, but was "
                        + quote(unknownAutocommitReads)));
            }
            if (unknownStrategy != null) {
                problems.add(new ConfigException.Problem("routing.strategy", "unknown strategy " + quote(unknownStrategy)
                        + "; expected one of " + RoutingConfig.Strategy.names()));
            }
            try {
                ClusterConfig config = new ClusterConfig(name, primary, replicas, username, password, pool, routing, health, failover);
                if (problems.isEmpty()) {
                    return config;
                }
            } catch (ConfigException e) {
                problems.addAll(e.problems());
            }
            throw new ConfigException(name, problems);
        }
    }
}
