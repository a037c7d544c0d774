package dev.replicaware.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.replicaware.testkit.MariaDbCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code backup} and {@code restore --verify} end to end on MariaDB (its dump tool ships with the testkit): a backup
 * from the replica, a restore that matches, one that does not (exit 1, the table named), and a refusal with no replica.
 */
class BackupCommandTest {
    @TempDir
    Path dir;

    @Test
    void backsUpFromTheReplicaAndVerifiesTheRestore() throws Exception {
        try (MariaDbCluster c = MariaDbCluster.builder().replicas(1).start()) {
            try (Connection conn = c.connectApp(c.primary()); Statement s = conn.createStatement()) {
                s.execute("CREATE TABLE orders (id INT PRIMARY KEY, note VARCHAR(20))");
                s.execute("INSERT INTO orders VALUES (1, 'a'), (2, NULL), (3, 'c')");
            }
            c.waitForReplication(Duration.ofSeconds(30));
            Path yaml = Files.writeString(dir.resolve("cluster.yml"), "cluster: orders\n"
                    + "username: " + c.app().username() + "\npassword: \"" + c.app().password() + "\"\n"
                    + "primary: { name: primary, url: \"" + c.primary().jdbcUrl() + "\" }\n"
                    + "replicas:\n  - { name: replica1, url: \"" + c.replicas().get(0).jdbcUrl() + "\" }\n"
                    + "failover: { mode: automatic, adminUsername: " + c.admin().username() + ", adminPassword: \""
                    + c.admin().password() + "\" }\n");
            Path out = dir.resolve("backup");

            Run backup = Run.of("backup", "--config", yaml.toString(), "--out", out.toString(), "--tools", c.binDirectory().toString());
            System.out.println(backup);
            assertThat(backup.exitCode()).as(backup.toString()).isEqualTo(BackupCommand.OK);
            assertThat(backup.out()).contains("CHECKSUM app.orders (3 rows)").contains("DUMP     orders (3 rows)")
                    .contains("node replica1 (replica)").contains("back in read rotation");
            assertThat(backup.out() + backup.err()).doesNotContain(c.app().password()).doesNotContain(c.admin().password());
            assertThat(out.resolve("manifest.json")).exists();
            assertThat(out.resolve("dump.sql")).exists();

            Run verify = Run.of("restore", "--verify", out.toString());
            System.out.println(verify);
            assertThat(verify.exitCode()).as(verify.toString()).isEqualTo(RestoreCommand.IDENTICAL);
            assertThat(verify.out()).contains("IDENTICAL: 1 tables, 3 rows");

            Path manifest = out.resolve("manifest.json");
            Files.writeString(manifest, Files.readString(manifest).replace("\"rows\" : 3", "\"rows\" : 4"));
            Run differs = Run.of("restore", "--verify", out.toString());
            System.out.println(differs);
            assertThat(differs.exitCode()).as(differs.toString()).isEqualTo(RestoreCommand.DIFFERS);
            assertThat(differs.out()).contains("DIFFERS: table app.orders: 4 rows in the manifest, 3 restored");

            c.stop(c.replicas().get(0));
            Run refused = Run.of("backup", "--config", yaml.toString(), "--out", dir.resolve("refused").toString(),
                    "--tools", c.binDirectory().toString());
            System.out.println(refused);
            assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(BackupCommand.FAILED);
            assertThat(refused.err()).contains("no replica qualifies").contains("replica1: it is DOWN").contains("--allow-primary");
        }
    }
}
