package dev.replicaware.topology;

import dev.replicaware.testkit.ClusterExtension;
import dev.replicaware.testkit.MariaDbCluster;
import dev.replicaware.testkit.ReplicatedCluster;
import java.time.Duration;
import org.junit.jupiter.api.extension.RegisterExtension;

class MariaDbMonitorTest extends MonitorContract {
    @RegisterExtension
    static final ClusterExtension<MariaDbCluster> CLUSTER = ClusterExtension.of(() -> MariaDbCluster.builder().replicas(2).start());

    /**
     * MASTER_DELAY works in whole seconds of the events' timestamps and the replica applies in one-second bursts, so a
     * replica delayed by 2 s is between 1 and 3 s behind from moment to moment (observed: 1.4 to 2.5 s).
     */
    @Override
    double[] trueLagRange(Duration delay) {
        double d = delay.toMillis() / 1000.0;
        return new double[] {d - 1, d + 1};
    }

    @Override
    ReplicatedCluster cluster() {
        return CLUSTER.get();
    }
}
