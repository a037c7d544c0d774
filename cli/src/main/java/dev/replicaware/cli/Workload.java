package dev.replicaware.cli;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;

/**
 * The demo's application: writers insert unique ids, each recorded as acknowledged only once its commit returned;
 * readers run read-only transactions. A failed write is counted, never retried under the same id, so that an id in
 * {@link #acknowledged()} is exactly a write the application was told succeeded.
 */
final class Workload implements AutoCloseable {
    static final String TABLE = "demo_writes";
    /** Between two operations of one thread: keeps the load readable and leaves the two shared cores to the servers. */
    private static final long PACE_MILLIS = 2;

    private final DataSource dataSource;
    private final Set<Long> acknowledged = ConcurrentHashMap.newKeySet();
    private final AtomicLong nextId = new AtomicLong();
    private final AtomicLong failedWrites = new AtomicLong();
    private final AtomicLong failedReads = new AtomicLong();
    private final AtomicLong faultAt = new AtomicLong();
    private final AtomicLong firstWriteAfterFault = new AtomicLong();
    private final AtomicReference<Throwable> unexpected = new AtomicReference<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final List<Thread> threads = new ArrayList<>();

    private Workload(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Creates the table through {@code dataSource} (so on the primary) and starts the threads. */
    static Workload start(DataSource dataSource, int writers, int readers) throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE " + TABLE + " (id BIGINT PRIMARY KEY, writer INT NOT NULL)");
        }
        Workload w = new Workload(dataSource);
        for (int i = 0; i < writers; i++) {
            int writer = i;
            w.spawn("demo-writer-" + i, () -> w.write(writer));
        }
        for (int i = 0; i < readers; i++) {
            w.spawn("demo-reader-" + i, w::read);
        }
        return w;
    }

    private void write(int writer) {
        long id = nextId.incrementAndGet();
        long began = System.nanoTime();
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("INSERT INTO " + TABLE + " (id, writer) VALUES (?, ?)")) {
            ps.setLong(1, id);
            ps.setInt(2, writer);
            ps.executeUpdate();
        } catch (SQLException e) {
            failedWrites.incrementAndGet();
            return;
        }
        acknowledged.add(id);
        long fault = faultAt.get();
        if (fault != 0 && began - fault > 0) {
            firstWriteAfterFault.compareAndSet(0, System.nanoTime());
        }
    }

    private void read() {
        try (Connection c = dataSource.getConnection()) {
            c.setReadOnly(true);
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT max(id) FROM " + TABLE)) {
                rs.next();
            }
        } catch (SQLException e) {
            failedReads.incrementAndGet();
        }
    }

    private void spawn(String name, Runnable step) {
        Thread t = new Thread(() -> {
            try {
                while (running.get()) {
                    step.run();
                    Thread.sleep(PACE_MILLIS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Throwable e) {
                unexpected.compareAndSet(null, e);
            }
        }, name);
        t.setDaemon(true);
        t.start();
        threads.add(t);
    }

    /** From now on, the first write that begins and succeeds ends the failover window. */
    void markFault() {
        faultAt.set(System.nanoTime());
    }

    /** Nanos from {@link #markFault()} to the first successful write begun after it; -1 while there is none. */
    long failoverWindowNanos() {
        long first = firstWriteAfterFault.get();
        return first == 0 ? -1 : first - faultAt.get();
    }

    Set<Long> acknowledged() {
        return acknowledged;
    }

    long failedWrites() {
        return failedWrites.get();
    }

    long failedReads() {
        return failedReads.get();
    }

    /** A bug in the demo itself (not a database error), or null. */
    Throwable unexpected() {
        return unexpected.get();
    }

    /** Stops the threads and waits for operations in flight to end (a write may wait up to writeWait for a primary). */
    @Override
    public void close() {
        running.set(false);
        try {
            for (Thread t : threads) {
                t.join(30_000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the threads are daemons and stop on their own
        }
    }
}
