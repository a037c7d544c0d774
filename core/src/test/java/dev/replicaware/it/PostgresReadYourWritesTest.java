package dev.replicaware.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.replicaware.ReplicaAwareDataSource;
import dev.replicaware.config.RoutingConfig.ReadYourWrites;
import dev.replicaware.testkit.PostgresCluster;
import dev.replicaware.testkit.ReplicatedCluster;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PostgresReadYourWritesTest extends ReadYourWritesContract {
    @Override
    ReplicatedCluster startCluster() {
        return PostgresCluster.builder().replicas(2).start();
    }

    @Override
    double extraStatementsPerWrite() {
        return 1;
    }

    @Override
    String portExpression() {
        return NodePort.postgres();
    }

    @Override
    void prepareNodes(ReplicatedCluster cluster) throws SQLException {
        NodePort.createPostgres(cluster);
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

    /**
     * With read-your-writes the position is read in the COMMIT's own round trip ({@code COMMIT; SELECT ...} as one
     * string): a commit the server refuses (a deferred unique constraint, checked at COMMIT) must still fail as
     * {@code commit()} does, with the server's error, leave nothing behind, record no position, and leave the pooled
     * connection (a pool of one) fit for the next transaction.
     */
    @Test
    void aCommitTheServerRefusesFailsWithItsErrorLeavesNothingAndTheConnectionServesTheNextTransaction() throws SQLException {
        try (Connection c = cluster.connectApp(cluster.primary()); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE ryw_deferred (id INT, CONSTRAINT ryw_deferred_once UNIQUE (id) DEFERRABLE INITIALLY DEFERRED)");
        }
        try (ReplicaAwareDataSource ds = RoutingContractTest.dataSource(cluster, b -> b.readYourWrites(ReadYourWrites.INSTANCE)
                .pool(Map.of("maximumPoolSize", "1", "minimumIdle", "1")))) {
            long positionsBefore = ds.causalReads().positionsRead();
            try (Connection c = ds.getConnection()) {
                c.setAutoCommit(false);
                try (Statement s = c.createStatement()) {
                    s.executeUpdate("INSERT INTO ryw_deferred VALUES (1), (1)"); // accepted until COMMIT checks it
                }
                SQLException refused = catchThrowableOfType(SQLException.class, c::commit);
                assertThat((Throwable) refused).as("the COMMIT of a duplicate under a deferred unique constraint").isNotNull();
                assertThat(refused.getSQLState()).isEqualTo("23505");
                c.setAutoCommit(true);
            }
            assertThat(ds.causalReads().positionsRead()).as("positions recorded for a refused commit").isEqualTo(positionsBefore);
            try (Connection c = ds.getConnection()) {
                c.setAutoCommit(false);
                try (Statement s = c.createStatement()) {
                    s.executeUpdate("INSERT INTO ryw_deferred VALUES (2)");
                }
                c.commit();
                c.setAutoCommit(true);
            }
            assertThat(ds.causalReads().positionsRead()).isEqualTo(positionsBefore + 1);
        }
        try (Connection c = cluster.connectApp(cluster.primary()); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT string_agg(id::text, ',' ORDER BY id) FROM ryw_deferred")) {
            rs.next();
            assertThat(rs.getString(1)).as("rows on the primary").isEqualTo("2");
        }
    }

    /**
     * The wait on a replica is a PL/pgSQL code block. Where the application user may not use PL/pgSQL, a read that has
     * to wait for its replica must still wait there (polled from the client), not go to the primary every time.
     */
    @Test
    void withoutPlPgSqlAReadThatMustWaitForItsReplicaStillWaitsThere() throws SQLException {
        try (Connection c = cluster.connectAdmin(cluster.primary()); Statement s = c.createStatement()) {
            s.execute("REVOKE USAGE ON LANGUAGE plpgsql FROM PUBLIC");
        }
        try {
            cluster.waitForReplication(java.time.Duration.ofSeconds(30));
            int cycles = 100;
            Map<String, Integer> served = new java.util.TreeMap<>();
            try (ReplicaAwareDataSource ds = dataSource(b -> { })) { // the default: readYourWrites instance
                for (int i = 0; i < cycles; i++) {
                    Row row = writeThenReadInReadOnlyTransaction(ds);
                    assertThat(row.count()).as("the write committed before the read, read on " + row.node()).isEqualTo(1);
                    served.merge(row.node(), 1, Integer::sum);
                }
                System.out.printf("without PL/pgSQL: served %s; waited %d, primary %d%n", served,
                        ds.causalReads().waitedReads(), ds.causalReads().primaryReads());
                assertThat(ds.causalReads().waitedReads()).as("reads served by a replica after waiting for it").isPositive();
                assertThat(served.getOrDefault(cluster.primary().name(), 0)).as("reads served by the primary; served " + served)
                        .isLessThan(cycles / 10);
            }
        } finally {
            try (Connection c = cluster.connectAdmin(cluster.primary()); Statement s = c.createStatement()) {
                s.execute("GRANT USAGE ON LANGUAGE plpgsql TO PUBLIC");
            }
            cluster.waitForReplication(java.time.Duration.ofSeconds(30));
        }
    }
}
