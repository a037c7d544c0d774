package dev.replicaware.it;

import dev.replicaware.testkit.PostgresCluster;
import dev.replicaware.testkit.ReplicatedCluster;

class PostgresLagAwareRoutingTest extends LagAwareRoutingContract {
    @Override
    ReplicatedCluster startCluster() {
        return PostgresCluster.builder().replicas(2).start();
    }

    @Override
    String whichNodeSql() {
        return "SELECT inet_server_port()";
    }
}
