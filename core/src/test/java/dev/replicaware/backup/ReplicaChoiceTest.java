package dev.replicaware.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.replicaware.dialect.Role;
import dev.replicaware.topology.NodeState;
import dev.replicaware.topology.NodeStatus;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which node a backup takes, and how it refuses: no database needed. */
class ReplicaChoiceTest {
    private static final Duration MAX_LAG = Duration.ofSeconds(5);

    private static NodeStatus node(String name, Role role, NodeState state, double lag, long position, String outOfRotation) {
        return new NodeStatus(name, role, state, lag, 0, "bytes", true, null, Duration.ZERO,
                state == NodeState.DOWN ? "Connection refused" : null, position, outOfRotation);
    }

    private static final NodeStatus PRIMARY = node("db1", Role.PRIMARY, NodeState.UP, 0, 1000, null);

    @Test
    void takesTheReplicaThatReplayedFurthest() throws BackupException {
        NodeStatus chosen = ReplicaBackup.choose("shop", List.of(PRIMARY,
                node("db2", Role.REPLICA, NodeState.UP, 0.2, 900, null),
                node("db3", Role.REPLICA, NodeState.UP, 0.1, 950, null),
                node("db4", Role.REPLICA, NodeState.LAGGING, 9, 100, null)), MAX_LAG, false);
        assertThat(chosen.name()).isEqualTo("db3");
    }

    @Test
    void refusesNamingEveryReplicaAndWhy() {
        assertThatThrownBy(() -> ReplicaBackup.choose("shop", List.of(PRIMARY,
                node("db2", Role.REPLICA, NodeState.DOWN, Double.NaN, -1, null),
                node("db3", Role.REPLICA, NodeState.UP, 0.1, 950, "replay paused"),
                node("db4", Role.REPLICA, NodeState.LAGGING, 9, 100, null),
                node("db5", Role.REPLICA, NodeState.UP, 7, 120, null)), MAX_LAG, false))
                .isInstanceOf(BackupException.class)
                .hasMessageContaining("Cluster 'shop'")
                .hasMessageContaining("db2: it is DOWN (Connection refused)")
                .hasMessageContaining("db3: out of read rotation: replay paused")
                .hasMessageContaining("db4: it is LAGGING")
                .hasMessageContaining("db5: lag 7.000 s exceeds the bound of 5.000 s")
                .hasMessageContaining("--allow-primary");
    }

    @Test
    void takesThePrimaryOnlyWhenAllowed() throws BackupException {
        List<NodeStatus> nodes = List.of(PRIMARY, node("db2", Role.REPLICA, NodeState.DOWN, Double.NaN, -1, null));
        assertThat(ReplicaBackup.choose("shop", nodes, MAX_LAG, true).name()).isEqualTo("db1");
        assertThatThrownBy(() -> ReplicaBackup.choose("shop", nodes, MAX_LAG, false)).isInstanceOf(BackupException.class);
    }

    @Test
    void readsToolAndServerVersions() {
        assertThat(ToolRun.toolMajor("pg_dump (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)")).isEqualTo(15);
        assertThat(ToolRun.toolMajor("mariadb-dump from 11.4.5-MariaDB, client 10.19 for linux-systemd (x86_64)")).isEqualTo(11);
        assertThat(ToolRun.toolMajor("mysqldump  Ver 10.19 Distrib 10.11.6-MariaDB, for debian-linux-gnu (x86_64)")).isEqualTo(10);
        assertThat(ToolRun.toolMajor("mysqldump  Ver 8.4.3 for Linux on x86_64 (MySQL Community Server - GPL)")).isEqualTo(8);
        assertThat(ToolRun.serverMajor("18.1")).isEqualTo(18);
        assertThat(ToolRun.serverMajor("11.4.5-MariaDB-log")).isEqualTo(11);
    }

    @Test
    void endpointHasNoUrlParameters() {
        assertThat(Endpoint.of("jdbc:postgresql://db2:6432/shop?password=secret", 5432))
                .isEqualTo(new Endpoint("db2", 6432, "shop"));
        assertThat(Endpoint.of("jdbc:mysql://db3/shop?sslMode=DISABLED", 3306)).isEqualTo(new Endpoint("db3", 3306, "shop"));
        assertThatThrownBy(() -> Endpoint.of("jdbc:postgresql://db2:5432/?password=secret", 5432))
                .hasMessageContaining("names no database").hasMessageNotContaining("secret");
    }
}
