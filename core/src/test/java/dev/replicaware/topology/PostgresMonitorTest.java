package dev.replicaware.topology;

import dev.replicaware.testkit.ClusterExtension;
import dev.replicaware.testkit.PostgresCluster;
import dev.replicaware.testkit.ReplicatedCluster;
import org.junit.jupiter.api.extension.RegisterExtension;

class PostgresMonitorTest extends MonitorContract {
    @RegisterExtension
    static final ClusterExtension<PostgresCluster> CLUSTER = ClusterExtension.of(() -> PostgresCluster.builder().replicas(2).start());

    @Override
    ReplicatedCluster cluster() {
        return CLUSTER.get();
    }
}
