package dev.replicaware.spring;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code replicaware:} block of {@code application.yml}: the same keys as Replicaware's own YAML file, bound with
 * Spring's relaxed rules ({@code max-lag}, {@code maxLag} and {@code REPLICAWARE_ROUTING_MAXLAG} are one key).
 * Turned into a core {@code ClusterConfig} by {@link ClusterConfigFactory}, which is where every value is checked.
 *
 * <pre>{@code
 * replicaware:
 *   cluster: shop
 *   username: shop
 *   password: ${SHOP_DB_PASSWORD}
 *   primary:
 *     url: jdbc:postgresql://db1:5432/shop
 *   replicas:
 *     - url: jdbc:postgresql://db2:5432/shop
 *     - url: jdbc:postgresql://db3:5432/shop
 *   pool:
 *     maximum-pool-size: 20
 *   routing:
 *     load-balance: least-active
 *     max-lag: 2s
 * }</pre>
 */
@ConfigurationProperties("replicaware")
public class ReplicawareProperties {

    /** The cluster's name, in pool names ({@code <cluster>-<node>}), metrics, health details and messages. */
    private String cluster = "replicaware";

    /** The user every node logs in as, unless the node names its own. */
    private String username;

    /** That user's password. Never shown in logs, messages or Actuator output. */
    private String password;

    /** The node that takes writes. Setting its {@code url} is what turns the adapter on. */
    private Node primary = new Node();

    /** The nodes that serve read-only transactions; may be empty. */
    private List<Node> replicas = new ArrayList<>();

    /**
     * HikariCP settings for every node's pool, by HikariCP's property names ({@code maximumPoolSize},
     * {@code connectionTimeout}...; the relaxed {@code maximum-pool-size} works too) or {@code dataSource.<driver property>}.
     * Replicaware sets the URL, credentials and pool name itself.
     */
    private Map<String, String> pool = new LinkedHashMap<>();

    /** How reads are spread over the replicas. */
    private Routing routing = new Routing();

    /** How the topology monitor probes nodes. */
    private Health health = new Health();

    /** What happens when the primary is lost. */
    private Failover failover = new Failover();

    private Web web = new Web();

    public String getCluster() {
        return cluster;
    }

    public void setCluster(String cluster) {
        this.cluster = cluster;
    }

    public String getUsername() {
        return username;
    }

    public void setUsername(String username) {
        this.username = username;
    }

    public String getPassword() {
        return password;
    }

    public void setPassword(String password) {
        this.password = password;
    }

    public Node getPrimary() {
        return primary;
    }

    public void setPrimary(Node primary) {
        this.primary = primary;
    }

    public List<Node> getReplicas() {
        return replicas;
    }

    public void setReplicas(List<Node> replicas) {
        this.replicas = replicas;
    }

    public Map<String, String> getPool() {
        return pool;
    }

    public void setPool(Map<String, String> pool) {
        this.pool = pool;
    }

    public Routing getRouting() {
        return routing;
    }

    public void setRouting(Routing routing) {
        this.routing = routing;
    }

    public Health getHealth() {
        return health;
    }

    public void setHealth(Health health) {
        this.health = health;
    }

    public Failover getFailover() {
        return failover;
    }

    public void setFailover(Failover failover) {
        this.failover = failover;
    }

    public Web getWeb() {
        return web;
    }

    public void setWeb(Web web) {
        this.web = web;
    }

    /** What the adapter does for web applications. */
    public static class Web {

        /**
         * Where a user's read-your-writes position is carried from one HTTP request to the next: {@code off} (the
         * default) or {@code http-session}. With {@code http-session}, each commit's position is kept in the user's HTTP
         * session and the reads of the next requests see it (read consistency read-your-writes with that token),
         * whichever application instance serves them, given a shared session store.
         */
        private String consistencyToken = "off";

        public String getConsistencyToken() {
            return consistencyToken;
        }

        public void setConsistencyToken(String consistencyToken) {
            this.consistencyToken = consistencyToken;
        }
    }

    @Override
    public String toString() {
        return "ReplicawareProperties[cluster=" + cluster + ", primary=" + primary + ", replicas=" + replicas.size() + "]";
    }

    /** One database server. */
    public static class Node {

        /** The node's name in pool names, metrics and health; {@code host:port} of the URL when not set. */
        private String name;

        /** The JDBC URL of this server. A password in it is never shown. */
        private String url;

        /** Overrides the cluster's user name for this node. */
        private String username;

        /** Overrides the cluster's password for this node. Never shown. */
        private String password;

        /** The node's share of reads with {@code routing.load-balance: weighted}, 1 to 1000. */
        private int weight = dev.replicaware.config.NodeConfig.DEFAULT_WEIGHT;

        /** Failover preference among replicas equally far ahead: higher is preferred. */
        private int priority;

        /** The host other servers use to reach this one for replication, when it differs from the URL's. */
        private String replicationHost;

        /** The port for replication, when it differs from the URL's; 0 means the URL's. */
        private int replicationPort;

