package dev.replicaware.it;

import dev.replicaware.ReplicaAwareDataSource;
import dev.replicaware.topology.NodeState;
import dev.replicaware.topology.NodeStatus;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

import static dev.replicaware.it.MarkerRows.marker;
import static dev.replicaware.it.MarkerRows.readOnlyMarker;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Generic mode on SQLite (xerial sqlite-jdbc), loaded from YAML as the README shows: one database file is the primary,
 * a copy of it the replica. sqlite-jdbc refuses {@code setReadOnly} once a connection is open, so the read-only flag
 * must route without being replayed there. Which file served a statement is read back from the file itself: each
 * holds a marker row with its own name.
 */
class SqliteGenericModeTest {
    @TempDir
    Path dir;

    private Path primary;
    private Path replica;

    @BeforeEach
    void files() throws SQLException {
        primary = dir.resolve("orders.db");
        replica = dir.resolve("orders-copy.db");
        for (Path file : new Path[] {primary, replica}) {
            try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE marker (name TEXT NOT NULL)");
                s.execute("INSERT INTO marker VALUES ('" + (file.equals(primary) ? "primary" : "replica") + "')");
                s.execute("CREATE TABLE orders (id INTEGER PRIMARY KEY, item TEXT NOT NULL)");
            }
        }
    }

    /** The README's example of generic mode, with only the file paths replaced. */
    private ReplicaAwareDataSource fromReadmeExample() throws Exception {
        String yaml = """
                cluster: orders
                primary:  { name: primary, url: "jdbc:sqlite:/var/lib/orders/orders.db" }
                replicas:
                  - { name: copy, url: "jdbc:sqlite:/var/lib/orders/orders-copy.db" }
                pool:     { maximumPoolSize: 4 }
                health:   { interval: 500ms, timeout: 1s }
                """.replace("/var/lib/orders/orders.db", primary.toString())
                .replace("/var/lib/orders/orders-copy.db", replica.toString());
        return ReplicaAwareDataSource.fromYaml(Files.writeString(dir.resolve("orders.yml"), yaml));
    }

    /** A cluster that notices a lost replica quickly. */
    private ReplicaAwareDataSource quicklyProbed() throws Exception {
        String yaml = "cluster: quick\n"
                + "primary:  { name: primary, url: \"jdbc:sqlite:" + primary + "\" }\n"
                + "replicas:\n  - { name: copy, url: \"jdbc:sqlite:" + replica + "\" }\n"
                + "health:   { interval: 100ms, timeout: 300ms, failuresBeforeDown: 2, successesBeforeUp: 1 }\n";
        return ReplicaAwareDataSource.fromYaml(Files.writeString(dir.resolve("quick.yml"), yaml));
    }

    @Test
    void readOnlyTransactionReadsTheReplicaFile() throws Exception {
        try (ReplicaAwareDataSource ds = fromReadmeExample()) {
            awaitState(ds, "copy", NodeState.UP);
            for (int i = 0; i < 3; i++) {
                assertThat(readOnlyMarker(ds)).isEqualTo("replica");
            }
        }
    }

    @Test
    void writesReachThePrimaryFileOnly() throws Exception {
        try (ReplicaAwareDataSource ds = fromReadmeExample()) {
            try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
                assertThat(marker(s)).isEqualTo("primary");
                assertThat(s.executeUpdate("INSERT INTO orders (item) VALUES ('book')")).isEqualTo(1);
            }
            assertThat(count(primary, "orders")).isEqualTo(1);
            assertThat(count(replica, "orders")).isZero();
        }
    }

    @Test
    void replicaFileIsOpenedReadOnlySoAWriteThereFailsAndChangesNothing() throws Exception {
        try (ReplicaAwareDataSource ds = fromReadmeExample()) {
            awaitState(ds, "copy", NodeState.UP);
            SQLException refused;
            try (Connection c = ds.getConnection()) {
                c.setReadOnly(true);
                try (Statement s = c.createStatement()) {
                    assertThat(marker(s)).isEqualTo("replica");
                    refused = catchThrowableOfType(SQLException.class,
                            () -> s.executeUpdate("INSERT INTO orders (item) VALUES ('book')"));
                }
            }
            assertThat((Throwable) refused).as("a write inside a read-only transaction on the replica").isNotNull();
            assertThat(refused.getMessage()).contains("readonly");
            assertThat(count(replica, "orders")).isZero();
            assertThat(count(primary, "orders")).isZero();
        }
    }

    @Test
    void deletedReplicaFileIsNoticedAndReadsFallBackToThePrimary() throws Exception {
        try (ReplicaAwareDataSource ds = quicklyProbed()) {
            awaitState(ds, "copy", NodeState.UP);
            assertThat(readOnlyMarker(ds)).isEqualTo("replica");
            Files.delete(replica);
            awaitState(ds, "copy", NodeState.DOWN);
            // the primary's driver refuses setReadOnly as well: the reads are served all the same, the refusal logged once
            PrintStream err = System.err;
            ByteArrayOutputStream log = new ByteArrayOutputStream();
            System.setErr(new PrintStream(log, true, StandardCharsets.UTF_8));
            try {
                assertThat(readOnlyMarker(ds)).isEqualTo("primary");
                assertThat(readOnlyMarker(ds)).isEqualTo("primary");
            } finally {
                System.setErr(err);
            }
            assertThat(log.toString(StandardCharsets.UTF_8).lines().filter(l -> l.contains("refuses to make an open connection read-only")))
                    .singleElement().asString().contains("quick", "primary");
            assertThat(Files.exists(replica)).as("the probe must not create an empty replica file").isFalse();
        }
    }

    @Test
    void replicaFileRestoredAfterItWasGoneIsReadAfreshNotTheDeletedOne() throws Exception {
        try (ReplicaAwareDataSource ds = quicklyProbed()) {
            awaitState(ds, "copy", NodeState.UP);
            assertThat(readOnlyMarker(ds)).isEqualTo("replica"); // leaves an idle pool connection on the old file
            Files.delete(replica);
            awaitState(ds, "copy", NodeState.DOWN);
            try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + replica); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE marker (name TEXT NOT NULL)");
                s.execute("INSERT INTO marker VALUES ('restored')");
            }
            awaitState(ds, "copy", NodeState.UP);
            assertThat(readOnlyMarker(ds)).isEqualTo("restored");
        }
    }

    @Test
    void primaryOpenedReadOnlyByMistakeRefusesWritesWithAClearError() throws Exception {
        String yaml = "cluster: mistaken\n"
                + "primary:  { name: primary, url: \"jdbc:sqlite:" + primary + "\" }\n"
                + "pool:     { dataSourceProperties: { open_mode: 1 } }\n";
        try (ReplicaAwareDataSource ds = ReplicaAwareDataSource.fromYaml(Files.writeString(dir.resolve("m.yml"), yaml));
             Connection c = ds.getConnection()) {
            SQLException refused = catchThrowableOfType(SQLException.class, c::createStatement);
            assertThat((Throwable) refused).isNotNull();
            assertThat(refused.getSQLState()).isEqualTo("25006");
            assertThat(refused.getMessage()).contains("'primary'", "'mistaken'", "opened read-only");
            assertThat(readOnlyMarker(ds)).isEqualTo("primary"); // reads are served there all the same
        }
        assertThat(count(primary, "orders")).isZero();
    }

    @Test
    void lockedReplicaFileIsNoticedAndReadsFallBackToThePrimary() throws Exception {
        try (ReplicaAwareDataSource ds = quicklyProbed()) {
            awaitState(ds, "copy", NodeState.UP);
            assertThat(readOnlyMarker(ds)).isEqualTo("replica");
            try (Connection locker = DriverManager.getConnection("jdbc:sqlite:" + replica);
                 Statement s = locker.createStatement()) {
                s.execute("BEGIN EXCLUSIVE"); // no other connection may read the file until it ends
                awaitState(ds, "copy", NodeState.DOWN);
                assertThat(readOnlyMarker(ds)).isEqualTo("primary");
                s.execute("ROLLBACK");
            }
            awaitState(ds, "copy", NodeState.UP);
            assertThat(readOnlyMarker(ds)).isEqualTo("replica");
        }
    }

    private static long count(Path file, String table) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    static void awaitState(ReplicaAwareDataSource ds, String node, NodeState state) {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (true) {
            NodeState seen = ds.topology().node(node).map(NodeStatus::state).orElse(null);
            if (seen == state) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Waited 15 s for node " + node + " to be " + state + "; last seen " + ds.topology());
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("Interrupted while waiting for node " + node + " to be " + state);
            }
        }
    }
}
