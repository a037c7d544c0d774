package dev.replicaware.it;

import dev.replicaware.testkit.MariaDbCluster;
import dev.replicaware.testkit.ReplicatedCluster;

class MariaDbLagAwareRoutingTest extends LagAwareRoutingContract {
    @Override
    ReplicatedCluster startCluster() {
        return MariaDbCluster.builder().replicas(2).start();
    }

    @Override
    String whichNodeSql() {
        return "SELECT @@port";
    }
}
