package dev.replicaware.routing;

/**
 * Hears a connection being made read-only after it had already taken a physical connection read-write: something
 * needed the database (an early {@code getMetaData()}, {@code unwrap} to a driver type, a pool or framework hook...)
 * before the caller set the read-only flag. At a transaction boundary the connection releases that physical
 * connection and the next statement routes to a replica, at the cost of a wasted borrow; inside a transaction the
 * change is refused and the reads stay where they are. Frameworks that set the flag after {@code getConnection()}
 * (Spring does) only route right when nothing takes a physical connection in between.
 *
 * <p>Runs on the caller's thread, inside {@code setReadOnly}: return quickly; an exception is ignored.
 */
@FunctionalInterface
public interface LateReadOnlyListener {
    /**
     * @param cluster  the cluster's name
     * @param node     the node whose physical connection was held (the primary, unless fallback sent it elsewhere)
     * @param rerouted true when the physical connection was released so the next statement routes again; false when
     *                 the change was refused because a transaction was active on it
     */
    void lateReadOnly(String cluster, String node, boolean rerouted);
}
