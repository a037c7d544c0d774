package dev.replicaware.backup;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.replicaware.testkit.PostgresCluster;
import dev.replicaware.testkit.ReplicatedCluster;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;

/**
 * {@link BackupContract} on PostgreSQL, from a locally installed PostgreSQL (Debian's {@code postgresql-15}): the
 * testkit's own PostgreSQL 18 has no {@code pg_dump}. Skipped, saying so, where none is installed.
 */
class PostgresBackupTest extends BackupContract {
    static Path home;

    @BeforeAll
    static void findInstall() {
        Optional<Path> found = PostgresCluster.findLocalInstall();
        if (found.isEmpty()) {
            System.out.println("PostgresBackupTest SKIPPED: no local PostgreSQL install with pg_dump (apt-get install"
                    + " postgresql-15, or -D" + PostgresCluster.LOCAL_INSTALL_PROPERTY + "=DIR)");
        }
        assumeTrue(found.isPresent(), () -> "SKIPPED: no local PostgreSQL install with pg_dump under /usr/lib/postgresql"
                + " or in -D" + PostgresCluster.LOCAL_INSTALL_PROPERTY + "; apt-get install postgresql-15");
        home = found.get();
    }

    @Override
    ReplicatedCluster startCluster() {
        return PostgresCluster.builder().fromLocalInstall(home).replicas(2).start();
    }

    @Override
    ReplicatedCluster startScratch() {
        return PostgresCluster.builder().fromLocalInstall(home).replicas(0).start();
    }

    @Override
    Path tools() {
        return home.resolve("bin");
    }

    @Override
    String portSql() {
        return "SELECT inet_server_port()";
    }

    @Override
    Engine engine() {
        return Engine.POSTGRESQL;
    }

    @Override
    List<String> schema() {
        return List.of(
                "CREATE TABLE items (id bigint PRIMARY KEY, name text NOT NULL, price numeric(12,2), added timestamptz,"
                        + " tags text[])",
                "INSERT INTO items SELECT g, 'item ' || g, g * 1.25, timestamptz '2026-01-01 00:00:00+00' + g * interval '1 minute',"
                        + " ARRAY['a' || (g % 7), 'b'] FROM generate_series(1, " + ITEMS + ") g",
                "CREATE TABLE nullable (k int, v text)",
                "INSERT INTO nullable VALUES (1, NULL), (NULL, '1'), (2, 'x'), (2, 'x')");
    }
}
