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
        return NodePort.postgres();
    }

    @Override
    void prepareNodes(ReplicatedCluster cluster) throws SQLException {
        NodePort.createPostgres(cluster);
    }

    @Override
    List<String> portQueriesForThePrimary() {
        return List.of(
                "SELECT " + port() + " FROM ac_probe WHERE id = 1 FOR UPDATE",
                "SELECT " + port() + " FROM ac_probe FOR SHARE",
                "SELECT " + port() + ", nextval('ac_seq')",
                "SELECT " + port() + ", pg_try_advisory_lock(42)",
                "SELECT " + port() + ", set_config('application_name', 'x', false)",
                "SELECT " + port() + " --comment",
                "SELECT " + port() + ", pg_is_in_recovery()",
                "SELECT inet_server_port()");
    }

    @Override
    void prepare(Statement s) throws SQLException {
        s.execute("CREATE SCHEMA ac_other");
    }

    @Override
    List<String> writingFunctions() {
        // owned by admin, executable by PUBLIC: the app calls them
        return List.of(
                "CREATE FUNCTION public.first(note text) RETURNS int LANGUAGE sql"
                        + " AS $$ INSERT INTO public.ac_log VALUES (note); SELECT 1 $$",
                "CREATE FUNCTION public.touch(public.ac_probe) RETURNS int LANGUAGE sql"
                        + " AS $$ INSERT INTO public.ac_log VALUES ('touch ' || $1.id); SELECT 1 $$",
                "CREATE FUNCTION public.ac_logged_eq(a int, b int) RETURNS boolean LANGUAGE sql"
                        + " AS $$ INSERT INTO public.ac_log VALUES ('==='); SELECT a = b $$",
                "CREATE OPERATOR public.=== (LEFTARG = int, RIGHTARG = int, FUNCTION = public.ac_logged_eq)",
                "GRANT INSERT ON public.ac_log TO PUBLIC");
    }

    @Override
    List<String> writingFunctionCalls() {
        return List.of(
                "SELECT " + port() + ", first('first')",
                "SELECT " + port() + ", p.touch FROM ac_probe p WHERE id = 1",
                "SELECT " + port() + ", 1 === 1");
    }

    @Override
    List<String> catalogReads() {
        return List.of(
                "SELECT " + port() + ", count(*) FROM pg_locks",
                "SELECT " + port() + ", count(*) FROM pg_catalog.pg_stat_activity",
                "SELECT " + port() + ", count(*) FROM pg_stat_replication",
                "SELECT " + port() + ", count(*) FROM information_schema.tables");
    }

    @Override
    String takeALock() {
        return "SELECT pg_backend_pid(), pg_advisory_lock(4242)";
    }

    @Override
    String locksHeldBy() {
        return "SELECT " + port() + ", count(*) FROM pg_locks WHERE locktype = 'advisory' AND objid = 4242 AND pid = ?";
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
        return "SELECT " + port() + ", current_schema()";
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
