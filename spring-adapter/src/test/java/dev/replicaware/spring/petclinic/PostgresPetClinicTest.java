package dev.replicaware.spring.petclinic;

import dev.replicaware.testkit.ClusterNode;
import dev.replicaware.testkit.PostgresCluster;
import dev.replicaware.testkit.ReplicatedCluster;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

import org.junit.jupiter.api.AfterAll;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The PetClinic-shaped application on a PostgreSQL primary with two streaming replicas, one delayed. SELECTs are
 * counted per server as scans of the application's tables ({@code pg_stat_user_tables}, which a standby keeps for
 * the queries it runs); the tables have no foreign keys, so the primary's counts are not inflated by the key checks
 * of inserts. Read-your-writes' own queries (the commit position on the primary, the replay position polled on a
 * replica) read no table, so these counts hold the application's SELECTs only.
 */
@DirtiesContext // its monitor would otherwise go on probing the stopped cluster for the rest of the run
@SpringBootTest(classes = PetClinicApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class PostgresPetClinicTest extends PetClinicContract {
    static final PostgresCluster CLUSTER = PostgresCluster.builder().replicas(2).app("petclinic", "pg-Pet-pw-58").start();

    static {
        createSchema(CLUSTER, "serial primary key");
    }

    @DynamicPropertySource
    static void replicaware(DynamicPropertyRegistry registry) {
        register(registry, CLUSTER);
    }

    @AfterAll
    static void stopCluster() {
        CLUSTER.close();
    }

    @Override
    ReplicatedCluster cluster() {
        return CLUSTER;
    }

    /** A backend publishes its counts within about a second of going idle. */
    @Override
    Duration countsTrailBy() {
        return Duration.ofMillis(1500);
    }

    @Override
    long selectsServed(ClusterNode node) throws SQLException {
        try (Connection c = CLUSTER.connectApp(node); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select coalesce(sum(coalesce(seq_scan, 0) + coalesce(idx_scan, 0)), 0)"
                     + " from pg_stat_user_tables where relname in ('owners', 'pets', 'visits')")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
