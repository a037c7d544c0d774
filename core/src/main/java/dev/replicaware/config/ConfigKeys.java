package dev.replicaware.config;

import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The one vocabulary of a cluster's settings, as YAML files (and, under the prefix {@code replicaware.}, Spring
 * properties) spell them. {@link YamlConfig} reads it; a properties binder can reuse it, so that a key is named in one
 * place. Every setting, its type and default is listed in {@code docs/configuration.md}.
 *
 * <p>Paths join keys with dots and index lists with brackets: {@code replicas[1].pool.maximumPoolSize}.
 */
public final class ConfigKeys {
    private ConfigKeys() {}

    // The top level.
    public static final String CLUSTER = "cluster";
    public static final String USERNAME = "username";
    public static final String PASSWORD = "password";
    public static final String PRIMARY = "primary";
    public static final String REPLICAS = "replicas";
    public static final String POOL = "pool";
    public static final String ROUTING = "routing";
    public static final String HEALTH = "health";
    public static final String FAILOVER = "failover";
    /** Reload when the file changes; YAML only. */
    public static final String WATCH = "watch";

    // A node: the primary, or one entry of replicas.
    public static final String NAME = "name";
    public static final String URL = "url";
    public static final String WEIGHT = "weight";
    public static final String PRIORITY = "priority";
    public static final String REPLICATION_HOST = "replicationHost";
    public static final String REPLICATION_PORT = "replicationPort";

    // Under pool: HikariCP's own names, plus driver properties as a nested mapping.
    /** Driver properties as a mapping; HikariCP's {@code dataSource.<name>} keys are accepted too. */
    public static final String DATA_SOURCE_PROPERTIES = "dataSourceProperties";
    /** HikariCP's prefix of a driver property in flat form. */
    public static final String DATA_SOURCE_PREFIX = "dataSource.";

    // Under routing.
    public static final String LOAD_BALANCE = "loadBalance";
    public static final String READ_CONSISTENCY = "readConsistency";
    public static final String FAILURE_BACKOFF = "failureBackoff";
    public static final String MAX_LAG = "maxLag";
    public static final String FALLBACK_TO_PRIMARY = "fallbackToPrimary";
    public static final String AUTOCOMMIT_READS = "autocommitReads";
    public static final String READ_YOUR_WRITES = "readYourWrites";
    public static final String READ_YOUR_WRITES_TIMEOUT = "readYourWritesTimeout";
    public static final String READ_YOUR_WRITES_WAIT = "readYourWritesWait";
    public static final String DEFER_BEGIN = "deferBegin";

    // Under health.
    public static final String INTERVAL = "interval";
    public static final String TIMEOUT = "timeout";
    public static final String FAILURES_BEFORE_DOWN = "failuresBeforeDown";
    public static final String SUCCESSES_BEFORE_UP = "successesBeforeUp";

    // Under failover.
    public static final String MODE = "mode";
    public static final String MAX_LAG_ON_FAILOVER = "maxLagOnFailover";
    public static final String WRITE_WAIT = "writeWait";
    public static final String ADMIN_USERNAME = "adminUsername";
    public static final String ADMIN_PASSWORD = "adminPassword";
    public static final String REJOIN = "rejoin";
    public static final String PATRONI = "patroni";
    /** Under failover.patroni. */
    public static final String URLS = "urls";

    /** {@code maxLag: none}: no lag bound. */
    public static final String NONE = "none";

    /** The keys of the top level, in documentation order. */
    public static final List<String> CLUSTER_KEYS =
            List.of(CLUSTER, USERNAME, PASSWORD, PRIMARY, REPLICAS, POOL, ROUTING, HEALTH, FAILOVER, WATCH);
    /** The keys of a node. */
    public static final List<String> NODE_KEYS =
            List.of(NAME, URL, USERNAME, PASSWORD, WEIGHT, PRIORITY, REPLICATION_HOST, REPLICATION_PORT, POOL);
    /** The keys under {@code routing}. */
    public static final List<String> ROUTING_KEYS =
            List.of(LOAD_BALANCE, READ_CONSISTENCY, MAX_LAG, FALLBACK_TO_PRIMARY, FAILURE_BACKOFF, AUTOCOMMIT_READS,
                    READ_YOUR_WRITES, READ_YOUR_WRITES_TIMEOUT, READ_YOUR_WRITES_WAIT, DEFER_BEGIN);
    /** The keys under {@code health}. */
    public static final List<String> HEALTH_KEYS = List.of(INTERVAL, TIMEOUT, FAILURES_BEFORE_DOWN, SUCCESSES_BEFORE_UP);
    /** The keys under {@code failover}. */
    public static final List<String> FAILOVER_KEYS =
            List.of(MODE, MAX_LAG_ON_FAILOVER, WRITE_WAIT, ADMIN_USERNAME, ADMIN_PASSWORD, REJOIN, PATRONI);
    /** The keys under {@code failover.patroni}. */
    public static final List<String> PATRONI_KEYS = List.of(URLS);

    /** HikariCP settings counted in milliseconds: under {@code pool} they also take durations ({@code 30s}). */
    public static final Set<String> POOL_DURATION_KEYS = Set.of("connectionTimeout", "idleTimeout", "maxLifetime",
            "validationTimeout", "leakDetectionThreshold", "keepaliveTime");

    /** Every HikariCP setting a user may give under {@code pool} (HikariCP's names; Replicaware sets the others). */
    public static List<String> poolKeys() {
        return ClusterConfig.poolKeys();
    }

    /**
     * The path in this vocabulary of a problem that {@link ClusterConfig} reports in its own: {@code name} is
     * {@code cluster}, {@code routing.strategy} is {@code routing.loadBalance}, {@code pool.dataSource.ssl} is
     * {@code pool.dataSourceProperties.ssl}.
     */
    public static String fromRecordPath(String path) {
        if (path == null) {
            return "";
        }
        if (path.equals("name")) {
            return CLUSTER;
        }
        if (path.equals("routing.strategy")) {
            return ROUTING + "." + LOAD_BALANCE;
        }
        int at = path.indexOf(POOL + "." + DATA_SOURCE_PREFIX);
        if (at >= 0 && (at == 0 || path.charAt(at - 1) == '.')) {
            return path.substring(0, at) + POOL + "." + DATA_SOURCE_PROPERTIES + "."
                    + path.substring(at + POOL.length() + 1 + DATA_SOURCE_PREFIX.length());
        }
        return path;
    }

    /**
     * The known key nearest to {@code unknown}, if it is near enough to be the likely meaning ({@code replica} gives
     * {@code replicas}, {@code maximumPoolSiz} gives {@code maximumPoolSize}), or {@code null}.
     */
    public static String nearest(String unknown, Collection<String> known) {
        String u = unknown.toLowerCase(Locale.ROOT);
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String k : known) {
            int d = distance(u, k.toLowerCase(Locale.ROOT));
            if (d < bestDistance) {
                best = k;
                bestDistance = d;
            }
        }
        if (best == null) {
            return null;
        }
        int allowed = Math.max(2, Math.min(unknown.length(), best.length()) / 3);
        return bestDistance <= allowed ? best : null;
    }

    /** Levenshtein distance, with a swap of two neighbours counting as one edit. */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
