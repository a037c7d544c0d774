package dev.replicaware.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.replicaware.ReplicaAwareDataSource;
import dev.replicaware.config.ClusterConfig;
import dev.replicaware.config.FailoverConfig;
import dev.replicaware.support.SteadyWriter;
import dev.replicaware.testkit.ClusterNode;
import dev.replicaware.testkit.ReplicatedCluster;
import dev.replicaware.topology.NodeStatus;
import dev.replicaware.topology.TopologyEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A backup taken from a replica of a real cluster while writes run: the held replica serves no reads (asked of the
 * server, from a second, separate DataSource that only sees the replica's replay paused), the dump restores with the
 * manifest's counts and checksums, replay resumes and the replica catches up; a dump killed half-way leaves the
 * replica replaying and back in rotation.
 */
abstract class BackupContract {
    static final int ITEMS = 20_000;
    static ReplicatedCluster cluster;

    /** The cluster under test, started once; null when the engine's tools are missing (the tests are then skipped). */
    abstract ReplicatedCluster startCluster();

    /** A cluster of one server to restore into. */
    abstract ReplicatedCluster startScratch();

    /** Where the dump and restore tools are. */
    abstract Path tools();

    /** SQL answering the port of the server that ran it. */
    abstract String portSql();

    /** The engine, whose own check says whether a replica's replay is paused (asked of the server). */
    abstract Engine engine();

    /** DDL of the tables the backup is tested on. */
    abstract List<String> schema();

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
            cluster = null;
        }
    }

    ReplicatedCluster cluster() {
        if (cluster == null) {
            ReplicatedCluster started = startCluster();
            try (Connection c = started.connectApp(started.primary()); Statement s = c.createStatement()) {
                for (String ddl : schema()) {
                    s.execute(ddl);
                }
                started.waitForReplication(Duration.ofSeconds(60));
            } catch (SQLException | RuntimeException e) {
                started.close();
                throw new IllegalStateException("Could not set up the tables to back up: " + e.getMessage(), e);
            }
            cluster = started;
        }
        return cluster;
    }

    ReplicaAwareDataSource dataSource(ReplicatedCluster c) {
        ClusterConfig.Builder b = ClusterConfig.builder("backup-test")
                .primary("primary", c.primary().jdbcUrl())
                .username(c.app().username()).password(c.app().password())
                .maxLag(Duration.ofSeconds(5))
                .failover(new FailoverConfig(FailoverConfig.Mode.EXTERNAL, null, null, c.admin().username(), c.admin().password()));
        for (ClusterNode r : c.replicas()) {
            b.replica(r.name(), r.jdbcUrl());
        }
        ReplicaAwareDataSource ds = new ReplicaAwareDataSource(b.build());
        // a loaded machine can fail a first probe: start from every replica UP, as a backup in production would
        awaitTrue(Duration.ofSeconds(30), () -> ds.topology().replicas().stream()
                        .allMatch(s -> s.state() == dev.replicaware.topology.NodeState.UP),
                () -> "replicas not UP: " + ds.topology().replicas());
        return ds;
    }

    /** Read-only transactions on {@code ds} in a loop; each records when it began and the port that served it. */
    static final class Reader implements AutoCloseable {
        record Read(long beganNanos, int port) {}

        final ConcurrentLinkedQueue<Read> reads = new ConcurrentLinkedQueue<>();
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final Thread thread;

        Reader(ReplicaAwareDataSource ds, String portSql, String name) {
            thread = new Thread(() -> {
                while (running.get()) {
                    long began = System.nanoTime();
                    try (Connection c = ds.getConnection()) {
                        c.setReadOnly(true);
                        c.setAutoCommit(false);
                        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(portSql)) {
                            rs.next();
                            reads.add(new Read(began, rs.getInt(1)));
                        }
                        c.commit();
                    } catch (Exception e) {
                        failure.compareAndSet(null, e);
                    }
                }
            }, "backup-test-reader-" + name);
            thread.start();
        }

        long count(long fromNanos, long toNanos, int port, boolean onPort) {
            return reads.stream().filter(r -> r.beganNanos - fromNanos >= 0 && toNanos - r.beganNanos > 0)
                    .filter(r -> (r.port == port) == onPort).count();
        }

        @Override
        public void close() throws InterruptedException {
            running.set(false);
            thread.join(10_000);
        }
    }

    /** Rotation events of one DataSource, with when they were heard. */
    static final class Rotation {
        record Heard(TopologyEvent event, long atNanos) {}

        final List<Heard> events = new CopyOnWriteArrayList<>();

        Rotation(ReplicaAwareDataSource ds) {
            ds.addTopologyListener(e -> {
                if (e.type() == TopologyEvent.Type.OUT_OF_ROTATION || e.type() == TopologyEvent.Type.BACK_IN_ROTATION) {
                    events.add(new Heard(e, System.nanoTime()));
                }
            });
        }

        Heard first(String node, TopologyEvent.Type type) {
            return events.stream().filter(h -> h.event.node().equals(node) && h.event.type() == type).findFirst().orElse(null);
        }
    }

    @Test
    void backupUnderLoadIsServedByNoHeldReplicaAndRestoresIdentically(@TempDir Path tmp) throws Exception {
        ReplicatedCluster c = cluster();
        Path dir = tmp.resolve("backup");
        try (SteadyWriter writer = new SteadyWriter(c, "backup_writes");
             ReplicaAwareDataSource backupDs = dataSource(c);
             ReplicaAwareDataSource appDs = dataSource(c)) {
            Rotation inBackupDs = new Rotation(backupDs);
            Rotation inAppDs = new Rotation(appDs);
            try (Reader local = new Reader(backupDs, portSql(), "local"); Reader other = new Reader(appDs, portSql(), "other")) {
                AtomicLong heldAt = new AtomicLong();
                AtomicLong releasedAt = new AtomicLong();
                AtomicReference<String> held = new AtomicReference<>();
                Map<BackupProgress.Phase, Integer> phases = new ConcurrentHashMap<>();
                List<String> lines = new CopyOnWriteArrayList<>();
                ReplicaBackup backup = ReplicaBackup.builder(backupDs).to(dir).toolDirectory(tools()).onProgress(p -> {
                    lines.add(p.toString());
                    phases.merge(p.phase(), 1, Integer::sum);
                    if (p.phase() == BackupProgress.Phase.RELEASE) {
                        releasedAt.set(System.nanoTime()); // before replay resumes: the end of the window, conservatively
                    }
                    if (p.phase() == BackupProgress.Phase.HOLD) {
                        heldAt.set(System.nanoTime());
                        held.set(inBackupDs.first(p.node(), TopologyEvent.Type.OUT_OF_ROTATION) == null ? null : p.node());
                    }
                    if (p.phase() == BackupProgress.Phase.CHECKSUM && phases.get(BackupProgress.Phase.CHECKSUM) == 1) {
                        // the replica is paused now: the other instance must see it at its next probe, and read elsewhere
                        String node = held.get();
                        awaitTrue(Duration.ofSeconds(20), () -> inAppDs.first(node, TopologyEvent.Type.OUT_OF_ROTATION) != null
                                        && other.count(inAppDs.first(node, TopologyEvent.Type.OUT_OF_ROTATION).atNanos(),
                                        System.nanoTime(), -1, false) >= 200,
                                () -> "the other DataSource's rotation events: " + inAppDs.events + ", status "
                                        + appDs.topology().node(node).orElseThrow());
                    }
                }).build();

                BackupManifest manifest = backup.run();
                lines.forEach(l -> System.out.println("  progress " + l));

                String node = held.get();
                assertThat(node).as("the held node, heard as OUT_OF_ROTATION by the backup's DataSource").isNotNull();
                assertThat(manifest.node()).isEqualTo(node);
                assertThat(manifest.role()).isEqualTo("replica");
                int heldPort = c.node(node).port();
                assertThat(inBackupDs.first(node, TopologyEvent.Type.OUT_OF_ROTATION).event().detail()).isEqualTo(ReplicaBackup.HOLD_REASON);
                Rotation.Heard out = inAppDs.first(node, TopologyEvent.Type.OUT_OF_ROTATION);
                assertThat(out.event().detail()).isEqualTo("replay paused");
                awaitTrue(Duration.ofSeconds(30), () -> inAppDs.first(node, TopologyEvent.Type.BACK_IN_ROTATION) != null,
                        () -> "the other DataSource never heard " + node + " back in rotation: " + inAppDs.events);
                long backIn = inAppDs.first(node, TopologyEvent.Type.BACK_IN_ROTATION).atNanos();
                awaitTrue(Duration.ofSeconds(30), () -> inBackupDs.first(node, TopologyEvent.Type.BACK_IN_ROTATION) != null,
                        () -> "the backup's DataSource never heard " + node + " back in rotation: " + inBackupDs.events);
                // An event is heard after its publication, so reads up to the release only: none may reach the node before it
                long endedAt = releasedAt.get();

                long localElsewhere = local.count(heldAt.get(), endedAt, heldPort, false);
                long localOnHeld = local.count(heldAt.get(), endedAt, heldPort, true);
                long otherElsewhere = other.count(out.atNanos(), endedAt, heldPort, false);
                long otherOnHeld = other.count(out.atNanos(), endedAt, heldPort, true);
                System.out.printf("BACKUP %s: %d tables, %d rows, %d ms; node %s; reads routed elsewhere while held:"
                                + " %d in the backup's DataSource, %d in the other instance's; served by the held node: %d, %d%n",
                        manifest.engine(), manifest.tables().size(), manifest.rows(), manifest.duration().toMillis(), node,
                        localElsewhere, otherElsewhere, localOnHeld, otherOnHeld);
                assertThat(localOnHeld).as("reads the backup's own DataSource sent to the held replica").isZero();
                assertThat(otherOnHeld).as("reads another instance sent to the held replica after seeing its replay paused").isZero();
                assertThat(localElsewhere).isPositive();
                assertThat(otherElsewhere).isGreaterThanOrEqualTo(200);
                assertThat(local.failure.get()).as("read failures in the backup's DataSource").isNull();
                assertThat(other.failure.get()).as("read failures in the other DataSource").isNull();

                // replay resumed, the replica catches up and serves reads again
                try (Connection admin = c.connectAdmin(c.node(node))) {
                    assertThat(engine().isPaused(admin)).as("replay paused on " + node + " after the backup").isFalse();
                }
                c.waitForReplication(Duration.ofSeconds(30));
                awaitTrue(Duration.ofSeconds(20), () -> other.count(backIn, System.nanoTime(), heldPort, true) > 0
                        && local.count(endedAt, System.nanoTime(), heldPort, true) > 0, () -> "no read served by " + node + " again");
            }
            writer.check();
        }

        BackupManifest m = BackupManifest.read(dir);
        assertThat(m.tables()).extracting(BackupManifest.Table::name).contains("items", "backup_writes", "nullable");
        assertThat(m.tables().stream().filter(t -> t.name().equals("items")).findFirst().orElseThrow().rows()).isEqualTo(ITEMS);
        assertThat(m.position()).isNotBlank();
        assertThat(m.toolVersion()).isNotBlank();
        assertThat(m.serverVersion()).isNotBlank();

        try (ReplicatedCluster scratch = startScratch()) {
            long t0 = System.nanoTime();
            List<String> differences = ReplicaBackup.restoreAndVerify(dir, scratch.primary().jdbcUrl(), scratch.admin().username(),
                    scratch.admin().password(), tools(), p -> { });
            System.out.printf("RESTORE %s: %d tables, %d rows verified in %d ms%n", m.engine(), m.tables().size(), m.rows(),
                    (System.nanoTime() - t0) / 1_000_000);
            assertThat(differences).as("differences between the restored copy and the manifest").isEmpty();

            // the check can fail: the same dump against a manifest whose checksum of one table was altered
            Path tampered = tmp.resolve("tampered");
            copyTree(dir, tampered);
            String json = Files.readString(tampered.resolve(BackupManifest.FILE_NAME));
            String sum = m.tables().stream().filter(t -> t.name().equals("items")).findFirst().orElseThrow().checksum();
            Files.writeString(tampered.resolve(BackupManifest.FILE_NAME), json.replace("\"" + sum + "\"", "\"1" + sum + "\""));
            try (Connection admin = scratch.connectAdmin(scratch.primary()); Statement s = admin.createStatement()) {
                s.execute("CREATE DATABASE verify2");
            }
            String url = scratch.primary().jdbcUrl().replace("/" + scratch.database(), "/verify2");
            List<String> tamperedDiff = ReplicaBackup.restoreAndVerify(tampered, url, scratch.admin().username(),
                    scratch.admin().password(), tools(), p -> { });
            assertThat(tamperedDiff).hasSize(1);
            assertThat(tamperedDiff.get(0)).contains("items").contains("checksum");
        }
    }

    @Test
    void aDumpKilledHalfWayLeavesTheReplicaReplayingAndInRotation(@TempDir Path tmp) throws Exception {
        ReplicatedCluster c = cluster();
        try (SteadyWriter writer = new SteadyWriter(c, "backup_writes"); ReplicaAwareDataSource ds = dataSource(c)) {
            Rotation rotation = new Rotation(ds);
            AtomicReference<String> held = new AtomicReference<>();
            AtomicLong killed = new AtomicLong(-1);
            AtomicReference<ReplicaBackup> self = new AtomicReference<>();
            ReplicaBackup backup = ReplicaBackup.builder(ds).to(tmp.resolve("killed")).toolDirectory(tools()).onProgress(p -> {
                if (p.phase() == BackupProgress.Phase.HOLD) {
                    held.set(p.node());
                }
                if (p.phase() == BackupProgress.Phase.DUMP && killed.get() < 0) {
                    long pid = self.get().dumpPid();
                    ProcessHandle.of(pid).ifPresent(h -> {
                        h.descendants().forEach(ProcessHandle::destroyForcibly);
                        h.destroyForcibly();
                    });
                    killed.set(pid);
                }
            }).build();
            self.set(backup);
            assertThatThrownBy(backup::run).isInstanceOf(BackupException.class).hasMessageContaining("exited with code");
            assertThat(killed.get()).as("the dump's pid, killed at its first table").isPositive();
            String node = held.get();
            try (Connection admin = c.connectAdmin(c.node(node))) {
                assertThat(engine().isPaused(admin)).as("replay paused on " + node + " after the killed dump").isFalse();
            }
            c.waitForReplication(Duration.ofSeconds(30));
            // back in rotation at the first probe that sees replay running again
            awaitTrue(Duration.ofSeconds(10), () -> {
                NodeStatus s = ds.topology().node(node).orElseThrow();
                return s.outOfRotation() == null && s.servesReadsWithin(Duration.ofSeconds(5));
            }, () -> "status of " + node + ": " + ds.topology().node(node).orElseThrow());
            assertThat(rotation.first(node, TopologyEvent.Type.BACK_IN_ROTATION)).isNotNull();
            writer.check();
        }
    }

    /** What the CLI's shutdown hook (Ctrl-C) does: abort from another thread, which waits for the clean-up. */
    @Test
    void anAbortedBackupResumesReplayBeforeAbortReturns(@TempDir Path tmp) throws Exception {
        ReplicatedCluster c = cluster();
        try (ReplicaAwareDataSource ds = dataSource(c)) {
            AtomicReference<String> held = new AtomicReference<>();
            AtomicReference<ReplicaBackup> self = new AtomicReference<>();
            AtomicReference<Thread> aborter = new AtomicReference<>();
            AtomicBoolean abortedInTime = new AtomicBoolean();
            ReplicaBackup backup = ReplicaBackup.builder(ds).to(tmp.resolve("aborted")).toolDirectory(tools()).onProgress(p -> {
                if (p.phase() == BackupProgress.Phase.HOLD) {
                    held.set(p.node());
                }
                if (p.phase() == BackupProgress.Phase.CHECKSUM && aborter.get() == null) {
                    Thread t = new Thread(() -> {
                        try {
                            abortedInTime.set(self.get().abort(Duration.ofSeconds(30)));
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }, "aborter");
                    aborter.set(t);
                    t.start();
                }
            }).build();
            self.set(backup);
            assertThatThrownBy(backup::run).isInstanceOf(BackupException.class).hasMessageContaining("aborted");
            aborter.get().join(30_000);
            assertThat(abortedInTime).as("abort() returned after the clean-up").isTrue();
            try (Connection admin = c.connectAdmin(c.node(held.get()))) {
                assertThat(engine().isPaused(admin)).as("replay paused on " + held.get() + " after abort").isFalse();
            }
        }
    }

    static void awaitTrue(Duration timeout, BooleanSupplier condition, Supplier<String> lastSeen) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not true within " + timeout + "; " + lastSeen.get());
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    private static void copyTree(Path from, Path to) throws java.io.IOException {
        try (var paths = Files.walk(from)) {
            for (Path p : (Iterable<Path>) paths::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }
}
