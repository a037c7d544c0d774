package dev.replicaware;

import java.util.Locale;
import java.util.Optional;

/**
 * What a read-only request accepts to read from. Set per DataSource ({@code routing.readConsistency}) and per
 * connection ({@link ReplicaAwareConnection#setReadConsistency}).
 *
 * <p>Today: {@link #PRIMARY} and {@link #ANY}. Bounded staleness and read-your-writes come with the topology monitor,
 * as further {@link Level}s carried by this same type.
 */
public final class ReadConsistency {

    /** The kinds of consistency. */
    public enum Level {
        /** Read from the primary only. */
        PRIMARY,
        /** Read from any replica that can serve (later: within {@code routing.maxLag}). */
        ANY
    }

    /** Reads go to the primary even when read-only. */
    public static final ReadConsistency PRIMARY = new ReadConsistency(Level.PRIMARY);

    /** Read-only requests go to any replica that can serve: the default. */
    public static final ReadConsistency ANY = new ReadConsistency(Level.ANY);

    private final Level level;

    private ReadConsistency(Level level) {
        this.level = level;
    }

    public Level level() {
        return level;
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
    public String toString() {
        return level.name();
    }
}
