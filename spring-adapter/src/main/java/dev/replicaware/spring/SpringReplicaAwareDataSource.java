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
 * read per {@code getConnection()}; with {@code replicaware.web.consistency-token: http-session}, otherwise the
 * read-your-writes position held in the current request's HTTP session ({@link SessionConsistencyTokens}).
 */
final class SpringReplicaAwareDataSource extends ReplicaAwareDataSource {

    private final boolean sessionTokens;

    SpringReplicaAwareDataSource(ClusterConfig config) {
        this(config, false);
    }

    /** @param sessionTokens carry read-your-writes positions across HTTP requests in the HTTP session */
    SpringReplicaAwareDataSource(ClusterConfig config, boolean sessionTokens) {
        super(config);
        this.sessionTokens = sessionTokens;
        if (sessionTokens) {
            causalReads().setCommitListener(SessionConsistencyTokens::committed);
        }
    }

    @Override
    public Connection getConnection() throws SQLException {
        Connection connection = super.getConnection();
        ReadConsistency requested = ReadConsistencyContext.current();
        if (requested == null && sessionTokens) {
            dev.replicaware.ConsistencyToken token = SessionConsistencyTokens.current();
            requested = token == null ? null : ReadConsistency.readYourWrites(token);
        }
        if (requested != null) {
            connection.unwrap(ReplicaAwareConnection.class).setReadConsistency(requested); // no physical connection yet
        }
        return connection;
    }
}
