package dev.replicaware.routing;

import dev.replicaware.ConsistencyToken;
import dev.replicaware.topology.Node;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * What the router needs of the connection it routes: where its last write committed, and taking the physical
 * connection chosen for it. Implemented by the logical connection (package {@code jdbc}), which sits above routing:
 * routing decides where a request goes, never what the application holds.
 */
public interface RoutedConnection {
    /** Where this connection's last write committed; null before one. */
    ConsistencyToken lastCommit();

    /** Replays the connection's recorded state onto {@code physical}, a connection to {@code node}, and holds it. */
    void attach(Node node, Connection physical) throws SQLException;
}
