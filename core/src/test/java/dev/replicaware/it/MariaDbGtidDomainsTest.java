package dev.replicaware.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.replicaware.ReplicaAwareDataSource;
import dev.replicaware.testkit.ClusterNode;
import dev.replicaware.testkit.MariaDbCluster;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * MariaDB with a second GTID domain (a batch job with its own {@code gtid_domain_id}): the application's commits are in
 * domain 0, the replicas far along in domain 7. A replica that has not replayed a commit of domain 0 must not look as
 * if it had because its domain 7 is ahead. Both replicas are 2 s behind, so no read may be served by one; every read
 * must see the write before it, proven from the row, and the node that served it is read back from the server.
 */
class MariaDbGtidDomainsTest {

    @Test
    void progressInAnotherDomainDoesNotMakeALateReplicaLookCaughtUp() throws SQLException {
        try (MariaDbCluster c = MariaDbCluster.builder().replicas(2).start()) {
            try (Connection a = c.connectApp(c.primary()); Statement s = a.createStatement()) {
                s.execute("CREATE TABLE ryw (id BIGINT PRIMARY KEY)");
            }
            try (Connection a = c.connectAdmin(c.primary()); Statement s = a.createStatement()) {
                s.execute("CREATE TABLE batch (id BIGINT PRIMARY KEY)");
                s.execute("SET SESSION gtid_domain_id = 7");
                s.execute("SET SESSION gtid_seq_no = 1000000"); // a batch job that has been running a while
                s.execute("INSERT INTO batch VALUES (1)");
            }
            c.waitForReplication(Duration.ofSeconds(30));
            for (ClusterNode r : c.replicas()) {
                c.applyDelay(r, Duration.ofSeconds(2));
            }
            try (ReplicaAwareDataSource ds = RoutingContractTest.dataSource(c, b -> b.pool(Map.of("maximumPoolSize", "2",
                    "minimumIdle", "1")))) {
                Map<String, Integer> served = new TreeMap<>();
                int stale = 0;
                for (long id = 1; id <= 20; id++) {
                    try (Connection w = ds.getConnection()) {
                        w.setAutoCommit(false);
                        try (PreparedStatement ps = w.prepareStatement("INSERT INTO ryw (id) VALUES (?)")) {
                            ps.setLong(1, id);
                            ps.executeUpdate();
                        }
                        w.commit();
                    }
                    try (Connection r = ds.getConnection()) {
                        r.setReadOnly(true);
                        r.setAutoCommit(false);
                        try (PreparedStatement ps = r.prepareStatement("SELECT count(*), @@port FROM ryw WHERE id = ?")) {
                            ps.setLong(1, id);
                            try (ResultSet rs = ps.executeQuery()) {
                                rs.next();
                                int port = rs.getInt(2);
                                served.merge(c.nodes().stream().filter(n -> n.port() == port).findFirst()
                                        .map(ClusterNode::name).orElse("port " + port), 1, Integer::sum);
                                if (rs.getLong(1) != 1) {
                                    stale++;
                                }
                            }
                        }
                        r.commit();
                    }
                }
                System.out.printf("second GTID domain: stale %d of 20; served %s%n", stale, served);
                assertThat(stale).as("reads that missed the write committed before them; served " + served).isZero();
                assertThat(served).as("both replicas are 2 s behind every write").containsOnlyKeys(c.primary().name());
            }
        }
    }
}
