package dev.replicaware.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Testcontainers clusters, proven from the servers: each node says who it is and what role it has, and every
 * replica serves the row written on the primary. Where Docker is absent each test is reported as skipped, with why.
 */
class ContainerClustersTest {
    private static final String PG_WHO = "SELECT current_setting('cluster_name'), NOT pg_is_in_recovery()";
    private static final String MYSQL_WHO = "SELECT @@report_host, NOT @@super_read_only";

    @Test
    @ExtendWith(RequiresDocker.class)
    void postgresReplicasServeWhatThePrimaryWrote() throws Exception {
        try (ReplicatedCluster cluster = ContainerClusters.postgres(2)) {
            assertThat(cluster.engine()).isEqualTo(ReplicatedCluster.Engine.POSTGRESQL);
            assertThat(cluster.currentPrimary()).isSameAs(cluster.primary());
            writeOnPrimaryAndReadEverywhere(cluster, PG_WHO, 1);
        }
    }

    @Test
    @ExtendWith(RequiresDocker.class)
    void mysqlReplicasServeWhatThePrimaryWrote() throws Exception {
        try (ReplicatedCluster cluster = ContainerClusters.mysql(2)) {
            assertThat(cluster.engine()).isEqualTo(ReplicatedCluster.Engine.MYSQL);
            assertThat(cluster.currentPrimary()).isSameAs(cluster.primary());
            writeOnPrimaryAndReadEverywhere(cluster, MYSQL_WHO, 1);
        }
    }

    @Test
    @ExtendWith(RequiresDocker.class)
    void postgresKilledReplicaKeepsItsDataAndCatchesUp() throws Exception {
        try (ReplicatedCluster cluster = ContainerClusters.postgres(1)) {
            killWriteStartAndCatchUp(cluster, PG_WHO);
        }
    }

    @Test
    @ExtendWith(RequiresDocker.class)
    void mysqlKilledReplicaKeepsItsDataAndCatchesUp() throws Exception {
        try (ReplicatedCluster cluster = ContainerClusters.mysql(1)) {
            killWriteStartAndCatchUp(cluster, MYSQL_WHO);
        }
    }

    @Test
    void withoutDockerStartingAClusterSaysWhy() {
        Optional<String> reason = ContainerClusters.dockerUnavailableReason();
        Assumptions.assumeTrue(reason.isPresent(), "Docker is available: nothing to refuse");
        assertThat(ContainerClusters.dockerAvailable()).isFalse();
        assertThatThrownBy(() -> ContainerClusters.postgres(1)).isInstanceOf(TestkitException.class)
                .hasMessageContaining("PostgreSQL").hasMessageContaining(reason.get());
        assertThatThrownBy(() -> ContainerClusters.mysql(1)).isInstanceOf(TestkitException.class)
                .hasMessageContaining("MySQL").hasMessageContaining(reason.get());
    }

