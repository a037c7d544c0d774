package dev.replicaware.it;

import dev.replicaware.testkit.MariaDbCluster;
import dev.replicaware.testkit.ReplicatedCluster;

/** {@link RoutingContractTest} on a real MariaDB primary with two GTID replicas, through mysql-connector-j. */
class MariaDbRoutingTest extends RoutingContractTest {

    @Override
    protected ReplicatedCluster startCluster() {
        return MariaDbCluster.builder().replicas(2).start();
    }

    @Override
    protected String whichNodeSql() {
        return "SELECT @@port";
    }
}
