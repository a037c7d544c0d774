package dev.replicaware;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;

/**
 * What a connection of a {@link ReplicaAwareDataSource} adds to JDBC; reach it with
 * {@code connection.unwrap(ReplicaAwareConnection.class)}. Unwrapping takes no physical connection.
 */
public interface ReplicaAwareConnection extends Connection {

    /** The consistency this connection's read-only requests ask for; the DataSource's unless set. */
    ReadConsistency getReadConsistency();

    /**
     * Changes the consistency of this connection's read-only requests. Like {@link #setReadOnly}: at a transaction
     * boundary a change that could move the connection releases its physical connection, and inside a transaction
     * it is refused.
     */
    void setReadConsistency(ReadConsistency consistency) throws SQLException;

    /**
     * Where this connection's last write transaction committed: a token for {@link ReadConsistency#readYourWrites}, to
     * carry to another connection or request. Empty before a write, with {@code routing.readYourWrites: off}, and in
     * generic mode. Autocommit statements'
     * position is read when the connection is closed (or moves to another node): read the token after {@code close()}.
     */
    Optional<ConsistencyToken> consistencyToken();

    /** The name of the node whose physical connection this connection holds now; empty before the first statement. */
    Optional<String> servingNode();
}
