package dev.replicaware.testkit.explore;

import dev.replicaware.testkit.ClusterNode;
import dev.replicaware.testkit.ReplicatedCluster;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A thread that asks every running, unpaused node of a cluster, directly and as the admin user, whether it takes
 * writes (PostgreSQL: not in recovery and {@code default_transaction_read_only} off; MariaDB: {@code @@read_only} off),
 * once per period; two at once is an incident, kept with the nodes and how long it lasted.
 */
public final class WritableSampler implements AutoCloseable {

    /**
     * Two or more nodes took writes together.
     *
     * @param nodes     the writable nodes when the incident began
     * @param fromNanos System.nanoTime() of the first sample that saw it
     * @param toNanos   of the last sample that saw it
     */
    public record Incident(List<String> nodes, long fromNanos, long toNanos) {
        /** How long it was seen, at least (one sample: 0). */
        public long lastedMillis() {
            return (toNanos - fromNanos) / 1_000_000;
        }
    }

    private final ReplicatedCluster cluster;
    private final EngineSql sql;
    private final long periodMillis;
    private final Consumer<Incident> onIncident;
    private final List<Incident> incidents = new ArrayList<>();
    private final Thread thread;
    private volatile boolean running = true;
    private volatile List<String> lastWritable = List.of();

    private WritableSampler(ReplicatedCluster cluster, Duration period, Consumer<Incident> onIncident) {
        this.cluster = cluster;
        this.sql = new EngineSql(cluster);
        this.periodMillis = period.toMillis();
        this.onIncident = onIncident;
        this.thread = new Thread(this::sample, "replicaware-writable-sampler");
        this.thread.setDaemon(true);
    }

    /** Starts sampling {@code cluster} every {@code period}; {@code onIncident} hears each incident as it begins. */
    public static WritableSampler start(ReplicatedCluster cluster, Duration period, Consumer<Incident> onIncident) {
        WritableSampler s = new WritableSampler(cluster, period, onIncident);
        s.thread.start();
        return s;
    }

    /** The incidents so far; an incident still open is in with its last sample so far. */
    public List<Incident> incidents() {
        synchronized (incidents) {
            return List.copyOf(incidents);
        }
    }

    /** The nodes that took writes at the last sample. */
    public List<String> lastWritable() {
        return lastWritable;
    }

    private void sample() {
        Map<ClusterNode, Connection> connections = new HashMap<>();
        int open = -1;
        while (running) {
            List<String> writable = new ArrayList<>();
            for (ClusterNode n : cluster.nodes()) {
                if (!n.isRunning() || n.isPaused()) {
                    close(connections.remove(n));
                    continue;
                }
                try {
                    Connection c = connections.get(n);
                    if (c == null) {
                        c = sql.connectBriefly(n);
                        connections.put(n, c);
                    }
                    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql.writableSql())) {
                        if (rs.next() && rs.getBoolean(1)) {
                            writable.add(n.name());
                        }
                    }
                } catch (SQLException e) {
                    close(connections.remove(n));
                }
            }
            long now = System.nanoTime();
            lastWritable = List.copyOf(writable);
            synchronized (incidents) {
                if (writable.size() > 1 && open < 0) {
                    incidents.add(new Incident(List.copyOf(writable), now, now));
                    open = incidents.size() - 1;
                    onIncident.accept(incidents.get(open));
                } else if (writable.size() > 1) {
                    Incident i = incidents.get(open);
                    incidents.set(open, new Incident(i.nodes(), i.fromNanos(), now));
                } else {
                    open = -1;
                }
            }
            try {
                Thread.sleep(periodMillis); // the sampling period, not a wait for a condition
            } catch (InterruptedException e) {
                break;
            }
        }
        connections.values().forEach(WritableSampler::close);
    }

    /** Stops the thread and closes its connections. */
    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void close(Connection c) {
        if (c != null) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // a connection to a server that died
            }
        }
    }
}
