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

    /** The position (@@last_gtid) is read after the commit. */
    @Override
    int readYourWritesRoundTripsPerWrite() {
        return 1;
    }

    @Override
    java.time.Duration applyDelay() {
        return java.time.Duration.ofSeconds(2);
    }

    /** SET SESSION TRANSACTION READ ONLY and READ WRITE, which a plain pool sends for each read-only transaction. */
    @Override
    int readOnlyFlagRoundTripsSavedPerRead() {
        return 2;
    }
}
