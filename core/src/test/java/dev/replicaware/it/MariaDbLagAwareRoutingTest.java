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

    @Override
    java.util.Map<String, String> socketTimeout(int seconds) {
        return java.util.Map.of("dataSource.socketTimeout", String.valueOf(seconds * 1000)); // Connector/J and MariaDB Connector/J count milliseconds
    }
}
