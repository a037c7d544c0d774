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
 * @param readYourWrites    which commits reads must see: every commit of this DataSource ({@link ReadYourWrites#INSTANCE},
 *                          the default), those of connections that ask ({@link ReadYourWrites#SESSION}), or none read
 *                          ({@link ReadYourWrites#OFF})
 * @param readYourWritesTimeout how long a read that must see a commit waits for a replica to replay it before it reads
 *                          from the primary, with {@link ReadYourWritesWait#ALWAYS}
 * @param readYourWritesWait whether such a read waits on a replica ({@link ReadYourWritesWait#ALWAYS}) or goes to the
 *                          primary at once when no replica is known to have replayed the commit
 *                          ({@link ReadYourWritesWait#NEVER}, the default)
 * @param deferBegin        PostgreSQL: a read-only transaction at READ COMMITTED sends its BEGIN with its second
 *                          statement, so one whose only statement provably only reads runs it without BEGIN and COMMIT:
 *                          one round trip instead of two (the default; false: BEGIN with the first statement, as the
 *                          driver does)
 */
public record RoutingConfig(Strategy strategy, boolean fallbackToPrimary, ReadConsistency readConsistency, Duration failureBackoff,
                            Duration maxLag, AutocommitReads autocommitReads, ReadYourWrites readYourWrites,
                            Duration readYourWritesTimeout, ReadYourWritesWait readYourWritesWait, boolean deferBegin) {

    /** Without the deferred BEGIN setting: its default, on. */
    public RoutingConfig(Strategy strategy, boolean fallbackToPrimary, ReadConsistency readConsistency, Duration failureBackoff,
                         Duration maxLag, AutocommitReads autocommitReads, ReadYourWrites readYourWrites,
                         Duration readYourWritesTimeout, ReadYourWritesWait readYourWritesWait) {
        this(strategy, fallbackToPrimary, readConsistency, failureBackoff, maxLag, autocommitReads, readYourWrites,
                readYourWritesTimeout, readYourWritesWait, true);
    }

    /** Without the wait setting: its default, {@link ReadYourWritesWait#NEVER}. */
    public RoutingConfig(Strategy strategy, boolean fallbackToPrimary, ReadConsistency readConsistency, Duration failureBackoff,
                         Duration maxLag, AutocommitReads autocommitReads, ReadYourWrites readYourWrites,
                         Duration readYourWritesTimeout) {
        this(strategy, fallbackToPrimary, readConsistency, failureBackoff, maxLag, autocommitReads, readYourWrites,
                readYourWritesTimeout, null);
    }

    /**
     * The default wait for a replica to replay a commit a read must see: 1 s. A healthy replica replays within
     * milliseconds; one that needs longer is better skipped for the primary than waited on.
     */
    public static final Duration DEFAULT_READ_YOUR_WRITES_TIMEOUT = Duration.ofSeconds(1);

    /** Without the autocommit-read and read-your-writes settings: their defaults. */
    public RoutingConfig(Strategy strategy, boolean fallbackToPrimary, ReadConsistency readConsistency, Duration failureBackoff,
                         Duration maxLag) {
        this(strategy, fallbackToPrimary, readConsistency, failureBackoff, maxLag, null, null, null);
    }

    /** Without the read-your-writes settings: their defaults. */
    public RoutingConfig(Strategy strategy, boolean fallbackToPrimary, ReadConsistency readConsistency, Duration failureBackoff,
                         Duration maxLag, AutocommitReads autocommitReads) {
        this(strategy, fallbackToPrimary, readConsistency, failureBackoff, maxLag, autocommitReads, null, null);
    }

    /** Without the autocommit-read setting: its default. */
    public RoutingConfig(Strategy strategy, boolean fallbackToPrimary, ReadConsistency readConsistency, Duration failureBackoff,
                         Duration maxLag, ReadYourWrites readYourWrites, Duration readYourWritesTimeout) {
        this(strategy, fallbackToPrimary, readConsistency, failureBackoff, maxLag, null, readYourWrites, readYourWritesTimeout);
    }

    /** The default: a replica that failed is skipped this long, so it stalls one read per period, not every read. */
    public static final Duration DEFAULT_FAILURE_BACKOFF = Duration.ofSeconds(5);

    /**
     * The default lag bound: 5 s. A healthy replica is well under a second behind; one that is 5 s behind is broken or
     * overloaded, and reads from it would surprise an application more than a read from the primary.
     */
    public static final Duration DEFAULT_MAX_LAG = Duration.ofSeconds(5);

    /** Statements outside transactions stay on the primary unless the application opts in: the default. */
    public static final AutocommitReads DEFAULT_AUTOCOMMIT_READS = AutocommitReads.PRIMARY;

    /**
     * Round-robin, fallback on, {@link ReadConsistency#ANY}, a 5 s back-off, a 5 s lag bound, autocommit reads on the
     * primary, instance read-your-writes.
     */
    public static final RoutingConfig DEFAULTS =
            new RoutingConfig(Strategy.ROUND_ROBIN, true, ReadConsistency.ANY, DEFAULT_FAILURE_BACKOFF, DEFAULT_MAX_LAG);

    public RoutingConfig {
        strategy = strategy == null ? Strategy.ROUND_ROBIN : strategy;
        readConsistency = readConsistency == null ? ReadConsistency.ANY : readConsistency;
        failureBackoff = failureBackoff == null ? DEFAULT_FAILURE_BACKOFF : failureBackoff;
        autocommitReads = autocommitReads == null ? DEFAULT_AUTOCOMMIT_READS : autocommitReads;
        readYourWrites = readYourWrites == null ? ReadYourWrites.INSTANCE : readYourWrites;
        readYourWritesTimeout = readYourWritesTimeout == null ? DEFAULT_READ_YOUR_WRITES_TIMEOUT : readYourWritesTimeout;
        readYourWritesWait = readYourWritesWait == null ? ReadYourWritesWait.NEVER : readYourWritesWait;
    }

    /**
     * What a read that must see a commit does when no replica is known to have replayed it yet (the
     * {@code routing.readYourWritesWait} setting); names are lower-case in configuration.
     */
    public enum ReadYourWritesWait {
        /**
         * It goes to the primary at once: a read never waits, so read-your-writes never makes a read slower than
         * reading from the primary. Replicas serve the reads that need a commit once they are known to have replayed
         * it (from the monitor's samples, and from a position refresh that such reads ask for, off the request path).
         * The default.
         */
        NEVER,
        /**
         * It waits on one replica, with the server's own wait, up to {@code routing.readYourWritesTimeout}, then goes
         * to the primary: more reads on replicas, each one slower by the replica's replay delay.
         */
        ALWAYS;

        /** The setting of that name, case-insensitive, or empty. */
        public static Optional<ReadYourWritesWait> parse(String name) {
            if (name == null) {
                return Optional.empty();
            }
            for (ReadYourWritesWait w : values()) {
                if (w.name().equalsIgnoreCase(name.trim())) {
                    return Optional.of(w);
                }
            }
            return Optional.empty();
        }

        /** The name in configuration files: {@code never}, {@code always}. */
        public String configName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Which commits reads must see (the {@code routing.readYourWrites} setting); names are lower-case in configuration. */
    public enum ReadYourWrites {
        /**
         * Every read on a replica sees every commit this DataSource acknowledged before the read began, whatever the
         * connection: what a web application needs when one request writes and the next one, on another connection,
         * reads. Costs a small query after each write transaction.
         */
        INSTANCE,
        /**
         * Reads of connections with {@link ReadConsistency#READ_YOUR_WRITES} see that connection's commits and the
         * {@link dev.replicaware.ConsistencyToken} they carry; other reads are not held back. Costs the same query.
         */
        SESSION,
        /** No commit positions are read; {@link ReadConsistency#READ_YOUR_WRITES} reads without a token go to the primary. */
        OFF;

        /** The setting of that name, case-insensitive, or empty. */
        public static Optional<ReadYourWrites> parse(String name) {
            if (name == null) {
                return Optional.empty();
            }
            for (ReadYourWrites r : values()) {
                if (r.name().equalsIgnoreCase(name.trim())) {
                    return Optional.of(r);
                }
            }
            return Optional.empty();
        }

        /** The name in configuration files: {@code instance}, {@code session}, {@code off}. */
        public String configName() {
            return name().toLowerCase(Locale.ROOT);
        }
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
        LOWEST_LAG("lowest-lag"),
        /**
         * One replica per application thread (its thread id picks it), the next only while that one cannot serve:
         * each worker keeps one server session warm instead of one per replica; the threads make the balance.
         */
        THREAD_AFFINITY("thread-affinity");

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