    @Test
    void replicaCountOutsideZeroToFourIsRefused() {
        assertThatThrownBy(() -> ContainerClusters.postgres(5)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("replicas must be between 0 and 4, but was 5");
        assertThatThrownBy(() -> ContainerClusters.mysql(-1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("replicas must be between 0 and 4, but was -1");
    }

    /**
     * The PostgreSQL replica's container command, run by bash with the image's tools replaced by stubs that log their
     * arguments: the first start clones the primary, a restart goes straight to the entrypoint.
     */
    @Test
    void postgresReplicaScriptClonesOnlyOnFirstStart(@TempDir Path dir) throws Exception {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path calls = dir.resolve("calls.log");
        stub(bin, "gosu", "shift; exec \"$@\"");
        stub(bin, "chown", "true");
        stub(bin, "pg_basebackup", "echo \"pg_basebackup $*\" >> " + calls + "; echo 17 > \"$PGDATA/PG_VERSION\"");
        stub(bin, "docker-entrypoint.sh", "echo \"entrypoint $*\" >> " + calls);
        String script = PostgresContainerCluster.replicaScript("primary", "replica1", new Credentials("repl", "pw"));

        runBash(script, bin, dir.resolve("data"));
        runBash(script, bin, dir.resolve("data"));

        List<String> lines = Files.readAllLines(calls);
        String server = String.join(" ", PostgresContainerCluster.serverCommand("replica1"));
        assertThat(lines).containsExactly(
                "pg_basebackup -d host=primary port=5432 user=repl password=pw application_name=replica1 -D "
                        + dir.resolve("data") + " -R -X stream -c fast",
                "entrypoint " + server,
                "entrypoint " + server);
        assertThat(server).contains("cluster_name=replica1", "wal_level=replica", "hot_standby=on");
    }

    @Test
    void postgresInitScriptIsValidBash() throws Exception {
        String script = PostgresContainerCluster.initScript(new Credentials("app", "a"), new Credentials("adm", "f"),
                new Credentials("repl", "r"));
        Process p = new ProcessBuilder("bash", "-n", "-c", script).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as("bash -n says: %s", out).isZero();
        assertThat(script).contains("CREATE ROLE repl LOGIN REPLICATION PASSWORD 'r';", "host replication repl all scram-sha-256",
                "CREATE ROLE adm LOGIN PASSWORD 'f';", "GRANT pg_signal_backend TO adm;");
    }

    private static void stub(Path bin, String name, String body) throws IOException {
        Path f = bin.resolve(name);
        Files.writeString(f, "#!/bin/bash\n" + body + "\n");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private static void runBash(String script, Path bin, Path pgdata) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("bash", "-c", script).redirectErrorStream(true);
        pb.environment().put("PATH", bin + ":" + System.getenv("PATH"));
        pb.environment().put("PGDATA", pgdata.toString());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as("exit code of the replica script, which printed: %s", out).isZero();
    }

    private static void writeOnPrimaryAndReadEverywhere(ReplicatedCluster cluster, String whoSql, int id) throws SQLException {
        try (Connection c = cluster.connectApp(cluster.primary()); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS note(id INT PRIMARY KEY, body VARCHAR(40))");
            s.execute("INSERT INTO note VALUES (" + id + ", 'written on the primary')");
        }
        cluster.waitForReplication(Duration.ofSeconds(30));
        for (ClusterNode n : cluster.nodes()) {
            try (Connection c = cluster.connectApp(n); Statement s = c.createStatement()) {
                try (ResultSet rs = s.executeQuery(whoSql)) {
                    rs.next();
                    assertThat(rs.getString(1)).as("the name %s's server gives itself", n).isEqualTo(n.name());
                    assertThat(rs.getBoolean(2)).as("whether %s's server says it is the primary", n).isEqualTo(n.startedAsPrimary());
                }
                try (ResultSet rs = s.executeQuery("SELECT body FROM note WHERE id = " + id)) {
                    assertThat(rs.next()).as("row %d on %s", id, n).isTrue();
                    assertThat(rs.getString(1)).isEqualTo("written on the primary");
                }
            }
        }
    }

    private static void killWriteStartAndCatchUp(ReplicatedCluster cluster, String whoSql) throws SQLException {
        ClusterNode replica = cluster.replicas().get(0);
        writeOnPrimaryAndReadEverywhere(cluster, whoSql, 1);

        cluster.kill(replica);
        assertThat(replica.isRunning()).isFalse();
        assertThat(catchConnect(cluster, replica)).as("a login to killed %s", replica).isPresent();

        try (Connection c = cluster.connectApp(cluster.primary()); Statement s = c.createStatement()) {
            s.execute("INSERT INTO note VALUES (2, 'written while the replica was down')");
        }
        cluster.start(replica);
        assertThat(replica.isRunning()).isTrue();
        writeOnPrimaryAndReadEverywhere(cluster, whoSql, 3);
        try (Connection c = cluster.connectApp(replica); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM note")) {
            rs.next();
            assertThat(rs.getInt(1)).as("rows on %s after its restart", replica).isEqualTo(3);
        }
    }

    private static Optional<SQLException> catchConnect(ReplicatedCluster cluster, ClusterNode node) {
        try {
            cluster.connectApp(node).close();
            return Optional.empty();
        } catch (SQLException e) {
            return Optional.of(e);
        }
    }

    /** Runs a test only where Testcontainers finds Docker; otherwise skips it with the reason, said once on stdout. */
    static final class RequiresDocker implements ExecutionCondition {
        private static final AtomicBoolean TOLD = new AtomicBoolean();

        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            Optional<String> reason = ContainerClusters.dockerUnavailableReason();
            if (reason.isEmpty()) {
                return ConditionEvaluationResult.enabled("Docker is available");
            }
            if (TOLD.compareAndSet(false, true)) {
                System.out.println("Docker is not available: Testcontainers tests skipped (" + reason.get() + ")");
            }
            return ConditionEvaluationResult.disabled("Docker is not available: " + reason.get());
        }
    }
}
