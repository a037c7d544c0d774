package dev.replicaware.it;

import dev.replicaware.testkit.ClusterNode;
import dev.replicaware.testkit.PostgresCluster;
import dev.replicaware.testkit.ReplicatedCluster;

class PostgresObservedRoleTest extends ObservedRoleContract {
    @Override
    ReplicatedCluster startCluster() {
        return PostgresCluster.builder().replicas(1).start();
    }

    @Override
    String whichNodeSql() {
        return "SELECT inet_server_port()";
    }

    @Override
    void makeReplicaClaimPrimary(ReplicatedCluster cluster, ClusterNode replica) {
        ((PostgresCluster) cluster).query(replica, "SELECT pg_promote(true, 10)");
    }
}
