package dev.replicaware.topology;

import dev.replicaware.testkit.ClusterExtension;
import dev.replicaware.testkit.MariaDbCluster;
import dev.replicaware.testkit.ReplicatedCluster;
import java.time.Duration;
import org.junit.jupiter.api.extension.RegisterExtension;

class MariaDbMonitorTest extends MonitorContract {
    @RegisterExtension
    static final ClusterExtension<MariaDbCluster> CLUSTER = ClusterExtension.of(() -> MariaDbCluster.builder().replicas(2).start());

    @Override
    double[] trueLagRange(Duration delay) {
        double d = delay.toMillis() / 1000.0;
        return new double[] {d, d + 1};
    }

    @Override
    ReplicatedCluster cluster() {
        return CLUSTER.get();
    }
}
