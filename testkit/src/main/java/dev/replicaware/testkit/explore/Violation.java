package dev.replicaware.testkit.explore;

/**
 * An invariant a schedule broke.
 *
 * @param kind     which invariant
 * @param atMillis when, from the start of the fault span (negative: before it; -1 when it has no moment)
 * @param detail   what was observed, naming nodes, instances and ids
 */
public record Violation(Kind kind, long atMillis, String detail) {

    /** The invariants the explorer checks after every schedule. */
    public enum Kind {
        /** A write whose commit returned is not on the primary at the end (beyond the allowed bound). */
        ACKNOWLEDGED_WRITE_LOST,
        /** Two nodes took writes at the same moment, sampled from the servers. */
        TWO_WRITABLE_PRIMARIES,
        /** An instance acknowledged no write within the bound after every fault healed. */
        WRITES_DID_NOT_RESUME,
        /** At the end, not exactly one node takes writes. */
        NO_SINGLE_PRIMARY,
        /** At the end, a node neither follows the primary nor is reported as needing a rewind or re-clone. */
        REPLICA_NOT_FOLLOWING,
        /** A read-your-writes read did not see a write its instance had acknowledged before it began. */
        STALE_READ,
        /** Connections still in use in an instance's pools once the load stopped. */
        CONNECTION_LEAKED,
        /** A worker thread did not return after the load stopped. */
        WORKER_STUCK,
        /** The schedule could not be set up or run (the cluster did not start, no write succeeded before the faults). */
        HARNESS
    }

    @Override
    public String toString() {
        return kind + (atMillis == -1 ? "" : " at +" + atMillis + " ms") + ": " + detail;
    }
}
