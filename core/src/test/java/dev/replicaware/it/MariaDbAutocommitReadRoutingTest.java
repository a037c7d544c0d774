package dev.replicaware.it;

import dev.replicaware.testkit.MariaDbCluster;
import dev.replicaware.testkit.ReplicatedCluster;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

class MariaDbAutocommitReadRoutingTest extends AutocommitReadRoutingContract {
    private String database;
    private ReplicatedCluster cluster;

    @Override
    ReplicatedCluster startCluster() {
        cluster = MariaDbCluster.builder().replicas(1).start();
        database = cluster.database();
        return cluster;
    }

    @Override
    String port() {
        return NodePort.mariaDb(cluster);
    }

    @Override
    void prepareNodes(ReplicatedCluster cluster) throws SQLException {
        NodePort.createMariaDb(cluster);
    }

    @Override
    List<String> portQueriesForThePrimary() {
        return List.of(
                "SELECT " + port() + " FROM ac_probe WHERE id = 1 FOR UPDATE",
                "SELECT " + port() + " FROM ac_probe LOCK IN SHARE MODE",
                "SELECT " + port() + ", NEXT VALUE FOR ac_seq",
                "SELECT " + port() + ", GET_LOCK('ac', 0)",
                "SELECT " + port() + ", LAST_INSERT_ID()",
                "SELECT " + port() + ", @ac_var",
                "SELECT " + port() + ", @@read_only",
                "SELECT @@port",
                "SELECT " + port() + ", @@server_id, @@hostname");
    }

    @Override
    List<String> writingFunctions() {
        return List.of(
                "CREATE DATABASE ac_other",
                "GRANT SELECT ON ac_other.* TO '" + cluster.app().username() + "'@'%'",
                // DETERMINISTIC: what binary logging asks of a function's creator without log_bin_trust_function_creators
                "CREATE FUNCTION " + database + ".first(note VARCHAR(40)) RETURNS INT DETERMINISTIC MODIFIES SQL DATA"
                        + " BEGIN INSERT INTO " + database + ".ac_log VALUES (note); RETURN 1; END");
    }

    @Override
    List<String> writingFunctionCalls() {
        return List.of("SELECT " + port() + ", first('first')");
    }

    @Override
    List<String> catalogReads() {
        return List.of(
                "SELECT " + port() + ", count(*) FROM information_schema.PROCESSLIST",
                "SELECT " + port() + ", count(*) FROM information_schema.TABLES",
                "SELECT " + port() + ", count(*) FROM information_schema.SCHEMATA");
    }

    @Override
    String takeALock() {
        return "SELECT CONNECTION_ID(), GET_LOCK('ac_held', 0)";
    }

    /** The holder's session in the process list: MariaDB shows a named lock there only with a plugin. */
    @Override
    String locksHeldBy() {
        return "SELECT " + port() + ", count(*) FROM information_schema.PROCESSLIST WHERE id = ?";
    }

    @Override
    void setState(Connection c) throws SQLException {
        c.setCatalog("ac_other");
    }

    @Override
    void resetState(Connection c) throws SQLException {
        c.setCatalog(database);
    }

    @Override
    String stateQuery() {
        return "SELECT " + port() + ", DATABASE()";
    }

    @Override
    String expectedState() {
        return "ac_other";
    }

    @Override
    List<String> sessionStateChanges() {
        return List.of("SET @ac_var = 1", "SET SESSION sql_mode = 'ANSI'", "CREATE TEMPORARY TABLE ac_tmp (id INT)");
    }
}
