package dev.replicaware.it;

import dev.replicaware.testkit.ClusterNode;
import dev.replicaware.testkit.MariaDbCluster;
import dev.replicaware.testkit.ReplicatedCluster;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

class MariaDbObservedRoleTest extends ObservedRoleContract {
    @Override
    ReplicatedCluster startCluster() {
        return MariaDbCluster.builder().replicas(1).start();
    }

    @Override
    String whichNodeSql() {
        return "SELECT @@port";
    }

    @Override
    void makeReplicaClaimPrimary(ReplicatedCluster cluster, ClusterNode replica) throws SQLException {
        try (Connection c = cluster.connectAdmin(replica); Statement s = c.createStatement()) {
            s.execute("SET GLOBAL read_only = 0");
        }
    }
}