        /** HikariCP settings of this node's pool, overriding the cluster's {@code pool}. */
        private Map<String, String> pool = new LinkedHashMap<>();

        public String getName() {
            return name;
        }

        public void setName(String name) {
            this.name = name;
        }

        public String getUrl() {
            return url;
        }

        public void setUrl(String url) {
            this.url = url;
        }

        public String getUsername() {
            return username;
        }

        public void setUsername(String username) {
            this.username = username;
        }

        public String getPassword() {
            return password;
        }

        public void setPassword(String password) {
            this.password = password;
        }

        public int getWeight() {
            return weight;
        }

        public void setWeight(int weight) {
            this.weight = weight;
        }

        public int getPriority() {
            return priority;
        }

        public void setPriority(int priority) {
            this.priority = priority;
        }

        public String getReplicationHost() {
            return replicationHost;
        }

        public void setReplicationHost(String replicationHost) {
            this.replicationHost = replicationHost;
        }

        public int getReplicationPort() {
            return replicationPort;
        }

        public void setReplicationPort(int replicationPort) {
            this.replicationPort = replicationPort;
        }

        public Map<String, String> getPool() {
            return pool;
        }

        public void setPool(Map<String, String> pool) {
            this.pool = pool;
        }

        @Override
        public String toString() {
            return "Node[" + (name != null ? name : dev.replicaware.config.Secrets.maskUrl(url)) + "]";
        }
    }

    /** How reads are spread over the replicas. */
    public static class Routing {

        /** How a replica is chosen: round-robin, random, least-active, weighted, lowest-lag or thread-affinity. */
        private String loadBalance = "round-robin";

        /** Replicas further behind the primary than this serve no reads until they catch up. */
        private Duration maxLag = dev.replicaware.config.RoutingConfig.DEFAULT_MAX_LAG;

        /** When no replica can serve a read, read from the primary instead of failing. */
        private boolean fallbackToPrimary = true;

        /**
         * What read-only transactions accept unless a method says otherwise: {@code any} (any replica within
         * {@code max-lag}), {@code primary}, {@code read-your-writes}, or a duration such as {@code 2s} (replicas at
         * most that far behind).
         */
        private String readConsistency = "any";

        /** How long a replica that failed to give a connection is skipped before it is tried again. */
        private Duration failureBackoff = dev.replicaware.config.RoutingConfig.DEFAULT_FAILURE_BACKOFF;

        /**
         * Which commits reads must see: {@code instance} (every commit of this application instance, the default),
         * {@code session} (those a connection carries, with read consistency {@code read-your-writes}) or {@code off}.
         */
        private String readYourWrites = "instance";

        /**
         * How long a read waits for a replica to replay a commit it must see before it reads from the primary, with
         * {@code read-your-writes-wait: always}.
         */
        private Duration readYourWritesTimeout = dev.replicaware.config.RoutingConfig.DEFAULT_READ_YOUR_WRITES_TIMEOUT;

        /**
         * What a read that must see a commit does when no replica is known to have replayed it: {@code never} (the
         * default) reads from the primary at once, so that read-your-writes never makes a read slower than the
         * primary; {@code always} waits on a replica up to {@code read-your-writes-timeout} first.
         */
        private String readYourWritesWait = "never";

        /**
         * PostgreSQL: a read-only transaction at READ COMMITTED sends its BEGIN with its second statement, so one whose
         * only statement provably only reads costs one round trip, not two (the default); false: BEGIN with the first.
         */
        private boolean deferBegin = true;

        public boolean isDeferBegin() {
            return deferBegin;
        }

        public void setDeferBegin(boolean deferBegin) {
            this.deferBegin = deferBegin;
        }

        /**
         * Where a statement outside a transaction (autocommit on) goes on a connection that is not read-only:
         * {@code primary}, or {@code replica} for statements that provably only read (plain SELECT and the like; a
         * connection that ran anything else stays on the primary).
         */
        private String autocommitReads = dev.replicaware.config.RoutingConfig.DEFAULT_AUTOCOMMIT_READS.configName();

        public String getAutocommitReads() {
            return autocommitReads;
        }

        public void setAutocommitReads(String autocommitReads) {
            this.autocommitReads = autocommitReads;
        }

        public String getLoadBalance() {
            return loadBalance;
        }

        public void setLoadBalance(String loadBalance) {
            this.loadBalance = loadBalance;
        }

        public Duration getMaxLag() {
            return maxLag;
        }

        public void setMaxLag(Duration maxLag) {
            this.maxLag = maxLag;
        }

        public boolean isFallbackToPrimary() {
            return fallbackToPrimary;
        }

        public void setFallbackToPrimary(boolean fallbackToPrimary) {
            this.fallbackToPrimary = fallbackToPrimary;
        }

        public String getReadConsistency() {
            return readConsistency;
        }

        public void setReadConsistency(String readConsistency) {
            this.readConsistency = readConsistency;
        }

        public Duration getFailureBackoff() {
            return failureBackoff;
        }

