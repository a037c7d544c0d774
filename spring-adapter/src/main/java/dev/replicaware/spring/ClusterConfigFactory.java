package dev.replicaware.spring;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.util.PropertyElf;
import dev.replicaware.ReadConsistency;
import dev.replicaware.config.ClusterConfig;
import dev.replicaware.config.ConfigException;
import dev.replicaware.config.FailoverConfig;
import dev.replicaware.config.HealthConfig;
import dev.replicaware.config.NodeConfig;
import dev.replicaware.config.RoutingConfig;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.springframework.boot.convert.DurationStyle;

/**
 * Turns the bound {@link ReplicawareProperties} into a core {@link ClusterConfig} through its builder, so that every
 * value is checked in one place, core's. The few values that are text here ({@code load-balance},
 * {@code read-consistency}, {@code failover.mode}) are parsed first; their problems and core's are reported together,
 * each under its Spring property name, as an {@link InvalidReplicawareConfigurationException}.
 */
final class ClusterConfigFactory {
    static final String PREFIX = "replicaware.";

    /** HikariCP's property names by their relaxed form: lower case, without dashes or underscores. */
    private static final Map<String, String> HIKARI_NAMES = new HashMap<>();

    static {
        for (String name : PropertyElf.getPropertyNames(HikariConfig.class)) {
            HIKARI_NAMES.put(relaxed(name), name);
        }
    }

    private ClusterConfigFactory() {}

    static ClusterConfig create(ReplicawareProperties p) {
        List<ConfigException.Problem> problems = new ArrayList<>();
        ClusterConfig.Builder builder = ClusterConfig.builder(p.getCluster())
                .username(p.getUsername())
                .password(p.getPassword())
                .pool(hikariNames(p.getPool()))
                .primary(node(p.getPrimary()));
        for (ReplicawareProperties.Node replica : p.getReplicas()) {
            builder.replica(replica == null ? null : node(replica));
        }
        ReplicawareProperties.Routing routing = p.getRouting();
        RoutingConfig.Strategy strategy = RoutingConfig.Strategy.parse(routing.getLoadBalance()).orElse(null);
        if (strategy == null) {
            problems.add(new ConfigException.Problem("routing.loadBalance", "unknown strategy " + quote(routing.getLoadBalance())
                    + "; expected one of " + RoutingConfig.Strategy.names()));
        } else {
            builder.strategy(strategy);
        }
        ReadConsistency consistency = readConsistency(routing.getReadConsistency());
        if (consistency == null) {
            problems.add(new ConfigException.Problem("routing.readConsistency", "unknown consistency "
                    + quote(routing.getReadConsistency()) + "; expected any, primary, read-your-writes, or a duration such as 2s or 500ms"));
        } else {
            builder.readConsistency(consistency);
        }
        builder.maxLag(routing.getMaxLag())
                .fallbackToPrimary(routing.isFallbackToPrimary())
                .failureBackoff(routing.getFailureBackoff());
        RoutingConfig.ReadYourWrites readYourWrites = routing.getReadYourWrites() == null ? RoutingConfig.ReadYourWrites.INSTANCE
                : RoutingConfig.ReadYourWrites.parse(routing.getReadYourWrites()).orElse(null);
        if (readYourWrites == null) {
            problems.add(new ConfigException.Problem("routing.readYourWrites", "unknown scope "
                    + quote(routing.getReadYourWrites()) + "; expected instance, session or off"));
        } else {
            builder.readYourWrites(readYourWrites);
        }
        builder.readYourWritesTimeout(routing.getReadYourWritesTimeout());
        builder.deferBegin(routing.isDeferBegin());
        RoutingConfig.ReadYourWritesWait readYourWritesWait = routing.getReadYourWritesWait() == null
                ? RoutingConfig.ReadYourWritesWait.NEVER
                : RoutingConfig.ReadYourWritesWait.parse(routing.getReadYourWritesWait()).orElse(null);
        if (readYourWritesWait == null) {
            problems.add(new ConfigException.Problem("routing.readYourWritesWait", "must be never or always, but was "
                    + quote(routing.getReadYourWritesWait())));
        } else {
            builder.readYourWritesWait(readYourWritesWait);
        }
        RoutingConfig.AutocommitReads autocommitReads = RoutingConfig.AutocommitReads.parse(routing.getAutocommitReads()).orElse(null);
        if (autocommitReads == null) {
            problems.add(new ConfigException.Problem("routing.autocommitReads", "must be primary or replica, but was "
                    + quote(routing.getAutocommitReads())));
        } else {
            builder.autocommitReads(autocommitReads);
        }
        ReplicawareProperties.Health health = p.getHealth();
        builder.health(new HealthConfig(health.getInterval(), health.getTimeout(), health.getFailuresBeforeDown(),
                health.getSuccessesBeforeUp()));
        ReplicawareProperties.Failover failover = p.getFailover();
        FailoverConfig.Mode mode = mode(failover.getMode());
        if (mode == null) {
            problems.add(new ConfigException.Problem("failover.mode", "unknown mode " + quote(failover.getMode())
                    + "; expected automatic, external or disabled"));
        }
        builder.failover(new FailoverConfig(mode, failover.getMaxLagOnFailover(), failover.getWriteWait(),
                failover.getAdminUsername(), failover.getAdminPassword(), failover.isRejoin(),
                new dev.replicaware.config.PatroniConfig(failover.getPatroni().getUrls())));
        try {
            ClusterConfig config = builder.build();
            if (problems.isEmpty()) {
                return config;
            }
        } catch (ConfigException e) {
            problems.addAll(e.problems());
        }
        throw new InvalidReplicawareConfigurationException(p.getCluster(), problems.stream()
                .map(problem -> new InvalidReplicawareConfigurationException.Problem(propertyName(problem.path()), problem.message()))
                .toList());
    }

