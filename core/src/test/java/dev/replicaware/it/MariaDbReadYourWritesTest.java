package dev.replicaware.it;

import dev.replicaware.testkit.MariaDbCluster;
import dev.replicaware.testkit.ReplicatedCluster;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

class MariaDbReadYourWritesTest extends ReadYourWritesContract {
    @Override
    ReplicatedCluster startCluster() {
        return MariaDbCluster.builder().replicas(2).start();
    }

    @Override
    double extraStatementsPerWrite() {
        return 0;
    }

    @Override
    String portExpression() {
        return NodePort.mariaDb(cluster);
    }

    @Override
    void prepareNodes(ReplicatedCluster cluster) throws SQLException {
        NodePort.createMariaDb(cluster);
    }

    /** The server's {@code Questions}: statements clients sent, this query's own included. */
    @Override
    long statementsOnPrimary(ReplicatedCluster cluster) throws SQLException {
        try (Connection c = cluster.connectAdmin(cluster.primary()); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SHOW GLOBAL STATUS LIKE 'Questions'")) {
            rs.next();
            return rs.getLong(2);
        }
    }
}
