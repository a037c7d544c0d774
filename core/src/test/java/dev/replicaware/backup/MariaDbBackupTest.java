package dev.replicaware.backup;

import dev.replicaware.testkit.MariaDbCluster;
import dev.replicaware.testkit.ReplicatedCluster;
import java.nio.file.Path;
import java.util.List;

/** {@link BackupContract} on MariaDB, with the {@code mariadb-dump} and {@code mariadb} that ship with the testkit's MariaDB. */
class MariaDbBackupTest extends BackupContract {

    @Override
    ReplicatedCluster startCluster() {
        return MariaDbCluster.builder().replicas(2).start();
    }

    @Override
    ReplicatedCluster startScratch() {
        return MariaDbCluster.builder().replicas(0).start();
    }

    @Override
    Path tools() {
        return ((MariaDbCluster) cluster()).binDirectory();
    }

    @Override
    String portSql() {
        return "SELECT @@port";
    }

    @Override
    Engine engine() {
        return Engine.MARIADB;
    }

    @Override
    List<String> schema() {
        return List.of(
                "SET SESSION max_recursive_iterations = 1000000",
                "CREATE TABLE items (id BIGINT PRIMARY KEY, name VARCHAR(100) NOT NULL, price DECIMAL(12,2), added DATETIME(3))",
                "INSERT INTO items WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < " + ITEMS + ")"
                        + " SELECT n, CONCAT('item ', n), n * 1.25, TIMESTAMP '2026-01-01 00:00:00' + INTERVAL n MINUTE FROM s",
                "CREATE TABLE nullable (k INT, v VARCHAR(10))",
                "INSERT INTO nullable VALUES (1, NULL), (NULL, '1'), (2, 'x'), (2, 'x')");
    }
}
