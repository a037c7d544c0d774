package dev.replicaware.dialect;

/** What a server says it is: the observed role, which wins over the configured one. */
public enum Role {
    /** Accepts writes. */
    PRIMARY,
    /** Read-only, applying changes from a primary. */
    REPLICA,
    /**
     * Not a replica, yet carrying Replicaware's fence (PostgreSQL: a former primary with
     * {@code default_transaction_read_only} on in its configuration file): it takes no writes and no instance counts it
     * as a primary, not only the one that fenced it.
     */
    FENCED,
    /** Reachable, but what it is cannot be told (generic JDBC mode). */
    UNKNOWN
}
