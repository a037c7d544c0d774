package dev.replicaware.support;

import static org.assertj.core.api.Assertions.assertThat;

import dev.replicaware.testkit.ReplicatedCluster;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/** A steady write load on a cluster's primary: one small insert every 20 ms into {@code table}, until closed. */
public final class SteadyWriter implements AutoCloseable {
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final Thread thread;

    public SteadyWriter(ReplicatedCluster c, String table) throws SQLException {
        try (Connection conn = c.connectApp(c.primary()); Statement s = conn.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS " + table + " (id BIGINT PRIMARY KEY, at BIGINT)");
        }
        thread = new Thread(() -> {
            long id = System.nanoTime();
            try (Connection conn = c.connectApp(c.primary()); Statement s = conn.createStatement()) {
                while (running.get()) {
                    s.executeUpdate("INSERT INTO " + table + " VALUES (" + (id++) + ", " + System.currentTimeMillis() + ")");
                    Thread.sleep(20); // the load's pace, not a wait for a condition
                }
            } catch (Exception e) {
                failure.set(e);
            }
        }, "steady-writer-" + table);
        thread.start();
    }

    /** Fails the test if the writer failed. */
    public void check() {
        assertThat(failure.get()).as("writer failure").isNull();
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        thread.join(10_000);
    }
}
