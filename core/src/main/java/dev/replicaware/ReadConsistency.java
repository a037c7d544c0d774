package dev.replicaware;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * What a read-only request accepts to read from. Set per DataSource ({@code routing.readConsistency}) and per
 * connection ({@link ReplicaAwareConnection#setReadConsistency}).
 *
 * <p>{@link #PRIMARY}, {@link #ANY} (within {@code routing.maxLag}), {@link #boundedStaleness(Duration)}, and
 * {@link #READ_YOUR_WRITES} / {@link #readYourWrites(ConsistencyToken)}: reads that see given writes (see
 * {@code routing.readYourWrites} for what the DataSource adds to every read).
 */
public final class ReadConsistency {

    /** The kinds of consistency. */
    public enum Level {
        /** Read from the primary only. */
        PRIMARY,
        /** Read from any replica that can serve within {@code routing.maxLag}. */
        ANY,
        /** Read from a replica no further behind than {@link #maxStaleness()} (and {@code routing.maxLag}). */
        BOUNDED_STALENESS,
        /**
         * Read from a replica known to have replayed this connection's last commit and the {@link #token()} given
         * (with {@code routing.readYourWritesWait: always}, else one that gets there within
         * {@code routing.readYourWritesTimeout}), else from the primary.
         */
        READ_YOUR_WRITES
    }

    /** Reads go to the primary even when read-only. */
    public static final ReadConsistency PRIMARY = new ReadConsistency(Level.PRIMARY);

    /** Read-only requests go to any replica that can serve: the default. */
    public static final ReadConsistency ANY = new ReadConsistency(Level.ANY);

    /** Reads see this connection's own commits (and, with {@code routing.readYourWrites: instance}, this DataSource's). */
    public static final ReadConsistency READ_YOUR_WRITES = new ReadConsistency(Level.READ_YOUR_WRITES);

    private final Level level;
    private final Duration maxStaleness;
    private final ConsistencyToken token;

    private ReadConsistency(Level level) {
        this(level, null, null);
    }

    private ReadConsistency(Level level, Duration maxStaleness, ConsistencyToken token) {
        this.level = level;
        this.maxStaleness = maxStaleness;
        this.token = token;
    }

    /**
     * {@link #READ_YOUR_WRITES} that also sees {@code token}: a commit made elsewhere (another connection, another
     * HTTP request of the same user) whose token the application carried here.
     */
    public static ReadConsistency readYourWrites(ConsistencyToken token) {
        if (token == null) {
            throw new IllegalArgumentException("token must not be null; use ReadConsistency.READ_YOUR_WRITES without one");
        }
        return new ReadConsistency(Level.READ_YOUR_WRITES, null, token);
    }

    /**
     * Reads from replicas at most {@code maxStaleness} behind the primary, as measured by the monitor; when none is,
     * the primary (with {@code fallbackToPrimary}) or an error.
     */
    public static ReadConsistency boundedStaleness(Duration maxStaleness) {
        if (maxStaleness == null || maxStaleness.isNegative()) {
            throw new IllegalArgumentException("maxStaleness must be zero or positive, but was " + maxStaleness);
        }
        return new ReadConsistency(Level.BOUNDED_STALENESS, maxStaleness, null);
    }

    public Level level() {
        return level;
    }

    /** The staleness bound of {@link Level#BOUNDED_STALENESS}; null for the other levels. */
    public Duration maxStaleness() {
        return maxStaleness;
    }

    /** The position reads must see beyond the connection's own commits ({@link #readYourWrites}); null otherwise. */
    public ConsistencyToken token() {
        return token;
    }

    /** The tighter of this request's bound and the cluster's {@code maxLag} (either may be null: no bound). */
    public Duration lagBound(Duration clusterMaxLag) {
        if (maxStaleness == null) {
            return clusterMaxLag;
        }
        return clusterMaxLag == null || maxStaleness.compareTo(clusterMaxLag) < 0 ? maxStaleness : clusterMaxLag;
    }

    /** True when a replica may serve a read-only request of this consistency. */
    public boolean allowsReplicas() {
        return level != Level.PRIMARY;
    }

    /**
     * The consistency of that name, case-insensitive: {@code primary}, {@code any}, {@code read-your-writes}; empty
     * when unknown.
     */
    public static Optional<ReadConsistency> parse(String name) {
        if (name == null) {
            return Optional.empty();
        }
        return switch (name.trim().toUpperCase(Locale.ROOT)) {
            case "PRIMARY" -> Optional.of(PRIMARY);
            case "ANY" -> Optional.of(ANY);
            case "READ-YOUR-WRITES", "READ_YOUR_WRITES", "READYOURWRITES" -> Optional.of(READ_YOUR_WRITES);
            default -> Optional.empty();
        };
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ReadConsistency other && level == other.level && Objects.equals(maxStaleness, other.maxStaleness)
                && Objects.equals(token, other.token);
    }

    @Override
    public int hashCode() {
        return Objects.hash(level, maxStaleness, token);
    }

    @Override
    public String toString() {
        return maxStaleness != null ? level.name() + "(" + maxStaleness + ")" : token != null ? level.name() + "(" + token + ")" : level.name();
    }
}
