package dev.replicaware.jdbc;

import dev.replicaware.support.StubCluster;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

import static org.assertj.core.api.Assertions.assertThat;

/** What a read-only statement keeps for a read retry: only the first run can be retried, so only it is remembered. */
class RetryMemoryTest {
    private StubCluster cluster;

    @AfterEach
    void close() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void aReusedReadOnlyStatementForgetsItsParametersOnceItHasRun() throws SQLException {
        cluster = StubCluster.start(1);
        try (Connection c = cluster.dataSource.getConnection()) {
            c.setReadOnly(true);
            PreparedStatement ps = c.prepareStatement("SELECT server");
            ps.setInt(1, 0);
            ps.setString(2, "first");
            assertThat(((StatementWrapper) ps).rememberedCalls()).as("calls kept for a retry of the first run").isEqualTo(2);
            for (int i = 1; i <= 1000; i++) {
                ps.setInt(1, i);
                ps.setString(2, "x" + i);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                }
            }
            assertThat(((StatementWrapper) ps).rememberedCalls()).as("calls kept after 1000 runs").isZero();
        }
    }
}
