package dev.replicaware.testkit.stub;

import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * An in-memory "database server" of the {@link StubDriver}: it counts what it served, keeps the connections it opened
 * (each records the state calls made on it), and can refuse new connections or break the open ones, like a server that died.
 *
 * <pre>{@code
 * StubServer replica = StubServer.named("replica1");   // jdbc:stub:replica1
 * replica.refuseConnections(true);
 * replica.breakConnections();
 * replica.declareTable("t", "x");                      // what its DatabaseMetaData reports: table t(x INTEGER)
 * }</pre>
 */
public final class StubServer {
    private static final ConcurrentMap<String, StubServer> SERVERS = new ConcurrentHashMap<>();
    private static final AtomicInteger IDS = new AtomicInteger();

    private final String name;
    private final int id;
    private final List<StubConnection> connections = new CopyOnWriteArrayList<>();
    private final LongAdder statements = new LongAdder();
    private final LongAdder connectionsOpened = new LongAdder();
    private volatile boolean refusing;
    private volatile boolean recordStateCalls = true;
    private volatile int generation;
    private volatile Map<String, List<String>> tables = Map.of();

    private StubServer(String name) {
        this.name = name;
        this.id = IDS.incrementAndGet();
    }

    /** The server of that name, created on first use. */
    public static StubServer named(String name) {
        return SERVERS.computeIfAbsent(name, StubServer::new);
    }

    /** Resets every server (see {@link #reset()}). */
    public static void resetAll() {
        SERVERS.values().forEach(StubServer::reset);
    }

    public String name() {
        return name;
    }

    /** A number unique to this server in this JVM; what {@code getInt(1)} of every query answers. */
    public int id() {
        return id;
    }

    /** {@code jdbc:stub:<name>}. */
    public String url() {
        return StubDriver.url(name);
    }

    /** While true, new connections fail with SQLState 08001 (like connection refused). */
    public void refuseConnections(boolean refuse) {
        this.refusing = refuse;
    }

    public boolean refusesConnections() {
        return refusing;
    }

    /** Every connection open now fails its next statement with SQLState 08006 and reports itself invalid. */
    public void breakConnections() {
        generation++;
    }

    /** Whether connections record their state calls ({@link StubConnection#stateCalls()}); on by default, off for benchmarks. */
    public void recordStateCalls(boolean record) {
        this.recordStateCalls = record;
    }

    /**
     * Declares a table for the catalog calls of {@link java.sql.DatabaseMetaData} ({@code getTables}, {@code getColumns}...),
     * for frameworks that check the tables a statement names before they run it. Every column is a nullable INTEGER;
     * the table has no primary key and no index. Queries still answer the serving server, whatever table they name.
     */
    public void declareTable(String table, String... columns) {
        if (table == null || table.isBlank()) {
            throw new IllegalArgumentException("A stub table needs a name, but was '" + table + "'");
        }
        if (columns.length == 0) {
            throw new IllegalArgumentException("Stub table '" + table + "' needs at least one column");
        }
        Map<String, List<String>> next = new LinkedHashMap<>(tables);
        next.put(table, List.of(columns));
        tables = Collections.unmodifiableMap(next);
    }

    /** The tables declared with {@link #declareTable}: name to column names. */
    public Map<String, List<String>> tables() {
        return tables;
    }

    /** Statements this server has executed. */
    public long statements() {
        return statements.sum();
    }

    /** Connections this server has opened. */
    public long connectionsOpened() {
        return connectionsOpened.sum();
    }

    /** Connections opened and not yet closed. */
    public int openConnections() {
        int open = 0;
        for (StubConnection c : connections) {
            if (!c.isClosed()) {
                open++;
            }
        }
        return open;
    }

    /** Every connection this server opened since the last {@link #reset()}, closed ones included. */
    public List<StubConnection> connections() {
        return List.copyOf(connections);
    }

    /** Forgets the recorded state calls of every connection. */
    public void clearStateCalls() {
        connections.forEach(StubConnection::clearStateCalls);
    }

    /** Accepts connections again, zeroes the counters and forgets the connections and the declared tables. */
    public void reset() {
        refusing = false;
        tables = Map.of();
        recordStateCalls = true;
        statements.reset();
        connectionsOpened.reset();
        connections.clear();
    }

    StubConnection connect(String user) throws SQLException {
        if (refusing) {
            throw new SQLNonTransientConnectionException("Stub server '" + name + "' refuses connections", "08001");
        }
        StubConnection c = new StubConnection(this, user, generation);
        connections.add(c);
        connectionsOpened.increment();
        return c;
    }

    void served() {
        statements.increment();
    }

    boolean recordsStateCalls() {
        return recordStateCalls;
    }

    int generation() {
        return generation;
    }

    @Override
    public String toString() {
        return "StubServer[" + name + ", id=" + id + (refusing ? ", refusing" : "") + "]";
    }
}
