package dev.replicaware.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.replicaware.ReplicaAwareDataSource;
import dev.replicaware.config.ClusterConfig;
import dev.replicaware.config.FailoverConfig;
import dev.replicaware.testkit.PostgresCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The testkit's PostgreSQL 18 against a locally installed, older pg_dump: refused before the replica is touched. */
class PostgresDumpToolTooOldTest {

    @Test
    void anOlderDumpToolIsRefusedAndTheReplicaStaysInRotation(@TempDir Path tmp) throws Exception {
        Optional<Path> local = PostgresCluster.findLocalInstall();
        if (local.isEmpty()) {
            System.out.println("PostgresDumpToolTooOldTest SKIPPED: no local PostgreSQL install with pg_dump");
        }
        assumeTrue(local.isPresent(), "SKIPPED: no local PostgreSQL install with pg_dump (apt-get install postgresql-15)");
        String version = ToolRun.version(local.get().resolve("bin/pg_dump"));
        assumeTrue(ToolRun.toolMajor(version) < 18, () -> "SKIPPED: the local pg_dump is not older than 18: " + version);
        try (PostgresCluster pg = PostgresCluster.builder().replicas(1).start();
             ReplicaAwareDataSource ds = new ReplicaAwareDataSource(ClusterConfig.builder("old-tool")
                     .primary("primary", pg.primary().jdbcUrl()).replica("replica1", pg.replicas().get(0).jdbcUrl())
                     .username(pg.app().username()).password(pg.app().password())
                     .failover(new FailoverConfig(FailoverConfig.Mode.EXTERNAL, null, null, pg.admin().username(),
                             pg.admin().password()))
                     .build())) {
            BackupContract.awaitTrue(Duration.ofSeconds(30),
                    () -> ds.topology().node("replica1").orElseThrow().state() == dev.replicaware.topology.NodeState.UP,
                    () -> "replica1 is " + ds.topology().node("replica1").orElseThrow());
            Path dir = tmp.resolve("b");
            assertThatThrownBy(() -> ReplicaBackup.builder(ds).to(dir).toolDirectory(local.get().resolve("bin")).build().run())
                    .isInstanceOf(BackupException.class)
                    .hasMessageContaining("Cluster 'old-tool', node replica1")
                    .hasMessageContaining("older than the server's major version 18")
                    .hasMessageNotContaining(pg.app().password());
            assertThat(ds.topology().node("replica1").orElseThrow().outOfRotation()).isNull();
            try (var c = pg.connectAdmin(pg.replicas().get(0))) {
                assertThat(Engine.POSTGRESQL.isPaused(c)).isFalse();
            }
            assertThat(Files.list(dir).count()).as("files written").isZero();
        }
    }
}
