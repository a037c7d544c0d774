package dev.replicaware.dialect;

/** What a server says it is: the observed role, which wins over the configured one. */
public enum Role {
    /** Accepts writes. */
    PRIMARY,
    /** Read-only, applying changes from a primary. */
    REPLICA,
    /** Reachable, but what it is cannot be told (generic JDBC mode). */
    UNKNOWN
}
