package dev.replicaware;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * What a read-only request accepts to read from. Set per DataSource ({@code routing.readConsistency}) and per
 * connection ({@link ReplicaAwareConnection#setReadConsistency}).
 *
 * <p>{@link #PRIMARY}, {@link #ANY} (within {@code routing.maxLag}) and {@link #boundedStaleness(Duration)}; read-your-writes
 * will be a further {@link Level} carried by this same type.
 */
public final class ReadConsistency {

    /** The kinds of consistency. */
    public enum Level {
        /** Read from the primary only. */
        PRIMARY,
        /** Read from any replica that can serve within {@code routing.maxLag}. */
        ANY,
        /** Read from a replica no further behind than {@link #maxStaleness()} (and {@code routing.maxLag}). */
        BOUNDED_STALENESS
    }

    /** Reads go to the primary even when read-only. */
    public static final ReadConsistency PRIMARY = new ReadConsistency(Level.PRIMARY);

    /** Read-only requests go to any replica that can serve: the default. */
    public static final ReadConsistency ANY = new ReadConsistency(Level.ANY);

    private final Level level;
    private final Duration maxStaleness;

    private ReadConsistency(Level level) {
        this(level, null);
    }

    private ReadConsistency(Level level, Duration maxStaleness) {
        this.level = level;
        this.maxStaleness = maxStaleness;
    }

    /**
     * Reads from replicas at most {@code maxStaleness} behind the primary, as measured by the monitor; when none is,
     * the primary (with {@code fallbackToPrimary}) or an error.
     */
    public static ReadConsistency boundedStaleness(Duration maxStaleness) {
        if (maxStaleness == null || maxStaleness.isNegative()) {
            throw new IllegalArgumentException("maxStaleness must be zero or positive, but was " + maxStaleness);
        }
        return new ReadConsistency(Level.BOUNDED_STALENESS, maxStaleness);
    }

    public Level level() {
        return level;
    }

    /** The staleness bound of {@link Level#BOUNDED_STALENESS}; null for the other levels. */
    public Duration maxStaleness() {
        return maxStaleness;
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

    /** The consistency of that name, case-insensitive: {@code primary}, {@code any}; empty when unknown. */
    public static Optional<ReadConsistency> parse(String name) {
        if (name == null) {
            return Optional.empty();
        }
        return switch (name.trim().toUpperCase(Locale.ROOT)) {
            case "PRIMARY" -> Optional.of(PRIMARY);
            case "ANY" -> Optional.of(ANY);
            default -> Optional.empty();
        };
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ReadConsistency other && level == other.level && Objects.equals(maxStaleness, other.maxStaleness);
    }

    @Override
    public int hashCode() {
        return Objects.hash(level, maxStaleness);
    }

    @Override
    public String toString() {
        return maxStaleness == null ? level.name() : level.name() + "(" + maxStaleness + ")";
    }
}
