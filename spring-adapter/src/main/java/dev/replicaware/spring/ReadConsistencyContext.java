package dev.replicaware.spring;

import dev.replicaware.ReadConsistency;

/**
 * The read consistency that an annotated method in progress on this thread asks for; {@code null} outside one.
 * Set by {@link ReadConsistencyInterceptor}, read by the auto-configured DataSource when it hands out a connection.
 */
final class ReadConsistencyContext {
    private static final ThreadLocal<ReadConsistency> CURRENT = new ThreadLocal<>();

    private ReadConsistencyContext() {}

    static ReadConsistency current() {
        return CURRENT.get();
    }

    /** Sets {@code consistency} for this thread and returns what was there, for the caller to restore. */
    static ReadConsistency replace(ReadConsistency consistency) {
        ReadConsistency previous = CURRENT.get();
        if (consistency == null) {
            CURRENT.remove();
        } else {
            CURRENT.set(consistency);
        }
        return previous;
    }
}
