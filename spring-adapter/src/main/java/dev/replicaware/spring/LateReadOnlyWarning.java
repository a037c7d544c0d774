package dev.replicaware.spring;

import dev.replicaware.routing.LateReadOnlyListener;

import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Warns once per DataSource when a connection is made read-only after something already took a physical connection
 * read-write on it. The classic case is a framework hook or JDBC interceptor calling {@code getMetaData()} (or
 * unwrapping to the driver's connection) between {@code getConnection()} and Spring's {@code setReadOnly(true)}:
 * Replicaware then releases the primary's connection and routes the reads to a replica at the next statement, at the
 * cost of a wasted borrow on the primary for every transaction; inside a transaction it cannot, and the reads stay on the primary.
 */
final class LateReadOnlyWarning implements LateReadOnlyListener {
    private static final Log log = LogFactory.getLog(LateReadOnlyWarning.class);

    private final AtomicBoolean warned = new AtomicBoolean();

    @Override
    public void lateReadOnly(String cluster, String node, boolean rerouted) {
        if (!warned.compareAndSet(false, true)) {
            return;
        }
        String outcome = rerouted
                ? "Replicaware released it and routes the reads to a replica, but every such transaction borrows a "
                        + "connection of '" + node + "' for nothing"
                : "a transaction was already active on it, so its reads stay on '" + node + "'";
        log.warn("Cluster '" + cluster + "': a connection was made read-only after it had taken a physical connection of node '"
                + node + "' read-write; " + outcome + ". Something needed the database between getConnection() and "
                + "setReadOnly(true), typically an early getMetaData(), unwrap() to a driver type or a connection customizer. "
                + "Move that call after the transaction has begun. Logged once; the stack shows who set read-only.",
                new Exception("setReadOnly(true) called here"));
    }

    boolean hasWarned() {
        return warned.get();
    }
}
