package dev.replicaware.it;

import dev.replicaware.testkit.MariaDbCluster;
import dev.replicaware.testkit.ReplicatedCluster;

class MariaDbRoundTripTest extends RoundTripContract {
    @Override
    ReplicatedCluster startCluster() {
        return MariaDbCluster.builder().replicas(1).start();
    }

    @Override
    String whichNodeSql() {
        return "SELECT @@port";
    }

    /**
     * None: the COMMIT's answer carries the position ({@code last_gtid} in MariaDB's session tracking, read through
     * Connector/J) once the pooled connection reports it, which the first commit on it arranges.
     */
    @Override
    int readYourWritesRoundTripsPerWrite() {
        return 0;
    }

    @Override
    java.time.Duration applyDelay() {
        return java.time.Duration.ofSeconds(2);
    }

    /**
     * SET SESSION TRANSACTION READ ONLY and READ WRITE, which a plain pool sends for each read-only transaction (the
     * replica's pool holds its connections read-only), and SET autocommit=0 and =1 (autocommit is left as the last
     * transaction left it: Node.autoCommitFloats).
     */
    @Override
    int readOnlyFlagRoundTripsSavedPerRead() {
        return 4;
    }
}
