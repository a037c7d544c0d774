package dev.replicaware.it;

import dev.replicaware.testkit.PostgresCluster;
import dev.replicaware.testkit.ReplicatedCluster;

/** {@link RoutingContractTest} on a real PostgreSQL primary with two streaming replicas. */
class PostgresRoutingTest extends RoutingContractTest {

    @Override
    protected ReplicatedCluster startCluster() {
        return PostgresCluster.builder().replicas(2).start();
    }

    @Override
    protected String whichNodeSql() {
        return "SELECT inet_server_port()";
    }
}
