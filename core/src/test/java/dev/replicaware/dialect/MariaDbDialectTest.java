package dev.replicaware.dialect;

import static org.assertj.core.api.Assertions.assertThat;

import dev.replicaware.ConsistencyToken;
import dev.replicaware.testkit.ClusterExtension;
import dev.replicaware.testkit.ClusterNode;
import dev.replicaware.testkit.MariaDbCluster;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class MariaDbDialectTest {
    @RegisterExtension
    static final ClusterExtension<MariaDbCluster> CLUSTER = ClusterExtension.of(() -> MariaDbCluster.builder().replicas(1).start());

    @Test
    void aMySqlUrlServedByMariaDbIsConfirmedAsMariaDb(MariaDbCluster db) throws SQLException {
        Dialect byUrl = Dialect.forUrl(db.primary().jdbcUrl());
        assertThat(byUrl).isInstanceOf(MySqlDialect.class);
        try (Connection c = db.connectApp(db.primary())) {
            assertThat(byUrl.confirm(c.getMetaData())).isInstanceOf(MariaDbDialect.class);
        }
    }

    @Test
    void primaryAndReplicaAreToldApartAndTheirGtidPositionsCompare(MariaDbCluster db) throws SQLException {
        Dialect dialect = MariaDbDialect.INSTANCE;
        ClusterNode replica = db.replicas().get(0);
        try (Connection p = probeConnection(db, db.primary(), dialect); Connection r = probeConnection(db, replica, dialect)) {
            try (Connection app = db.connectApp(db.primary()); Statement s = app.createStatement()) {
                s.execute("CREATE TABLE IF NOT EXISTS probe_t(id INT AUTO_INCREMENT PRIMARY KEY)");
                for (int i = 0; i < 5; i++) {
                    s.execute("INSERT INTO probe_t VALUES ()");
                }
            }
            Probe primary = dialect.probe(p);
            assertThat(primary.role()).isEqualTo(Role.PRIMARY);
            assertThat(primary.writePosition()).isGreaterThanOrEqualTo(6);

            db.waitForReplication(Duration.ofSeconds(10));
            Probe standby = dialect.probe(r);
            assertThat(standby.role()).isEqualTo(Role.REPLICA);
            assertThat(standby.receiving()).isTrue();
            assertThat(standby.replayedPosition()).isEqualTo(primary.writePosition());
            assertThat(standby.receivedPosition()).isGreaterThanOrEqualTo(standby.replayedPosition());
            assertThat(standby.reportedLagSeconds()).isZero();
        }
    }

    /**
     * A replica numbered ahead on another server's history (one that received more of a lost primary than the promoted
     * one did) has not replayed the new primary's commits, though {@code MASTER_GTID_WAIT} returns at once there.
     */
    @Test
    void aWaitOnAReplicaNumberedAheadOnAnotherServersHistoryIsNotReached(MariaDbCluster db) throws SQLException {
        ClusterNode replica = db.replicas().get(0);
        try (Connection admin = db.connectAdmin(replica); Statement s = admin.createStatement()) {
            String before;
            try (ResultSet rs = s.executeQuery("SELECT @@gtid_slave_pos")) {
                rs.next();
                before = rs.getString(1);
            }
            s.execute("STOP SLAVE");
            try {
                s.execute("SET GLOBAL gtid_slave_pos = '0-1-1000'");
                try (Connection app = db.connectApp(replica)) {
                    Duration wait = Duration.ofMillis(200);
                    assertThat(MariaDbDialect.INSTANCE.awaitPosition(app, ConsistencyToken.of(900, "0-1-900"), wait))
                            .as("the same server's history, numbered below").isTrue();
                    assertThat(MariaDbDialect.INSTANCE.awaitPosition(app, ConsistencyToken.of(900, "0-2-900"), wait))
                            .as("server 2's commit 900, on a replica whose last is server 1's 1000").isFalse();
                }
            } finally {
                s.execute("SET GLOBAL gtid_slave_pos = '" + before + "'");
                s.execute("START SLAVE");
            }
        }
    }

    @Test
    void identityNamesTheServerThatAnswered(MariaDbCluster db) throws SQLException {
        for (ClusterNode n : db.nodes()) {
            try (Connection c = db.connectApp(n); Statement s = c.createStatement();
                 var rs = s.executeQuery(MariaDbDialect.INSTANCE.serverIdentitySql())) {
                rs.next();
                assertThat(rs.getString(1)).endsWith(":" + n.port());
            }
        }
    }

    private static Connection probeConnection(MariaDbCluster db, ClusterNode node, Dialect dialect) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", db.app().username());
        p.setProperty("password", db.app().password());
        p.putAll(dialect.probeConnectionProperties());
        p.putAll(dialect.timeoutProperties(Duration.ofSeconds(2)));
        return DriverManager.getConnection(node.jdbcUrl(), p);
    }
}
