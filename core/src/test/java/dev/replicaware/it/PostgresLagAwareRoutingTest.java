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

    @Override
    java.util.Map<String, String> socketTimeout(int seconds) {
        return java.util.Map.of("dataSource.socketTimeout", String.valueOf(seconds)); // pgjdbc counts seconds
    }
}
