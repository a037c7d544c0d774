package dev.replicaware.it;

import dev.replicaware.testkit.PostgresCluster;
import dev.replicaware.testkit.ReplicatedCluster;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

class PostgresAutocommitReadRoutingTest extends AutocommitReadRoutingContract {
    @Override
    ReplicatedCluster startCluster() {
        return PostgresCluster.builder().replicas(1).start();
    }

    @Override
    String port() {
        return "inet_server_port()";
    }

    @Override
    List<String> portQueriesForThePrimary() {
        return List.of(
                "SELECT inet_server_port() FROM ac_probe WHERE id = 1 FOR UPDATE",
                "SELECT inet_server_port() FROM ac_probe FOR SHARE",
                "SELECT inet_server_port(), nextval('ac_seq')",
                "SELECT inet_server_port(), pg_try_advisory_lock(42)",
                "SELECT inet_server_port(), set_config('application_name', 'x', false)",
                "SELECT inet_server_port() --comment",
                "SELECT inet_server_port(), pg_is_in_recovery()");
    }

    @Override
    void prepare(Statement s) throws SQLException {
        s.execute("CREATE SCHEMA ac_other");
    }

    @Override
    void setState(Connection c) throws SQLException {
        c.setSchema("ac_other");
    }

    @Override
    void resetState(Connection c) throws SQLException {
        c.setSchema("public");
    }

    @Override
    String stateQuery() {
        return "SELECT inet_server_port(), current_schema()";
    }

    @Override
    String expectedState() {
        return "ac_other";
    }

    @Override
    List<String> sessionStateChanges() {
        return List.of("SET search_path TO public", "CREATE TEMPORARY TABLE ac_tmp (id INT)", "SELECT 1 INTO TEMP ac_tmp2");
    }
}
