package dev.replicaware.spring;

import dev.replicaware.ReadConsistency;
import dev.replicaware.ReplicaAwareConnection;
import dev.replicaware.ReplicaAwareDataSource;
import dev.replicaware.config.ClusterConfig;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * The auto-configured DataSource: a {@link ReplicaAwareDataSource} whose connections take the read consistency of
 * the {@link dev.replicaware.spring.ReadConsistency @ReadConsistency} or {@link ReadFromPrimary @ReadFromPrimary}
 * method running on the calling thread, so a transaction that such a method starts is routed by it. One thread-local
 * read per {@code getConnection()}; nothing else differs.
 */
final class SpringReplicaAwareDataSource extends ReplicaAwareDataSource {

    SpringReplicaAwareDataSource(ClusterConfig config) {
        super(config);
    }

    @Override
    public Connection getConnection() throws SQLException {
        Connection connection = super.getConnection();
        ReadConsistency requested = ReadConsistencyContext.current();
        if (requested != null) {
            connection.unwrap(ReplicaAwareConnection.class).setReadConsistency(requested); // no physical connection yet
        }
        return connection;
    }
}
