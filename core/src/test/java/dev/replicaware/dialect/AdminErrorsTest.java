package dev.replicaware.dialect;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import org.junit.jupiter.api.Test;

/** Which server answers are access errors, and that the node named in their message carries no credential. */
class AdminErrorsTest {

    @Test
    void accessErrorsOfBothEnginesAreRecognisedAndOthersAreNot() {
        assertThat(AdminErrors.isAccessDenied(new SQLException("Access denied; you need the RELOAD privilege", "42000", 1227))).isTrue();
        assertThat(AdminErrors.isAccessDenied(new SQLException("Access denied for user to database 'app'", "42000", 1044))).isTrue();
        assertThat(AdminErrors.isAccessDenied(new SQLException("permission denied for function pg_promote", "42501"))).isTrue();
        assertThat(AdminErrors.isAccessDenied(new SQLException("wrapped", new SQLException("password authentication failed", "28P01"))))
                .isTrue();
        assertThat(AdminErrors.isAccessDenied(new SQLException("Communications link failure", "08S01", 0))).isFalse();
        assertThat(AdminErrors.isAccessDenied(new SQLException("Unknown thread id", "HY000", 1094))).isFalse();
    }

    @Test
    void theNodeIsNamedByHostAndPortOnly() {
        assertThat(AdminErrors.address("jdbc:mysql://admin:s3cret@db1:3306/app?password=s3cret")).isEqualTo("db1:3306");
        assertThat(AdminErrors.address("jdbc:postgresql://127.0.0.1:5433/app?password=s3cret")).isEqualTo("127.0.0.1:5433");
        assertThat(AdminErrors.address("jdbc:mariadb://db2/app")).isEqualTo("db2");
        assertThat(AdminErrors.address("not a url")).isNull();
    }

    @Test
    void aRefusedConnectSaysWhatToGrant() {
        SQLException e = AdminErrors.connectRefused(new SQLException("Access denied for user 'replicaware_admin'@'%' to database 'app'",
                "42000", 1044), "replica1", "replicaware_admin");
        assertThat(e.getMessage()).contains("'replicaware_admin' cannot connect to node replica1", "SHOW VIEW");
        assertThat(e.getErrorCode()).isEqualTo(1044);
        SQLException other = new SQLException("Connection refused", "08001");
        assertThat(AdminErrors.connectRefused(other, "replica1", "x") == other).as("not an access error: the same").isTrue();
    }
}
