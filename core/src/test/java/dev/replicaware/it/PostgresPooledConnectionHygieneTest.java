package dev.replicaware.it;

import dev.replicaware.testkit.PostgresCluster;
import dev.replicaware.testkit.ReplicatedCluster;

class PostgresPooledConnectionHygieneTest extends PooledConnectionHygieneContract {
    @Override
    ReplicatedCluster startCluster() {
        return PostgresCluster.builder().replicas(1).start();
    }

    @Override
    String sessionIdSql() {
        return "SELECT pg_backend_pid()";
    }

    @Override
    String killSessionSql(long id) {
        return "SELECT pg_terminate_backend(" + id + ")";
    }
}
