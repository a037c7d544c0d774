package dev.replicaware.benchmarks;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.SingleWriterRecorder;

/**
 * Fixed threads running transactions as Spring's transaction manager runs them: 90 % read-only (setReadOnly(true),
 * autocommit off, one SELECT by primary key, commit, autocommit on, setReadOnly(false)) and 10 % writes (autocommit
 * off, one INSERT of a unique id, commit, autocommit on). A write's id is recorded as acknowledged once its
 * commit returned; a failed operation is counted, never retried as the same id. Latency of successful transactions goes
 * to two recorders per thread (reads, writes; microseconds), so a warmup can be cut off with {@link #startMeasuring()}
 * without stopping the threads; {@link #stop()} merges what was recorded since.
 *
 * <p>With seeded rows (see {@link #seed}), reads pick an id among them, so every read finds its row on any replica; with
 * a server-port expression ({@code inet_server_port()}, {@code @@port}), every read also returns the port of the server
 * that ran it, counted in {@link #readsByPort} — the server's word on where reads went, not the routing layer's. With
 * seeded rows every read also checks, from the data, that it sees the latest write acknowledged (its commit returned)
 * before the read began, on any thread: a read that does not is counted in {@link #staleReads}. That is what
 * read-your-writes with {@code instance} scope promises, and what one pool on the primary gives.
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
    final Map<Integer, LongAdder> readsByPort = new ConcurrentHashMap<>();
    /** The highest id whose write was acknowledged; ids are taken in order, so no row above it was acknowledged before. */
    final AtomicLong latestAcked = new AtomicLong();
    /** Reads (since {@link #startMeasuring()}) that did not see the latest write acknowledged before they began. */
    final LongAdder staleReads = new LongAdder();
    /** Reads (since {@link #startMeasuring()}) that checked for that write: every read after the first write. */
    final LongAdder checkedReads = new LongAdder();
    volatile String lastFailure;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final List<Thread> threads = new ArrayList<>();
    private final List<SingleWriterRecorder> readRecorders = new ArrayList<>();
    private final List<SingleWriterRecorder> writeRecorders = new ArrayList<>();
    private final DataSource writeSource;
    private final DataSource readSource;
    private final long seededRows;
    private final String readSql;
    private final boolean readsReturnPort;
    private volatile long measuringSince = System.nanoTime();
    private long measuredNanos;
    private Histogram readLatencies;
    private Histogram writeLatencies;

    /** Creates the table through {@code writeSource} (dropping an old one) and starts {@code threads} threads. */
    MixedWorkload(DataSource writeSource, DataSource readSource, int threads) throws SQLException {
        this(writeSource, readSource, threads, 0, null, true);
    }

    /**
     * Starts {@code threads} threads on a table that {@link #seed} filled with {@code seededRows} rows; reads return
     * {@code serverPortExpression} too when it is not null.
     */
    MixedWorkload(DataSource writeSource, DataSource readSource, int threads, long seededRows, String serverPortExpression)
            throws SQLException {
        this(writeSource, readSource, threads, seededRows, serverPortExpression, false);
    }

    private MixedWorkload(DataSource writeSource, DataSource readSource, int threads, long seededRows,
                          String serverPortExpression, boolean createTable) throws SQLException {
        this.writeSource = writeSource;
        this.readSource = readSource;
        this.seededRows = seededRows;
        this.readsReturnPort = serverPortExpression != null;
        this.readSql = "SELECT pad" + (readsReturnPort ? ", " + serverPortExpression : "")
                + (seededRows > 0 ? ", (SELECT count(*) FROM " + TABLE + " WHERE id = ?)" : "") + " FROM " + TABLE + " WHERE id = ?";
        nextId.set(seededRows);
        if (createTable) {
            try (Connection c = writeSource.getConnection(); Statement s = c.createStatement()) {
                s.execute("DROP TABLE IF EXISTS " + TABLE);
                s.execute("CREATE TABLE " + TABLE + " (id BIGINT PRIMARY KEY, pad VARCHAR(200))");
            }
        }
        for (int i = 0; i < threads; i++) {
            SingleWriterRecorder reads = new SingleWriterRecorder(1, 60_000_000L, 3);
            SingleWriterRecorder writes = new SingleWriterRecorder(1, 60_000_000L, 3);
            readRecorders.add(reads);
            writeRecorders.add(writes);
            Thread t = new Thread(() -> loop(reads, writes), "bench-worker-" + i);
            t.setDaemon(true);
            this.threads.add(t);
        }
        this.threads.forEach(Thread::start);
    }

    /**
     * (Re)creates the table on {@code primary} with ids 1..{@code rows}, in one transaction. The connection should be a
     * direct one, not the contender's, so every contender starts from the same table however it routes.
     */
    static void seed(Connection primary, long rows) throws SQLException {
        try (Statement s = primary.createStatement()) {
            s.execute("DROP TABLE IF EXISTS " + TABLE);
            s.execute("CREATE TABLE " + TABLE + " (id BIGINT PRIMARY KEY, pad VARCHAR(200))");
        }
        boolean autoCommit = primary.getAutoCommit();
        primary.setAutoCommit(false);
        try (PreparedStatement ps = primary.prepareStatement("INSERT INTO " + TABLE + " (id, pad) VALUES (?, ?)")) {
            for (long id = 1; id <= rows; id++) {
                ps.setLong(1, id);
                ps.setString(2, "seed-" + id);
                ps.addBatch();
                if (id % 1000 == 0 || id == rows) {
                    ps.executeBatch();
                }
            }
            primary.commit();
        } finally {
            primary.setAutoCommit(autoCommit);
        }
    }

    private void loop(SingleWriterRecorder readLatencies, SingleWriterRecorder writeLatencies) {
        while (running.get()) {
            long began = System.nanoTime();
            boolean read = ThreadLocalRandom.current().nextInt(100) < READ_PERCENT;
            try {
                if (read) {
                    read();
                    reads.incrementAndGet();
                    readLatencies.recordValue(Math.min((System.nanoTime() - began) / 1000, 60_000_000L));
                } else {
                    long id = write();
                    acked.add(id);
                    latestAcked.accumulateAndGet(id, Math::max);
                    writes.incrementAndGet();
                    long fault = faultAt.get();
                    if (fault != 0 && began - fault > 0) {
                        firstWriteAfterFault.compareAndSet(0, System.nanoTime());
                    }
                    writeLatencies.recordValue(Math.min((System.nanoTime() - began) / 1000, 60_000_000L));
                }
            } catch (SQLException | RuntimeException e) {
                (read ? readFailures : writeFailures).incrementAndGet();
                lastFailure = e.toString();
                pause();
            }
        }
    }

    /**
     * One read-only transaction as Spring's transaction manager runs a {@code @Transactional(readOnly = true)} method:
     * read-only flag, autocommit off, the query, commit, then autocommit on and the flag reset before close.
     */
    void read() throws SQLException {
        try (Connection c = readSource.getConnection()) {
            c.setReadOnly(true);
            c.setAutoCommit(false);
            long mustSee = seededRows > 0 ? latestAcked.get() : 0; // read before the read's first statement
            try (PreparedStatement ps = c.prepareStatement(readSql)) {
                long ids = seededRows > 0 ? seededRows : Math.max(1, nextId.get());
                int at = 1;
                if (seededRows > 0) {
                    ps.setLong(at++, mustSee);
                }
                ps.setLong(at, 1 + ThreadLocalRandom.current().nextLong(ids));
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        if (readsReturnPort) {
                            readsByPort.computeIfAbsent(rs.getInt(2), p -> new LongAdder()).increment();
                        }
                        if (mustSee > seededRows) {
                            checkedReads.increment();
                            if (rs.getLong(readsReturnPort ? 3 : 2) == 0) {
                                staleReads.increment();
                            }
                        }
                    }
                }
            }
            c.commit();
            // what Spring's transaction manager does after the commit, before it releases the connection
            c.setAutoCommit(true);
            c.setReadOnly(false);
        }
    }

    /** One write transaction as Spring's transaction manager runs it; returns the id written. */
    long write() throws SQLException {
        long id = nextId.incrementAndGet();
        try (Connection c = writeSource.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + TABLE + " (id, pad) VALUES (?, ?)")) {
                ps.setLong(1, id);
                ps.setString(2, "w");
                ps.executeUpdate();
            }
            c.commit();
            c.setAutoCommit(true);
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

    /**
     * Ends the warmup: latencies, read counts by port and {@link #measuredNanos()} start again from now; the threads go on.
     * A transaction in flight at this instant lands on either side.
     */
    void startMeasuring() {
        readRecorders.forEach(SingleWriterRecorder::reset);
        writeRecorders.forEach(SingleWriterRecorder::reset);
        readsByPort.clear();
        staleReads.reset();
        checkedReads.reset();
        measuringSince = System.nanoTime();
    }

    /** Stops the threads and returns the latencies of every thread and both kinds since the start or {@link #startMeasuring()}. */
    Histogram stop() throws InterruptedException {
        if (!running.getAndSet(false)) {
            return merged(readLatencies, writeLatencies);
        }
        measuredNanos = System.nanoTime() - measuringSince;
        readLatencies = merged(readRecorders);
        writeLatencies = merged(writeRecorders);
        for (Thread t : threads) {
            t.join(30_000);
        }
        return merged(readLatencies, writeLatencies);
    }

    /** After {@link #stop()}: read-transaction latencies (µs) of the measured interval. */
    Histogram readLatencies() {
        return readLatencies;
    }

    /** After {@link #stop()}: write-transaction latencies (µs) of the measured interval. */
    Histogram writeLatencies() {
        return writeLatencies;
    }

    /** After {@link #stop()}: the length of the measured interval. */
    long measuredNanos() {
        return measuredNanos;
    }

    private static Histogram merged(List<SingleWriterRecorder> recorders) {
        Histogram all = new Histogram(60_000_000L, 3);
        recorders.forEach(r -> all.add(r.getIntervalHistogram()));
        return all;
    }

    private static Histogram merged(Histogram a, Histogram b) {
        Histogram all = new Histogram(60_000_000L, 3);
        all.add(a);
        all.add(b);
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
