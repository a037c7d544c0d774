package dev.replicaware.it;

import dev.replicaware.testkit.MariaDbCluster;
import dev.replicaware.testkit.ReplicatedCluster;

/** {@link ReadsUnderStressContract} on a real MariaDB primary with two GTID replicas, through mysql-connector-j. */
class MariaDbReadsUnderStressTest extends ReadsUnderStressContract {

    @Override
    protected ReplicatedCluster startCluster() {
        return MariaDbCluster.builder().replicas(2).start();
    }

    @Override
    protected String whichNodeSql() {
        return "SELECT @@port";
    }
}
