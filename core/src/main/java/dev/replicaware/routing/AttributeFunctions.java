package dev.replicaware.routing;

import dev.replicaware.config.Secrets;
import dev.replicaware.topology.Node;
import dev.replicaware.topology.TopologyEvent;
import dev.replicaware.topology.TopologyHolder;
import dev.replicaware.topology.TopologyListener;
import dev.replicaware.topology.TopologyMonitor;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PostgreSQL: the names that attribute notation could call as a function, read from the primary, so that the
 * autocommit-read classifier can tell {@code o.name} (a column) from {@code o.touch} (a call of {@code touch(o)}).
 *
 * <p>{@code x.y} calls {@code y(x)} when {@code x} has no column {@code y} and a function {@code y} takes one argument
 * a row can be passed to. The set holds, from every schema (search_path may differ per session), the name of every
 * function callable with one argument ({@code pronargs - pronargdefaults <= 1}) whose first parameter is a composite
 * type (every table's row type), a pseudo-type ({@code record}, {@code anyelement}, {@code "any"}, ...), a domain, or a
 * type a composite casts to implicitly, and every variadic one; and the name of every type {@code x.y} could cast a row
 * to ({@code o.mydomain}: a domain's check may call a function).
 *
 * <p>Until the set is read, and after a refresh fails, it is unknown, and every {@code x.y} runs on the primary, as
 * without it. It is read when the first router uses it, then every {@link #REFRESH_INTERVAL} on the monitor's
 * threads, and at once after a failover or a node coming back. A function created between two refreshes is not in the
 * set until the next one (docs/autocommit-reads.md, limits).
 *
 * <p>One per DataSource, shared by the routers a reload replaces. The request path reads the set through one
 * volatile field; a set that did not change keeps its identity, so the classifier's cached answers stay valid.
 */
public final class AttributeFunctions implements TopologyListener {
    private static final Logger LOG = LoggerFactory.getLogger(AttributeFunctions.class);

    /**
     * How often the set is read again from the primary: 10 s. The system property
     * {@code dev.replicaware.attributeFunctions.refreshMillis} sets it for the JVM, as HikariCP's
     * {@code com.zaxxer.hikari.housekeeping.periodMs} does for its housekeeper: for tests, not a setting for users.
     */
    static final Duration REFRESH_INTERVAL = Duration.ofMillis(Long.getLong("dev.replicaware.attributeFunctions.refreshMillis", 10_000L));

    /**
     * Every name {@code x.y} could call or cast to, any schema. A function's first parameter: composite ('c'),
     * pseudo-type ('p': record, anyelement, "any", ...), domain ('d', over a composite or not: conservative), or the
     * target of an implicit cast from one of these; variadic functions whatever their element type.
     */
    static final String QUERY = """
            SELECT p.proname FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_type t ON t.oid = p.proargtypes[0]
             WHERE p.pronargs >= 1 AND p.pronargs - p.pronargdefaults <= 1
               AND (t.typtype IN ('c', 'p', 'd') OR p.provariadic <> 0
                    OR EXISTS (SELECT 1 FROM pg_catalog.pg_cast c JOIN pg_catalog.pg_type s ON s.oid = c.castsource
                                WHERE c.casttarget = t.oid AND c.castcontext = 'i' AND s.typtype IN ('c', 'p', 'd')))
            UNION
            SELECT t.typname FROM pg_catalog.pg_type t
             WHERE t.typtype = 'd'
                OR EXISTS (SELECT 1 FROM pg_catalog.pg_cast c JOIN pg_catalog.pg_type s ON s.oid = c.castsource
                            WHERE c.casttarget = t.oid AND s.typtype IN ('c', 'p', 'd'))""";

    /** PostgreSQL truncates longer identifiers (NAMEDATALEN - 1 bytes); such a name is treated as a possible call. */
    private static final int MAX_IDENTIFIER_BYTES = 63;

    /** An immutable set of names; {@link #UNKNOWN} when not read. Compared by identity in the classifier's cache. */
    static final class Names {
        static final Names UNKNOWN = new Names(null);

        private final Set<String> names; // null: unknown

        private Names(Set<String> names) {
            this.names = names;
        }

        static Names of(Set<String> names) {
            return new Names(Set.copyOf(names));
        }

        boolean known() {
            return names != null;
        }

        /**
         * True when {@code name} (after a dot) may call a function or cast: the set is unknown, or holds the name as
         * PostgreSQL reads it: unquoted lower-cased, quoted exact ({@code ""} inside is one quote), longer names
         * truncated by the server (not guessed: true).
         */
        boolean mayCall(String name, boolean quoted) {
            if (names == null) {
                return true;
            }
            String read = quoted ? name.replace("\"\"", "\"") : name;
            if (read.length() > MAX_IDENTIFIER_BYTES / 3
                    && read.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_IDENTIFIER_BYTES) {
                return true;
            }
            return names.contains(read);
        }

        int size() {
            return names == null ? -1 : names.size();
        }
    }

    private final String cluster;
    private final TopologyHolder topology;
    private final int queryTimeoutSeconds;
    private volatile Names current = Names.UNKNOWN;
    private volatile boolean used;
    private volatile TopologyMonitor monitor;
    private final AtomicBoolean refreshing = new AtomicBoolean();

    /** @param queryTimeout how long one read of the set may take (the health checks' timeout) */
    public AttributeFunctions(String cluster, TopologyHolder topology, Duration queryTimeout) {
        this.cluster = cluster;
        this.topology = topology;
        this.queryTimeoutSeconds = (int) Math.max(1, (queryTimeout.toMillis() + 999) / 1000);
    }

    /** For tests: a given set, not refreshed. */
    static AttributeFunctions fixed(Set<String> names) {
        AttributeFunctions f = new AttributeFunctions("test", null, Duration.ofSeconds(1));
        f.publish(names);
        return f;
    }

    /** The set now; {@link Names#UNKNOWN} when not read or the last read failed. */
    Names current() {
        return current;
    }

    /**
     * Reads the set now if a router uses it, then every {@link #REFRESH_INTERVAL} on {@code monitor}'s threads until
     * the monitor closes.
     */
    public void start(TopologyMonitor monitor) {
        this.monitor = monitor;
        if (used) {
            refresh();
        }
        monitor.scheduleBackground(this::refreshIfUsed, REFRESH_INTERVAL);
    }

    /** A router routes autocommit reads with the set: from now on it is kept fresh. */
    void use() {
        if (!used) {
            used = true;
            refreshSoon();
        }
    }

    /** Reads the set again off the caller's thread (after a failover, a reload); no-op before {@link #start}. */
    public void refreshSoon() {
        TopologyMonitor m = monitor;
        if (m != null && used) {
            m.runInBackground(this::refreshIfUsed);
        }
    }

    private void refreshIfUsed() {
        if (used) {
            try {
                refresh();
            } catch (RuntimeException e) { // a scheduled task that throws is never run again
                fail(null, String.valueOf(e));
            }
        }
    }

    @Override
    public void onEvent(TopologyEvent event) {
        switch (event.type()) {
            case ROLE_CHANGED, FAILOVER_COMPLETED, NODE_UP -> refreshSoon();
            default -> { }
        }
    }

    /** Reads the set from the primary; on failure it becomes unknown (every {@code x.y} to the primary). */
    void refresh() {
        if (!refreshing.compareAndSet(false, true)) {
            return; // one read at a time; the one under way publishes
        }
        try {
            Node primary = topology.current().primary();
            if (primary == null) {
                fail(null, "no primary");
                return;
            }
            Set<String> names = new HashSet<>();
            try (Connection c = primary.pool().getConnection(); Statement s = c.createStatement()) {
                s.setQueryTimeout(queryTimeoutSeconds);
                try (ResultSet rs = s.executeQuery(QUERY)) {
                    while (rs.next()) {
                        names.add(rs.getString(1));
                    }
                }
            } catch (SQLException | RuntimeException e) {
                fail(primary, Secrets.maskUrl(String.valueOf(e.getMessage())));
                return;
            }
            publish(names);
            LOG.debug("{} - {} function and type names that attribute notation could call, read from node {}",
                    cluster, names.size(), primary.name());
        } finally {
            refreshing.set(false);
        }
    }

    /** Publishes {@code names}; a set equal to the current one keeps its identity, so cached answers stay. */
    void publish(Set<String> names) {
        Names before = current;
        if (!before.known() || !before.names.equals(names)) {
            current = Names.of(names);
        }
    }

    private void fail(Node primary, String why) {
        if (current.known()) {
            LOG.warn("{} - could not read from {} which functions attribute notation (x.y) could call; until the next"
                    + " read every such read runs on the primary: {}", cluster,
                    primary == null ? "the primary" : "node " + primary.name(), why);
        }
        current = Names.UNKNOWN;
    }
}
