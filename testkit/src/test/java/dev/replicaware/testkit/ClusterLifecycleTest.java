package dev.replicaware.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** No server outlives its cluster or its JVM, and failures to start say why. */
class ClusterLifecycleTest {

    @Test
    void closeStopsEveryServerProcessAndDeletesTheData() {
        PostgresCluster pg = PostgresCluster.builder().replicas(1).start();
        List<Long> pids = new ArrayList<>();
        for (ClusterNode n : pg.nodes()) {
            n.process().tree().forEach(h -> pids.add(h.pid()));
        }
        Path dir = pg.baseDir;
        assertThat(pids).hasSizeGreaterThan(4); // postmasters and their backends, walsender, walreceiver...
        pg.close();
        pg.close(); // idempotent
        assertThat(pids).allSatisfy(pid -> assertThat(alive(pid)).as("pid %d alive", pid).isFalse());
        assertThat(dir).doesNotExist();
        assertThatThrownBy(() -> pg.kill(pg.primary())).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }

    @Test
    void serversDieWhenTheJvmExitsWithoutClosingTheCluster() throws Exception {
        Child child = Child.start("exit");
        assertThat(child.process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        awaitAllDead(child.pids);
        assertThat(child.dir).as("the shutdown hook deletes the data").doesNotExist();
    }

    @Test
    void serversDieWhenTheJvmIsKilled() throws Exception {
        Child child = Child.start("hang");
        try {
            child.process.destroyForcibly(); // SIGKILL: no shutdown hook runs
            assertThat(child.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
            awaitAllDead(child.pids);
        } finally {
            Binaries.deleteTree(child.dir);
        }
    }

    @Test
    void aServerThatCannotStartFailsWithTheTailOfItsLog() {
        long before = ProcessHandle.current().descendants().count();
        assertThatThrownBy(() -> PostgresCluster.builder().replicas(1).setting("shared_buffers", "lots").start())
                .isInstanceOf(TestkitException.class)
                .hasMessageContaining("invalid value for parameter \"shared_buffers\"");
        assertThat(ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).count()).isLessThanOrEqualTo(before);
    }

    @Test
    void badBuilderInputIsRefusedWithTheValue() {
        assertThatThrownBy(() -> PostgresCluster.builder().replicas(5))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("replicas must be between 0 and 4, but was 5");
        assertThatThrownBy(() -> PostgresCluster.builder().database("my-db"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'my-db'");
        assertThatThrownBy(() -> PostgresCluster.builder().replicas(1).synchronousReplicas(2).start())
                .isInstanceOf(IllegalArgumentException.class).hasMessage("synchronousReplicas (2) cannot exceed replicas (1)");
        assertThatThrownBy(() -> PostgresCluster.builder().app("app", ""))
                .isInstanceOf(IllegalArgumentException.class).hasMessageNotContaining("app-secret");
    }

    @Test
    void synchronousReplicationMakesTheReplicasQuorumStandbys() throws Exception {
        try (PostgresCluster pg = PostgresCluster.builder().replicas(2).synchronousReplicas(1).start()) {
            assertThat(pg.query(pg.primary(), "SHOW synchronous_standby_names")).isEqualTo("ANY 1 (replica1, replica2)");
            assertThat(pg.query(pg.primary(), "SELECT string_agg(sync_state, ',') FROM pg_stat_replication"))
                    .isEqualTo("quorum,quorum");
            // With both standbys hung, a commit cannot be acknowledged.
            try (var c = pg.connectApp(pg.primary()); var s = c.createStatement()) {
                s.execute("CREATE TABLE sync_probe(id int)");
                pg.replicas().forEach(pg::pause);
                c.setNetworkTimeout(Runnable::run, 1500);
                assertThatThrownBy(() -> s.execute("INSERT INTO sync_probe VALUES (1)")).hasStackTraceContaining("timed out");
            } finally {
                pg.replicas().forEach(pg::resume);
            }
        }
    }

    private static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    private static void awaitAllDead(List<Long> pids) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        List<Long> alive = pids;
        while (!(alive = pids.stream().filter(ClusterLifecycleTest::alive).toList()).isEmpty()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Server processes still alive 20 s after their JVM ended: " + alive);
            }
            Thread.sleep(50);
        }
    }

    /** A second JVM that starts a cluster, reports its processes, then exits or hangs as told. */
    record Child(Process process, List<Long> pids, Path dir) {
        static Child start(String mode) throws Exception {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), ChildMain.class.getName(), mode)
                    .redirectErrorStream(true).start();
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            List<Long> pids = null;
            Path dir = null;
            StringBuilder seen = new StringBuilder();
            String line;
            while ((pids == null || dir == null) && (line = out.readLine()) != null) {
                seen.append(line).append('\n');
                if (line.startsWith("PIDS ")) {
                    pids = Arrays.stream(line.substring(5).split(" ")).map(Long::valueOf).toList();
                } else if (line.startsWith("DIR ")) {
                    dir = Path.of(line.substring(4));
                }
            }
            if (pids == null || dir == null) {
                p.destroyForcibly();
                throw new AssertionError("The child JVM did not report its cluster:\n" + seen);
            }
            assertThat(Files.isDirectory(dir)).isTrue();
            Thread drain = new Thread(() -> {
                try {
                    out.lines().forEach(l -> { });
                } catch (java.io.UncheckedIOException closed) {
                    // the child is gone
                }
            }, "child-drain");
            drain.setDaemon(true);
            drain.start();
            return new Child(p, pids, dir);
        }
    }

    /** The child JVM's entry point. */
    static final class ChildMain {
        public static void main(String[] args) throws Exception {
            PostgresCluster pg = PostgresCluster.builder().replicas(1).start();
            StringBuilder pids = new StringBuilder("PIDS");
            for (ClusterNode n : pg.nodes()) {
                n.process().tree().forEach(h -> pids.append(' ').append(h.pid()));
            }
            System.out.println(pids);
            System.out.println("DIR " + pg.baseDir);
            System.out.flush();
            if (args[0].equals("exit")) {
                System.exit(0); // no close(): the shutdown hooks must clean up
            }
            Thread.sleep(Long.MAX_VALUE);
        }
    }
}
