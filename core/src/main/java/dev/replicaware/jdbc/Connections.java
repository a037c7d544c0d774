package dev.replicaware.jdbc;

import dev.replicaware.ReadConsistency;
import dev.replicaware.ReplicaAwareConnection;
import dev.replicaware.routing.Router;

import java.sql.SQLException;

/** Where the DataSource gets the connections it hands out: the one public door into this package. */
public final class Connections {
    private Connections() {
    }

    /** A new logical connection routed by {@code router}; touches no pool. */
    public static ReplicaAwareConnection open(Router router, ReadConsistency consistency) throws SQLException {
        router.checkOpen();
        return new LogicalConnection(router, consistency, router.defaultAutoCommit());
    }
}
