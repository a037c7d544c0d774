package dev.replicaware.routing;

import dev.replicaware.config.RoutingConfig;
import dev.replicaware.dialect.Dialect;
import dev.replicaware.topology.Node;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;

/**
 * PostgreSQL ({@code routing.deferBegin}, on by default): what a read-only transaction at READ COMMITTED may run
 * without BEGIN and COMMIT. pgjdbc sends BEGIN with a transaction's first statement and COMMIT in a round trip of its
 * own, so a transaction of one query costs two round trips and three statements on the server; one query in
 * autocommit costs one of each, and is the same transaction: at READ COMMITTED every statement takes its own
 * snapshot, and a query that provably only reads ({@link ReadOnlyStatementClassifier}: no write, no lock, no
 * session or transaction state such as {@code SET LOCAL} or a cursor) leaves nothing for a COMMIT to keep.
 *
 * <p>So the connection's transaction (in {@code dev.replicaware.jdbc.Transactions}) keeps its server connection in
 * autocommit until a second statement, or anything else that needs the transaction (a statement not known to only
 * read, a fetch size, a savepoint, the driver's connection unwrapped, an isolation change), and begins it then; commit
 * and rollback of a transaction never begun send nothing. Stricter isolation levels share one snapshot between
 * statements, and are never deferred: the level is the connection's, or when it set none, the level the node's
 * sessions start with, read from its server once.
 */
public final class BeginDeferral {
    private final ReadOnlyStatementClassifier classifier;

    private BeginDeferral(ReadOnlyStatementClassifier classifier) {
        this.classifier = classifier;
    }

    /** The deferral for a cluster of that JDBC URL's family; null where it does not apply (off, or not PostgreSQL). */
    static BeginDeferral of(RoutingConfig routing, String jdbcUrl, AttributeFunctions functions) {
        if (!routing.deferBegin() || ReadOnlyStatementClassifier.flavorOf(Dialect.forUrl(jdbcUrl).name())
                != ReadOnlyStatementClassifier.Flavor.POSTGRESQL) {
            return null;
        }
        if (functions != null) {
            functions.use(); // so that o.name, a column, is told from o.touch, a call: ORMs qualify every column
        }
        return new BeginDeferral(new ReadOnlyStatementClassifier(ReadOnlyStatementClassifier.Flavor.POSTGRESQL,
                ReadOnlyStatementClassifier.DEFAULT_CACHE_SIZE, functions, true));
    }

    /** True when {@code sql}, a read-only transaction's first statement, may run before its BEGIN. */
    public boolean loneRead(String sql) {
        return classifier.readsOnly(sql);
    }

    /**
     * True when a transaction on {@code physical}, a connection of {@code node} just borrowed, runs at READ COMMITTED
     * or READ UNCOMMITTED: {@code isolation} when the connection set one ({@code < 0}: it did not), else the level the
     * node's sessions start with, asked of {@code physical} the first time.
     */
    public boolean perStatementSnapshots(Node node, Connection physical, int isolation) throws SQLException {
        int level = isolation >= 0 ? isolation : node.sessionIsolation();
        if (level < 0) {
            level = sessionIsolation(physical);
            node.sessionIsolation(level);
        }
        return level == Connection.TRANSACTION_READ_COMMITTED || level == Connection.TRANSACTION_READ_UNCOMMITTED;
    }

    private static int sessionIsolation(Connection physical) throws SQLException {
        try (Statement s = physical.createStatement(); ResultSet rs = s.executeQuery("SHOW transaction_isolation")) {
            String level = rs.next() ? rs.getString(1) : "";
            return switch (level == null ? "" : level.toLowerCase(Locale.ROOT)) {
                case "read committed" -> Connection.TRANSACTION_READ_COMMITTED;
                case "read uncommitted" -> Connection.TRANSACTION_READ_UNCOMMITTED;
                case "repeatable read" -> Connection.TRANSACTION_REPEATABLE_READ;
                default -> Connection.TRANSACTION_SERIALIZABLE; // serializable, or unknown: never deferred
            };
        }
    }
}
