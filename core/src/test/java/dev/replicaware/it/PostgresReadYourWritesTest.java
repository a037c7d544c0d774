package dev.replicaware.it;

import dev.replicaware.testkit.PostgresCluster;
import dev.replicaware.testkit.ReplicatedCluster;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

class PostgresReadYourWritesTest extends ReadYourWritesContract {
    @Override
    ReplicatedCluster startCluster() {
        return PostgresCluster.builder().replicas(2).start();
    }

    @Override
    String portExpression() {
        return "inet_server_port()";
    }

    /** Transactions committed in the application's database: each autocommit statement is one. */
    @Override
    long statementsOnPrimary(ReplicatedCluster cluster) throws SQLException {
        try (Connection c = cluster.connectAdmin(cluster.primary()); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT xact_commit FROM pg_stat_database WHERE datname = '"
                     + cluster.primary().jdbcUrl().replaceAll(".*/([^/?]+).*", "$1") + "'")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
