package dev.replicaware.spring.petclinic;

import dev.replicaware.testkit.ClusterNode;
import dev.replicaware.testkit.MariaDbCluster;
import dev.replicaware.testkit.ReplicatedCluster;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import org.junit.jupiter.api.AfterAll;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The PetClinic-shaped application on a MariaDB primary with two replicas, one delayed. SELECTs are counted per server
 * by {@code Com_select}, less the health probes Replicaware's monitor ran there (one SELECT each, counted by its
 * {@code replicaware.probe.duration} timer); read-your-writes' own SELECTs on replicas ({@code SELECT
 * MASTER_GTID_WAIT(...)}, one per wait) are taken off the share by its {@code replicaware.causal.wait} meter. On the
 * primary it sends a SELECT only for the first commit on each pooled connection (the commit position then comes back
 * in the COMMIT's answer): at most the pool's 4, left counted as the application's, which can only lower the share.
 */
@DirtiesContext // its monitor would otherwise go on probing the stopped cluster for the rest of the run
@SpringBootTest(classes = PetClinicApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        // as in MariaDbExampleTest: Hibernate cannot tell MariaDB from MySQL through mysql-connector-j
        properties = "spring.jpa.database-platform=org.hibernate.dialect.MariaDBDialect")
class MariaDbPetClinicTest extends PetClinicContract {
    static final MariaDbCluster CLUSTER = MariaDbCluster.builder().replicas(2).app("petclinic", "maria-Pet-pw-27").start();

    static {
        createSchema(CLUSTER, "int auto_increment primary key");
    }

    @Autowired
    MeterRegistry registry;

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

    @Override
    long selectsServed(ClusterNode node) throws SQLException {
        long probes = registry.find("replicaware.probe.duration").tag("node", node.name()).timers().stream()
                .mapToLong(Timer::count).sum();
        try (Connection c = CLUSTER.connectAdmin(node); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("show global status like 'Com_select'")) {
            rs.next();
            return rs.getLong(2) - probes;
        }
    }

    @Override
    long ownSelects(boolean onPrimary) {
        if (onPrimary) {
            return 0;
        }
        return (long) registry.find("replicaware.causal.wait").functionTimers().stream()
                .mapToDouble(FunctionTimer::count).sum();
    }
}
