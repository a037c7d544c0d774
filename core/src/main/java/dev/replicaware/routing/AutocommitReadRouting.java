package dev.replicaware.routing;

import dev.replicaware.config.RoutingConfig;
import dev.replicaware.dialect.Dialect;

/**
 * The decision of {@code routing.autocommitReads: replica}: a statement made outside a transaction (autocommit on) on
 * a connection that is not read-only runs on a replica when it provably only reads
 * ({@link ReadOnlyStatementClassifier}) and the connection has run nothing else yet. Anything else runs on the
 * primary and keeps the connection there until it is closed: a write must be read back where it was made, and state a
 * statement may have left in the session (a temporary table, a {@code SET}, a lock, a sequence's current value, a
 * prepared statement or cursor on the server, a transaction begun in SQL) exists only on the primary.
 *
 * <p>Where the statement is known only when it runs (a plain {@link java.sql.Statement}, a callable statement) or the
 * application reaches the driver's connection ({@code unwrap}), the connection goes to the primary and stays there.
 * One logical connection holds at most one physical connection per side, so statements that follow one another on the
 * same side cost no borrow, and statements made earlier on the other side stay open.
 */
public final class AutocommitReadRouting {
    private final ReadOnlyStatementClassifier classifier;

    AutocommitReadRouting(ReadOnlyStatementClassifier classifier) {
        this.classifier = classifier;
    }

    /**
     * The routing for {@code mode} on a cluster of that JDBC URL's family; null when statements stay on the primary.
     * On PostgreSQL it tells columns from attribute-notation calls with {@code functions} (null: never, every
     * {@code x.y} to the primary), which it keeps fresh from now on.
     */
    static AutocommitReadRouting of(RoutingConfig.AutocommitReads mode, String jdbcUrl, AttributeFunctions functions) {
        if (mode != RoutingConfig.AutocommitReads.REPLICA) {
            return null;
        }
        ReadOnlyStatementClassifier.Flavor flavor = ReadOnlyStatementClassifier.flavorOf(Dialect.forUrl(jdbcUrl).name());
        if (flavor == null) {
            return null; // generic: primary
        }
        if (flavor == ReadOnlyStatementClassifier.Flavor.POSTGRESQL && functions != null) {
            functions.use();
        } else {
            functions = null;
        }
        return new AutocommitReadRouting(new ReadOnlyStatementClassifier(flavor,
                ReadOnlyStatementClassifier.DEFAULT_CACHE_SIZE, functions));
    }

    /** True when {@code sql}, made outside a transaction on a connection that has run nothing else, may go to a replica. */
    public boolean toReplica(String sql) {
        return classifier.readsOnly(sql);
    }
}
