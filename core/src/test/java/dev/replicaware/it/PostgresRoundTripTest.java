package dev.replicaware.it;

import dev.replicaware.testkit.PostgresCluster;
import dev.replicaware.testkit.ReplicatedCluster;

class PostgresRoundTripTest extends RoundTripContract {
    @Override
    ReplicatedCluster startCluster() {
        return PostgresCluster.builder().replicas(1).start();
    }

    @Override
    String whichNodeSql() {
        return "SELECT inet_server_port()";
    }

    /** The position is read in the COMMIT's own round trip. */
    @Override
    int readYourWritesRoundTripsPerWrite() {
        return 0;
    }

    @Override
    java.time.Duration applyDelay() {
        return java.time.Duration.ofMillis(400);
    }

    /** pgjdbc sends nothing for the read-only flag: it only makes the next BEGIN a BEGIN READ ONLY. */
    @Override
    int readOnlyFlagRoundTripsSavedPerRead() {
        return 0;
    }
}
