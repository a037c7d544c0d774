package dev.replicaware.config;

import dev.replicaware.ReadConsistency;

import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * How reads are spread and what happens when a replica cannot serve.
 *
 * @param strategy          how a replica is chosen among the eligible ones
 * @param fallbackToPrimary when no replica can give a connection, read from the primary instead of failing
 * @param readConsistency   the consistency a connection asks for unless it sets its own
 * @param failureBackoff    how long a replica that failed to give a connection is skipped before it is tried again
 * @param maxLag            replicas further behind the primary than this serve no reads until they catch up; null: no bound
 * @param autocommitReads   where a statement that provably only reads goes when it runs outside a transaction on a
 *                          connection that is not read-only
 */
public record RoutingConfig(Strategy strategy, boolean fallbackToPrimary, ReadConsistency readConsistency, Duration failureBackoff,
                            Duration maxLag, AutocommitReads autocommitReads) {

    /** The default: a replica that failed is skipped this long, so it stalls one read per period, not every read. */
    public static final Duration DEFAULT_FAILURE_BACKOFF = Duration.ofSeconds(5);

    /**
     * The default lag bound: 5 s. A healthy replica is well under a second behind; one that is 5 s behind is broken or
     * overloaded, and reads from it would surprise an application more than a read from the primary.
     */
    public static final Duration DEFAULT_MAX_LAG = Duration.ofSeconds(5);

    /** Statements outside transactions stay on the primary unless the application opts in: the default. */
    public static final AutocommitReads DEFAULT_AUTOCOMMIT_READS = AutocommitReads.PRIMARY;

    /** Round-robin, fallback on, {@link ReadConsistency#ANY}, a 5 s back-off, a 5 s lag bound, autocommit reads on the primary. */
    public static final RoutingConfig DEFAULTS =
            new RoutingConfig(Strategy.ROUND_ROBIN, true, ReadConsistency.ANY, DEFAULT_FAILURE_BACKOFF, DEFAULT_MAX_LAG);

    public RoutingConfig {
        strategy = strategy == null ? Strategy.ROUND_ROBIN : strategy;
        readConsistency = readConsistency == null ? ReadConsistency.ANY : readConsistency;
        failureBackoff = failureBackoff == null ? DEFAULT_FAILURE_BACKOFF : failureBackoff;
        autocommitReads = autocommitReads == null ? DEFAULT_AUTOCOMMIT_READS : autocommitReads;
    }

    /** Autocommit reads on the primary ({@link #DEFAULT_AUTOCOMMIT_READS}). */
    public RoutingConfig(Strategy strategy, boolean fallbackToPrimary, ReadConsistency readConsistency, Duration failureBackoff,
                         Duration maxLag) {
        this(strategy, fallbackToPrimary, readConsistency, failureBackoff, maxLag, DEFAULT_AUTOCOMMIT_READS);
    }

    /**
     * Where a statement goes that runs outside a transaction (autocommit on) on a connection that is not read-only.
     * The names are what YAML and properties files use.
     */
    public enum AutocommitReads {
        /** Every such statement runs on the primary: the default. */
        PRIMARY("primary"),
        /**
         * A statement that provably only reads runs on a replica, under the connection's read consistency; everything
         * else, and everything after the connection ran anything else, runs on the primary.
         */
        REPLICA("replica");

        private final String configName;

        AutocommitReads(String configName) {
            this.configName = configName;
        }

        /** The name in configuration files: {@code primary} or {@code replica}. */
        public String configName() {
            return configName;
        }

        /** The value of that name, in any case; empty for any other. */
        public static Optional<AutocommitReads> parse(String name) {
            if (name == null) {
                return Optional.empty();
            }
            String key = name.trim().toLowerCase(Locale.ROOT);
            for (AutocommitReads a : values()) {
                if (a.configName.equals(key)) {
                    return Optional.of(a);
                }
            }
            return Optional.empty();
        }
    }

    /** How a replica is chosen; the names are what YAML and properties files use. */
    public enum Strategy {
        /** Each replica in turn: the default. */
        ROUND_ROBIN("round-robin"),
        /** A uniformly random replica. */
        RANDOM("random"),
        /** The replica whose pool has the fewest connections in use. */
        LEAST_ACTIVE("least-active"),
        /** Replicas in proportion to their {@link NodeConfig#weight()}. */
        WEIGHTED("weighted"),
        /** The replica the monitor last saw least behind the primary. */
        LOWEST_LAG("lowest-lag");

        private final String configName;

        Strategy(String configName) {
            this.configName = configName;
        }

        /** The name in configuration files, e.g. {@code round-robin}. */
        public String configName() {
            return configName;
        }

        /** The strategy of that name ({@code round-robin}, {@code ROUND_ROBIN} and {@code roundRobin} all work), or empty. */
        public static Optional<Strategy> parse(String name) {
            if (name == null) {
                return Optional.empty();
            }
            String key = name.trim().replace("_", "").replace("-", "").toLowerCase(Locale.ROOT);
            for (Strategy s : values()) {
                if (s.configName.replace("-", "").equals(key)) {
                    return Optional.of(s);
                }
            }
            return Optional.empty();
        }

        /** The accepted names, for messages. */
        public static String names() {
            return Arrays.stream(values()).map(Strategy::configName).collect(Collectors.joining(", "));
        }
    }
}
