package dev.replicaware.spring.example;

import dev.replicaware.testkit.MariaDbCluster;
import dev.replicaware.testkit.ReplicatedCluster;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/** The example application on a MariaDB primary with two replicas: routing proven by {@code @@port}. */
@SpringBootTest(classes = ShopApplication.class, webEnvironment = SpringBootTest.WebEnvironment.NONE,
        // mysql-connector-j's getSQLKeywords() asks information_schema for a column MariaDB lacks, so Hibernate cannot
        // read the dialect from the metadata; naming it is what a MariaDB application on that driver does.
        properties = "spring.jpa.database-platform=org.hibernate.dialect.MariaDBDialect")
class MariaDbExampleTest extends ExampleApplicationContract {
    static final String PASSWORD = "maria-Sh0p-pw-71";
    static final MariaDbCluster CLUSTER = MariaDbCluster.builder().replicas(2).app("shop", PASSWORD).start();

    static {
        // A view may not read @@port; information_schema gives the same value.
        createServerInfoView(CLUSTER, "select cast(variable_value as unsigned) as port"
                + " from information_schema.global_variables where variable_name = 'PORT'");
    }

    @DynamicPropertySource
    static void replicaware(DynamicPropertyRegistry registry) {
        register(registry, CLUSTER, "select @@port");
    }

    @AfterAll
    static void stopCluster() {
        CLUSTER.close();
    }

    @Override
    ReplicatedCluster cluster() {
        return CLUSTER;
    }

    @Test
    void noPasswordInTheLog() throws Exception {
        assertThat(PostgresExampleTest.log()).doesNotContain(PASSWORD);
    }
}
