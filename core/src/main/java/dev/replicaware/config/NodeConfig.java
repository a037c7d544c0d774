package dev.replicaware.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One database server: its name, JDBC URL, optional credentials and pool settings that override the cluster's, and
 * its weight for the weighted strategy.
 *
 * @param name     the node's name in pool names, metrics and messages; {@code null} or blank means {@code host:port} from the URL
 * @param url      the JDBC URL of this server
 * @param username overrides the cluster's user name; {@code null} to inherit it
 * @param password overrides the cluster's password; {@code null} to inherit it
 * @param pool     HikariCP settings by HikariCP's own property names, overriding the cluster's {@code pool}; never {@code null}
 * @param weight   the share of reads for the weighted strategy, 1 to {@value #MAX_WEIGHT}; ignored by other strategies
 * @param priority failover preference among replicas equally far ahead: higher is preferred; default 0
 * @param replicationHost the host other servers use to reach this one for replication, when it differs from the
 *                        URL's (a private network, a proxy in front of the application); {@code null}: the URL's host
 * @param replicationPort the port for replication, 0: the URL's port
 */
public record NodeConfig(String name, String url, String username, String password, Map<String, String> pool, int weight,
                         int priority, String replicationHost, int replicationPort) {
    /** The weight of a node that names none. */
    public static final int DEFAULT_WEIGHT = 1;
    /** The largest weight accepted. */
    public static final int MAX_WEIGHT = 1000;

    public NodeConfig {
        if (name == null || name.isBlank()) {
            name = defaultName(url);
        }
        pool = pool == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(pool));
    }

    /** A node with default failover settings: priority 0, replication through the URL's host and port. */
    public NodeConfig(String name, String url, String username, String password, Map<String, String> pool, int weight) {
        this(name, url, username, password, pool, weight, 0, null, 0);
    }

    /** A node with only a URL: name from {@code host:port}, the cluster's credentials and pool, weight 1. */
    public static NodeConfig of(String url) {
        return new NodeConfig(null, url, null, null, Map.of(), DEFAULT_WEIGHT);
    }

    /** A named node with the cluster's credentials and pool, weight 1. */
    public static NodeConfig of(String name, String url) {
        return new NodeConfig(name, url, null, null, Map.of(), DEFAULT_WEIGHT);
    }

    /** This node with another weight. */
    public NodeConfig withWeight(int weight) {
        return new NodeConfig(name, url, username, password, pool, weight, priority, replicationHost, replicationPort);
    }

    /**
     * The name a node gets when none is given: {@code host:port} of the URL's authority ({@code jdbc:postgresql://db1:5432/app}
     * gives {@code db1:5432}); for a URL without one, what follows the subprotocol ({@code jdbc:stub:alpha} gives {@code alpha}).
     * {@code null} when the URL is null or blank.
     */
    static String defaultName(String url) {
        if (url == null || url.isBlank()) {
            return null;
        }
        int slashes = url.indexOf("//");
        if (slashes >= 0) {
            int start = slashes + 2;
            int end = start;
            while (end < url.length() && "/?;".indexOf(url.charAt(end)) < 0) {
                end++;
            }
            String authority = url.substring(start, end);
            int at = authority.lastIndexOf('@');
            authority = at >= 0 ? authority.substring(at + 1) : authority;
            if (!authority.isEmpty()) {
                return authority;
            }
        }
        String rest = url.startsWith("jdbc:") ? url.substring(5) : url;
        int colon = rest.indexOf(':');
        rest = colon >= 0 ? rest.substring(colon + 1) : rest;
        int end = 0;
        while (end < rest.length() && "?;&".indexOf(rest.charAt(end)) < 0) {
            end++;
        }
        String name = rest.substring(0, end);
        return name.isEmpty() ? null : name;
    }

    @Override
    public String toString() {
        return Secrets.scrub("NodeConfig[name=" + name + ", url=" + Secrets.maskUrl(url) + ", username=" + username
                + ", password=" + Secrets.maskPassword(password) + ", pool=" + ClusterConfig.maskPool(pool) + ", weight=" + weight + ", priority=" + priority
                + (replicationHost == null ? "" : ", replicationHost=" + replicationHost)
                + (replicationPort == 0 ? "" : ", replicationPort=" + replicationPort) + "]");
    }
}
