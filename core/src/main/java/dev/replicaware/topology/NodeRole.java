package dev.replicaware.topology;

/** Internal: what a node is for. Today the configured role; the monitor will publish the observed one. */
public enum NodeRole {
    PRIMARY,
    REPLICA
}