    private static NodeConfig node(ReplicawareProperties.Node n) {
        return new NodeConfig(n.getName(), n.getUrl(), n.getUsername(), n.getPassword(), hikariNames(n.getPool()),
                n.getWeight(), n.getPriority(), n.getReplicationHost(), n.getReplicationPort());
    }

    /**
     * Pool settings under HikariCP's own names: Spring's relaxed forms ({@code maximum-pool-size}, an environment
     * variable's {@code maximumpoolsize}) become {@code maximumPoolSize}; {@code data-source.x} becomes {@code dataSource.x}
     * with the driver property left as written. Unknown names pass through for core to report.
     */
    static Map<String, String> hikariNames(Map<String, String> pool) {
        Map<String, String> named = new LinkedHashMap<>();
        if (pool == null) {
            return named;
        }
        pool.forEach((key, value) -> named.put(hikariName(key), value));
        return named;
    }

    static String hikariName(String key) {
        if (key == null) {
            return null;
        }
        int dot = key.indexOf('.');
        String head = dot < 0 ? key : key.substring(0, dot);
        String known = HIKARI_NAMES.get(relaxed(head));
        String name = known != null ? known : camelCase(head);
        return dot < 0 ? name : name + "." + key.substring(dot + 1);
    }

    private static String relaxed(String name) {
        return name.replace("-", "").replace("_", "").toLowerCase(Locale.ROOT);
    }

    private static String camelCase(String name) {
        StringBuilder out = new StringBuilder(name.length());
        boolean upper = false;
        for (char c : name.toCharArray()) {
            if (c == '-' || c == '_') {
                upper = out.length() > 0;
            } else {
                out.append(upper ? Character.toUpperCase(c) : c);
                upper = false;
            }
        }
        return out.toString();
    }

    /** {@code any}, {@code primary}, or a duration for bounded staleness; null when none of these. */
    static ReadConsistency readConsistency(String value) {
        if (value == null || value.isBlank()) {
            return ReadConsistency.ANY;
        }
        ReadConsistency named = ReadConsistency.parse(value).orElse(null);
        if (named != null) {
            return named;
        }
        try {
            Duration staleness = DurationStyle.detectAndParse(value.trim());
            return staleness.isNegative() ? null : ReadConsistency.boundedStaleness(staleness);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static FailoverConfig.Mode mode(String value) {
        if (value == null || value.isBlank()) {
            return FailoverConfig.Mode.EXTERNAL;
        }
        return FailoverConfig.Mode.parse(value).orElse(null);
    }

    /**
     * Core's path of a setting as the Spring property a user writes: {@code replicas[1].pool.maxLifetime} is
     * {@code replicaware.replicas[1].pool.max-lifetime}; core's {@code name} is {@code replicaware.cluster} and its
     * {@code routing.strategy} is {@code replicaware.routing.load-balance}. Driver properties keep their case.
     */
    static String propertyName(String path) {
        if (path == null || path.isEmpty()) {
            return "replicaware";
        }
        if (path.equals("name")) {
            return PREFIX + "cluster";
        }
        if (path.equals("routing.strategy")) {
            return PREFIX + "routing.load-balance";
        }
        StringBuilder out = new StringBuilder(PREFIX);
        String[] segments = path.split("\\.");
        boolean driverProperty = false;
        for (int i = 0; i < segments.length; i++) {
            String segment = segments[i];
            out.append(i == 0 ? "" : ".");
            out.append(driverProperty ? segment : kebabCase(segment));
            driverProperty = segment.equals("dataSource") && i > 0 && segments[i - 1].equals("pool");
        }
        return out.toString();
    }

    private static String kebabCase(String segment) {
        StringBuilder out = new StringBuilder(segment.length() + 4);
        for (char c : segment.toCharArray()) {
            if (Character.isUpperCase(c)) {
                out.append('-').append(Character.toLowerCase(c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static String quote(String value) {
        return value == null ? "null" : "'" + value + "'";
    }
}
