package dev.replicaware.it;

import dev.replicaware.testkit.MariaDbCluster;
import dev.replicaware.testkit.ReplicatedCluster;

class MariaDbPooledConnectionHygieneTest extends PooledConnectionHygieneContract {
    @Override
    ReplicatedCluster startCluster() {
        return MariaDbCluster.builder().replicas(1).start();
    }

    @Override
    String sessionIdSql() {
        return "SELECT CONNECTION_ID()";
    }

    @Override
    String killSessionSql(long id) {
        return "KILL " + id;
    }
}
