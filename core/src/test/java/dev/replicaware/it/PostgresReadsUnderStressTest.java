package dev.replicaware.it;

import dev.replicaware.testkit.PostgresCluster;
import dev.replicaware.testkit.ReplicatedCluster;

/** {@link ReadsUnderStressContract} on a real PostgreSQL primary with two streaming replicas. */
class PostgresReadsUnderStressTest extends ReadsUnderStressContract {

    @Override
    protected ReplicatedCluster startCluster() {
        return PostgresCluster.builder().replicas(2).start();
    }

    @Override
    protected String whichNodeSql() {
        return "SELECT inet_server_port()";
    }
}
