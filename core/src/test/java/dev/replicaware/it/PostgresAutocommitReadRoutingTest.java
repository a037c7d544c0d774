package dev.replicaware.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.replicaware.testkit.PostgresCluster;
import dev.replicaware.testkit.ReplicatedCluster;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

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

    /**
     * Attribute notation with the set of callable functions read from the primary: {@code p.touch} calls
     * {@code touch(ac_probe)}, which writes, and runs on the primary (the row it wrote is there); {@code p.id} and
     * {@code p.note} are columns, and Hibernate's fully qualified reads run on a replica.
     */
    @Test
    void qualifiedColumnsRunOnAReplicaAndAttributeCallsOnThePrimary() throws SQLException {
        List<String> columnReads = List.of(
                "SELECT " + port() + ", p.id, p.note FROM ac_probe p WHERE p.id = ?",
                "select p1_0.id," + port() + " as port,p1_0.note from ac_probe p1_0 where p1_0.id=?",
                "SELECT " + port() + ", (p).note FROM ac_probe p",
                "SELECT " + port() + ", public.ac_probe.note FROM public.ac_probe");
        for (String sql : columnReads) {
            try (Connection c = dataSource().getConnection()) {
                assertThat(servedBy(c, sql)).as("served: %s", sql).isIn(replicaNames());
            }
        }
        for (String sql : List.of("SELECT " + port() + ", p.touch FROM ac_probe p WHERE p.id = ?",
                "SELECT " + port() + ", (p).\"touch\" FROM ac_probe p WHERE id = 1")) {
            long before = logged();
            try (Connection c = dataSource().getConnection()) {
                assertThat(servedBy(c, sql)).as("served: %s", sql).isEqualTo(primaryName());
            }
            assertThat(logged()).as("rows touch(ac_probe) wrote on the primary: %s", sql).isEqualTo(before + 1);
        }
        RoutingContractTest.awaitNoActiveConnections(dataSource());
    }

    /**
     * A function created after the DataSource started: until a refresh reads it, {@code p.ac_late} may still go to a
     * replica (the documented window; there the write fails, read-only); after one, it runs on the primary.
     */
    @Test
    void aFunctionCreatedAfterStartIsCalledOnThePrimaryOnceARefreshReadIt() throws SQLException {
        try (Connection c = cluster().connectAdmin(cluster().primary()); Statement s = c.createStatement()) {
            s.execute("CREATE FUNCTION public.ac_late(public.ac_probe) RETURNS int LANGUAGE sql"
                    + " AS $$ INSERT INTO public.ac_log VALUES ('late ' || $1.id); SELECT 1 $$");
        }
        cluster().waitForReplication(Duration.ofSeconds(30));
        String sql = "SELECT " + port() + ", p.ac_late FROM ac_probe p WHERE p.id = ?";
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        String last = "nothing yet";
        while (true) {
            long before = logged();
            try (Connection c = dataSource().getConnection()) {
                String served = servedBy(c, sql);
                if (served.equals(primaryName())) {
                    assertThat(logged()).as("rows ac_late wrote on the primary").isEqualTo(before + 1);
                    break;
                }
                last = "served by " + served;
            } catch (SQLException e) {
                last = e.getMessage(); // on a replica: cannot execute INSERT in a read-only transaction
            }
            assertThat(System.nanoTime() < deadline)
                    .as("%s ran on the primary within 60 s of the function's creation; last: %s", sql, last).isTrue();
            try {
                Thread.sleep(200); // the poll's pace; the refresh runs every second here (core/pom.xml), every 10 s by default
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
        RoutingContractTest.awaitNoActiveConnections(dataSource());
    }
}
