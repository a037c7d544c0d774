package dev.replicaware.failover;

import dev.replicaware.dialect.AdminErrors;
import dev.replicaware.dialect.Dialect;
import dev.replicaware.dialect.Probe;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The admin sessions of one failover or switchover, in configured order; closing them releases the locks. */
final class FailoverSessions implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FailoverCoordinator.class); // where operators look for failover
    private final String cluster;
    private final Function<Throwable, String> describe; // masks the admin password
    private final Map<String, Connection> connections = new LinkedHashMap<>();
    private Dialect dialect;
    private String heldElsewhere;
    /** What each node that has no session, or whose lock could not be taken, answered: not all are unreachable. */
    final Map<String, String> failures = new LinkedHashMap<>();

    FailoverSessions(String cluster, Function<Throwable, String> describe) {
        this.cluster = cluster;
        this.describe = describe;
    }

    void add(String name, Connection c, Dialect d) {
        connections.put(name, c);
        dialect = dialect == null ? d : dialect;
    }

    Set<String> names() {
        return connections.keySet();
    }

    Connection connection(String name) {
        return connections.get(name);
    }

    Dialect dialect() {
        return dialect;
    }

    /** Takes the lock node by node in configured order, stopping at the first held by someone else. */
    List<String> lockInOrder() {
        List<String> held = new ArrayList<>();
        for (Map.Entry<String, Connection> e : connections.entrySet()) {
            try {
                if (!dialect.tryFailoverLock(e.getValue(), cluster)) {
                    heldElsewhere = e.getKey();
                    break;
                }
                held.add(e.getKey());
            } catch (SQLException | RuntimeException ex) {
                failures.put(e.getKey(), describe.apply(ex));
                (AdminErrors.isAccessDenied(ex) ? LOG.atWarn() : LOG.atInfo())
                        .log("{} - could not take the failover lock on {}: {}", cluster, e.getKey(), describe.apply(ex));
            }
        }
        return held;
    }

    /** The node whose lock {@link #lockInOrder} found held by another instance, or null. */
    String heldElsewhere() {
        return heldElsewhere;
    }

    /** A fresh probe of every session's server; one that fails to answer is left out. */
    Map<String, Probe> probeAll() {
        Map<String, Probe> answers = new LinkedHashMap<>();
        for (Map.Entry<String, Connection> e : connections.entrySet()) {
            try {
                answers.put(e.getKey(), dialect.probe(e.getValue()));
            } catch (SQLException | RuntimeException ex) {
                LOG.info("{} - {} did not answer the failover's probe: {}", cluster, e.getKey(), describe.apply(ex));
            }
        }
        return answers;
    }

    @Override
    public void close() {
        for (Connection c : connections.values()) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // its locks end with the session either way
            }
        }
    }
}
