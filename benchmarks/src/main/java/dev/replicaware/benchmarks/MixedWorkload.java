package dev.replicaware.benchmarks;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.HdrHistogram.Histogram;

/**
 * Fixed threads running transactions: 90 % read-only (setReadOnly(true), autocommit off, one SELECT by primary key, commit)
 * and 10 % writes (autocommit off, one INSERT of a unique id, commit). A write's id is recorded as acknowledged once its
 * commit returned; a failed operation is counted, never retried as the same id. Latency of successful transactions goes
 * to one HdrHistogram per thread (microseconds), merged at the end.
 */
final class MixedWorkload implements AutoCloseable {
    static final String TABLE = "bench_rows";
    static final int READ_PERCENT = 90;

    final Set<Long> acked = ConcurrentHashMap.newKeySet();
    final AtomicLong nextId = new AtomicLong();
    final AtomicLong reads = new AtomicLong();
    final AtomicLong writes = new AtomicLong();
    final AtomicLong readFailures = new AtomicLong();
    final AtomicLong writeFailures = new AtomicLong();
    final AtomicLong faultAt = new AtomicLong();
    final AtomicLong firstWriteAfterFault = new AtomicLong();
    final AtomicLong failuresAfterFault = new AtomicLong();
    volatile String lastFailure;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final List<Thread> threads = new ArrayList<>();
    private final List<Histogram> histograms = new ArrayList<>();
    private final DataSource writeSource;
    private final DataSource readSource;

    /** Creates the table through {@code writeSource} (dropping an old one) and starts {@code threads} threads. */
    MixedWorkload(DataSource writeSource, DataSource readSource, int threads) throws SQLException {
        this.writeSource = writeSource;
        this.readSource = readSource;
        try (Connection c = writeSource.getConnection(); Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS " + TABLE);
            s.execute("CREATE TABLE " + TABLE + " (id BIGINT PRIMARY KEY, pad VARCHAR(200))");
        }
        for (int i = 0; i < threads; i++) {
            Histogram h = new Histogram(60_000_000L, 3);
            histograms.add(h);
            Thread t = new Thread(() -> loop(h), "bench-worker-" + i);
            t.setDaemon(true);
            this.threads.add(t);
        }
        this.threads.forEach(Thread::start);
    }

    private void loop(Histogram latencies) {
        while (running.get()) {
            long began = System.nanoTime();
            boolean read = ThreadLocalRandom.current().nextInt(100) < READ_PERCENT;
            try {
                if (read) {
                    read();
                    reads.incrementAndGet();
                } else {
                    long id = write();
                    acked.add(id);
                    writes.incrementAndGet();
                    long fault = faultAt.get();
                    if (fault != 0 && began - fault > 0) {
                        firstWriteAfterFault.compareAndSet(0, System.nanoTime());
                    }
                }
                latencies.recordValue(Math.min((System.nanoTime() - began) / 1000, 60_000_000L));
            } catch (SQLException | RuntimeException e) {
                (read ? readFailures : writeFailures).incrementAndGet();
                if (faultAt.get() != 0) {
                    failuresAfterFault.incrementAndGet();
                }
                lastFailure = e.toString();
                pause();
            }
        }
    }

    private void read() throws SQLException {
        try (Connection c = readSource.getConnection()) {
            c.setReadOnly(true);
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement("SELECT pad FROM " + TABLE + " WHERE id = ?")) {
                ps.setLong(1, 1 + ThreadLocalRandom.current().nextLong(Math.max(1, nextId.get())));
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                }
            }
            c.commit();
        }
    }

    private long write() throws SQLException {
        long id = nextId.incrementAndGet();
        try (Connection c = writeSource.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + TABLE + " (id, pad) VALUES (?, ?)")) {
                ps.setLong(1, id);
                ps.setString(2, "w");
                ps.executeUpdate();
            }
            c.commit();
        }
        return id;
    }

    /** After a failure: yield briefly, so a dead node's errors do not spin a core. */
    private static void pause() {
        try {
            Thread.sleep(5);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    void markFault() {
        faultAt.set(System.nanoTime());
    }

    long unavailableMillis() {
        long after = firstWriteAfterFault.get();
        return after == 0 ? -1 : (after - faultAt.get()) / 1_000_000;
    }

    long operations() {
        return reads.get() + writes.get();
    }

    /** Stops the threads and returns every thread's latencies merged. */
    Histogram stop() throws InterruptedException {
        running.set(false);
        for (Thread t : threads) {
            t.join(30_000);
        }
        Histogram all = new Histogram(60_000_000L, 3);
        histograms.forEach(all::add);
        return all;
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }

    /** Sleeps {@code seconds}, printing progress every 5 s. */
    void runFor(String label, int seconds) throws InterruptedException {
        long start = System.nanoTime();
        long lastOps = operations();
        for (int s = 1; s <= seconds; s++) {
            Thread.sleep(Math.max(0, start + s * 1_000_000_000L - System.nanoTime()) / 1_000_000);
            if (s % 5 == 0 || s == seconds) {
                long ops = operations();
                System.out.printf("  %s: %d/%d s, %d tx/s over the last interval, %d failed%n", label, s, seconds,
                        (ops - lastOps) / (s % 5 == 0 ? 5 : Math.max(1, s % 5)), readFailures.get() + writeFailures.get());
                lastOps = ops;
            }
        }
    }
}