        public void setFailureBackoff(Duration failureBackoff) {
            this.failureBackoff = failureBackoff;
        }

        public String getReadYourWrites() {
            return readYourWrites;
        }

        public void setReadYourWrites(String readYourWrites) {
            this.readYourWrites = readYourWrites;
        }

        public Duration getReadYourWritesTimeout() {
            return readYourWritesTimeout;
        }

        public void setReadYourWritesTimeout(Duration readYourWritesTimeout) {
            this.readYourWritesTimeout = readYourWritesTimeout;
        }

        public String getReadYourWritesWait() {
            return readYourWritesWait;
        }

        public void setReadYourWritesWait(String readYourWritesWait) {
            this.readYourWritesWait = readYourWritesWait;
        }
    }

    /** How the topology monitor probes nodes. */
    public static class Health {

        /** Time between two probes of one node. */
        private Duration interval = dev.replicaware.config.HealthConfig.DEFAULT_INTERVAL;

        /** Connect and socket timeout of a probe connection. */
        private Duration timeout = dev.replicaware.config.HealthConfig.DEFAULT_TIMEOUT;

        /** Consecutive failed probes before a node is DOWN and gets no requests. */
        private int failuresBeforeDown = dev.replicaware.config.HealthConfig.DEFAULT_FAILURES_BEFORE_DOWN;

        /** Consecutive good probes before a DOWN node gets requests again. */
        private int successesBeforeUp = dev.replicaware.config.HealthConfig.DEFAULT_SUCCESSES_BEFORE_UP;

        public Duration getInterval() {
            return interval;
        }

        public void setInterval(Duration interval) {
            this.interval = interval;
        }

        public Duration getTimeout() {
            return timeout;
        }

        public void setTimeout(Duration timeout) {
            this.timeout = timeout;
        }

        public int getFailuresBeforeDown() {
            return failuresBeforeDown;
        }

        public void setFailuresBeforeDown(int failuresBeforeDown) {
            this.failuresBeforeDown = failuresBeforeDown;
        }

        public int getSuccessesBeforeUp() {
            return successesBeforeUp;
        }

        public void setSuccessesBeforeUp(int successesBeforeUp) {
            this.successesBeforeUp = successesBeforeUp;
        }
    }

    /** Patroni's REST API ({@code replicaware.failover.patroni.*}). */
    public static class Patroni {

        /** The REST API of each Patroni member, such as http://db1:8008; any one that answers serves. */
        private java.util.List<String> urls = new java.util.ArrayList<>();

        public java.util.List<String> getUrls() {
            return urls;
        }

        public void setUrls(java.util.List<String> urls) {
            this.urls = urls;
        }
    }

    /** What happens when the primary is lost. */
    public static class Failover {

        /**
         * Who promotes a replica: {@code external} (an orchestrator does; Replicaware follows what the servers say),
         * {@code automatic} (Replicaware does, with the admin user) or {@code disabled} (writes fail until the primary is back).
         */
        private String mode = "external";

        /**
         * The furthest a candidate may be behind the last known primary position and still be promoted, in the
         * database's unit (bytes of WAL for PostgreSQL, transactions for GTID); the database family's default when not set.
         */
        private Long maxLagOnFailover;

        /** How long a write waits for a primary to appear before it fails with NoPrimaryAvailableException. */
        private Duration writeWait = dev.replicaware.config.FailoverConfig.DEFAULT_WRITE_WAIT;

        /** The user that promotes, re-points and fences; separate from the application's. Needed by automatic mode. */
        private String adminUsername;

        /** That user's password. Never shown. */
        private String adminPassword;

        /**
         * After Replicaware's own failover, turn a former primary that comes back into a replica of the new primary
         * when that is safe (MariaDB/MySQL by GTID; PostgreSQL reports that it needs pg_rewind or a new base backup).
         */
        private boolean rejoin;

        /** Patroni's REST API, read beside the probes when the mode is external. */
        private final Patroni patroni = new Patroni();

        public boolean isRejoin() {
            return rejoin;
        }

        public void setRejoin(boolean rejoin) {
            this.rejoin = rejoin;
        }

        public Patroni getPatroni() {
            return patroni;
        }

        public String getMode() {
            return mode;
        }

        public void setMode(String mode) {
            this.mode = mode;
        }

        public Long getMaxLagOnFailover() {
            return maxLagOnFailover;
        }

        public void setMaxLagOnFailover(Long maxLagOnFailover) {
            this.maxLagOnFailover = maxLagOnFailover;
        }

        public Duration getWriteWait() {
            return writeWait;
        }

        public void setWriteWait(Duration writeWait) {
            this.writeWait = writeWait;
        }

        public String getAdminUsername() {
            return adminUsername;
        }

        public void setAdminUsername(String adminUsername) {
            this.adminUsername = adminUsername;
        }

        public String getAdminPassword() {
            return adminPassword;
        }

        public void setAdminPassword(String adminPassword) {
            this.adminPassword = adminPassword;
        }
    }
}
