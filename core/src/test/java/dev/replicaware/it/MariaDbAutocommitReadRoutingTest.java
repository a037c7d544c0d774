package dev.replicaware.it;

import dev.replicaware.testkit.MariaDbCluster;
import dev.replicaware.testkit.ReplicatedCluster;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

class MariaDbAutocommitReadRoutingTest extends AutocommitReadRoutingContract {
    @Override
    ReplicatedCluster startCluster() {
        return MariaDbCluster.builder().replicas(1).start();
    }

    @Override
    String port() {
        return "@@port";
    }

    @Override
    List<String> portQueriesForThePrimary() {
        return List.of(
                "SELECT @@port FROM ac_probe WHERE id = 1 FOR UPDATE",
                "SELECT @@port FROM ac_probe LOCK IN SHARE MODE",
                "SELECT @@port, NEXT VALUE FOR ac_seq",
                "SELECT @@port, GET_LOCK('ac', 0)",
                "SELECT @@port, LAST_INSERT_ID()",
                "SELECT @@port, @ac_var",
                "SELECT @@port, @@read_only");
    }

    @Override
    void setState(Connection c) throws SQLException {
        c.setTransactionIsolation(Connection.TRANSACTION_SERIALIZABLE);
    }

    @Override
    void resetState(Connection c) throws SQLException {
        c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
    }

    @Override
    String stateQuery() {
        return "SELECT @@port, @@session.transaction_isolation";
    }

    @Override
    String expectedState() {
        return "SERIALIZABLE";
    }

    @Override
    List<String> sessionStateChanges() {
        return List.of("SET @ac_var = 1", "SET SESSION sql_mode = 'ANSI'", "CREATE TEMPORARY TABLE ac_tmp (id INT)");
    }
}
