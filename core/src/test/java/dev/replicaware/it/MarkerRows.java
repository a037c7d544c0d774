package dev.replicaware.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.replicaware.ReplicaAwareDataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The generic-mode tests' proof of routing: each database file holds one row in a table {@code marker} naming the node
 * it belongs to, so a query says which node served it, whatever Replicaware believes.
 */
final class MarkerRows {
    private MarkerRows() {}

    /** The marker a read-only transaction sees, as Spring's {@code @Transactional(readOnly = true)} would run it. */
    static String readOnlyMarker(ReplicaAwareDataSource ds) throws SQLException {
        try (Connection c = ds.getConnection()) {
            c.setReadOnly(true);
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                String name = marker(s);
                c.commit();
                return name;
            }
        }
    }

    /** The marker of the node {@code s}'s connection is on. */
    static String marker(Statement s) throws SQLException {
        try (ResultSet rs = s.executeQuery("SELECT name FROM marker")) {
            assertThat(rs.next()).isTrue();
            return rs.getString(1);
        }
    }
}
