package dev.replicaware.dialect;

import static org.assertj.core.api.Assertions.assertThat;

import dev.replicaware.testkit.ClusterExtension;
import dev.replicaware.testkit.ClusterNode;
import dev.replicaware.testkit.PostgresCluster;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class PostgresDialectTest {
    @RegisterExtension
    static final ClusterExtension<PostgresCluster> CLUSTER = ClusterExtension.of(() -> PostgresCluster.builder().replicas(1).start());

    private final Dialect dialect = Dialect.forUrl("jdbc:postgresql://x/y");

    @Test
    void urlAndServerBothSayPostgres(PostgresCluster pg) throws SQLException {
        assertThat(dialect).isInstanceOf(PostgresDialect.class);
        try (Connection c = pg.connectAdmin(pg.primary())) {
            assertThat(dialect.confirm(c.getMetaData())).isSameAs(dialect);
        }
    }

    @Test
    void primaryAndReplicaAreToldApartAndTheirPositionsCompare(PostgresCluster pg) throws SQLException {
        ClusterNode replica = pg.replicas().get(0);
        try (Connection p = pg.connectAdmin(pg.primary()); Connection r = pg.connectAdmin(replica)) {
            try (Statement s = p.createStatement()) {
                s.execute("CREATE TABLE IF NOT EXISTS probe_t(id serial, pad text)");
                s.execute("INSERT INTO probe_t(pad) SELECT repeat('x', 100) FROM generate_series(1, 1000)");
            }
            Probe primary = dialect.probe(p);
            assertThat(primary.role()).isEqualTo(Role.PRIMARY);
            assertThat(primary.writePosition()).isPositive();
            assertThat(primary.replayedPosition()).isEqualTo(Probe.NO_POSITION);

            pg.waitForReplication(Duration.ofSeconds(10));
            Probe standby = dialect.probe(r);
            assertThat(standby.role()).isEqualTo(Role.REPLICA);
            assertThat(standby.receiving()).isTrue();
            assertThat(standby.replayedPosition()).isGreaterThanOrEqualTo(primary.writePosition());
            assertThat(standby.receivedPosition()).isGreaterThanOrEqualTo(standby.replayedPosition());
            // caught up: the replay timestamp's age only says how long the primary has been idle
            assertThat(standby.reportedLagSeconds()).isZero();
            assertThat(standby.readPosition()).isEqualTo(standby.replayedPosition());
        }
    }

    @Test
    void identityNamesTheServerThatAnswered(PostgresCluster pg) throws SQLException {
        for (ClusterNode n : pg.nodes()) {
            try (Connection c = pg.connectApp(n); Statement s = c.createStatement(); var rs = s.executeQuery(dialect.serverIdentitySql())) {
                rs.next();
                assertThat(rs.getString(1)).isEqualTo("127.0.0.1:" + n.port());
            }
        }
    }
}
