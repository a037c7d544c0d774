package dev.replicaware.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.replicaware.testkit.ClusterNode;
import dev.replicaware.testkit.PostgresCluster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code status --config FILE}: its table and exit codes on a healthy cluster, a dead primary, and broken files. */
class StatusCommandTest {
    private static final String PASSWORD_PROPERTY = "replicaware.cli.test.password";

    @TempDir
    Path dir;

    private PostgresCluster cluster;

    @AfterEach
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
        System.clearProperty(PASSWORD_PROPERTY);
    }

    /** The file an operator would write, the password from a placeholder, automatic failover with admin credentials. */
    private Path yaml(PostgresCluster c) throws IOException {
        System.setProperty(PASSWORD_PROPERTY, c.app().password());
        StringBuilder y = new StringBuilder()
                .append("cluster: orders\n")
                .append("username: ").append(c.app().username()).append('\n')
                .append("password: ${").append(PASSWORD_PROPERTY).append("}\n")
                .append("primary: { name: ").append(c.primary().name()).append(", url: \"").append(c.primary().jdbcUrl()).append("\" }\n")
                .append("replicas:\n");
        for (ClusterNode r : c.replicas()) {
            y.append("  - { name: ").append(r.name()).append(", url: \"").append(r.jdbcUrl()).append("\" }\n");
        }
        y.append("failover: { mode: automatic, adminUsername: ").append(c.failoverAdmin().username())
                .append(", adminPassword: \"").append(c.failoverAdmin().password()).append("\" }\n");
        return Files.writeString(dir.resolve("cluster.yml"), y);
    }

    @Test
    void healthyClusterExitsZeroAndListsEveryNodeWithItsRole() throws IOException {
        cluster = PostgresCluster.builder().replicas(2).start();
        Run run = Run.of("status", "--config", yaml(cluster).toString());
        System.out.println(run);

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(StatusCommand.OK);
        assertThat(run.out()).containsPattern("primary +PRIMARY +UP")
                .containsPattern("replica1 +REPLICA +UP")
                .containsPattern("replica2 +REPLICA +UP")
                .contains("OK: one reachable primary, primary; 2 of 2 replicas can serve reads within maxLag 5 s.");
        assertNoSecret(run);
    }

    @Test
    void deadPrimaryExitsOneSayingNoReachablePrimaryAndPromotesNothing() throws Exception {
        cluster = PostgresCluster.builder().replicas(2).synchronousReplicas(1).start();
        Path file = yaml(cluster);
        cluster.kill(cluster.primary());

        Run run = Run.of("status", "--config", file.toString());
        System.out.println(run);

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(StatusCommand.NO_SINGLE_PRIMARY);
        assertThat(run.out()).containsPattern("primary +PRIMARY +DOWN")
                .containsPattern("replica1 +REPLICA +UP")
                .contains("FAILED: no reachable primary");
        // the file says failover automatic; status must not act on it: the servers say both are still replicas
        for (ClusterNode r : cluster.replicas()) {
            assertThat(inRecovery(r)).as("%s is still a replica", r.name()).isTrue();
        }
        assertNoSecret(run);
    }

    @Test
    void brokenYamlExitsTwoNamingTheLine() throws IOException {
        Path file = Files.writeString(dir.resolve("broken.yml"), """
                cluster: orders
                primary: { url: "jdbc:postgresql://db1:5432/orders" }
                replica:
                  - url: "jdbc:postgresql://db2:5432/orders"
                health: { timeout: 1000 }
                """);
        Run run = Run.of("status", "--config", file.toString());
        System.out.println(run);

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(StatusCommand.CONFIG_ERROR);
        assertThat(run.err()).contains("Invalid configuration of Replicaware cluster 'orders'", file.toString(), "2 problems",
                "replica (line 3, column 1): is not a setting; did you mean 'replicas'?", "health.timeout (line 5");
        assertThat(run.out()).isEmpty();
    }

    @Test
    void missingFileExitsTwo() {
        Run run = Run.of("status", "--config", dir.resolve("nowhere.yml").toString());

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(StatusCommand.CONFIG_ERROR);
        assertThat(run.err()).contains("Cannot read the Replicaware configuration", "nowhere.yml");
    }

    @Test
    void missingConfigOptionIsAUsageError() {
        Run run = Run.of("status");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("Missing required option: '--config=FILE'", "Usage: replicaware status");
    }

    private boolean inRecovery(ClusterNode node) throws SQLException {
        try (Connection c = cluster.connectAdmin(node); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT pg_is_in_recovery()")) {
            rs.next();
            return rs.getBoolean(1);
        }
    }

    private void assertNoSecret(Run run) {
        assertThat(run.out() + run.err()).doesNotContain(cluster.app().password(), cluster.failoverAdmin().password());
    }
}
