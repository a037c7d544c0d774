package dev.replicaware.testkit;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The settings every testkit cluster takes, with their checks; {@link PostgresCluster.Builder} and
 * {@link MariaDbCluster.Builder} add their engine's own. {@code B} is the engine's builder, so calls chain in any order.
 */
abstract class ClusterBuilder<B extends ClusterBuilder<B>> {
    int replicas = 2;
    String database = "app";
    Credentials admin;
    Credentials failoverAdmin = new Credentials(DocumentedGrants.ADMIN_USER, "failover-secret");
    Credentials app = new Credentials("app", "app-secret");
    Credentials replication = new Credentials("repl", "repl-secret");
    final Map<String, String> settings = new LinkedHashMap<>();
    Duration startTimeout = Duration.ofSeconds(60);

    ClusterBuilder(String superuser) {
        this.admin = new Credentials(superuser, "admin-secret");
    }

    @SuppressWarnings("unchecked")
    private B self() {
        return (B) this;
    }

    /** Number of replicas, 0 to 4; default 2. */
    public B replicas(int replicas) {
        if (replicas < 0 || replicas > 4) {
            throw new IllegalArgumentException("replicas must be between 0 and 4, but was " + replicas);
        }
        this.replicas = replicas;
        return self();
    }

    /** The application's database; default {@code app}. */
    public B database(String database) {
        this.database = AbstractCluster.requireIdentifier("database", database);
        return self();
    }

    /** The superuser, allowed from any host; default {@code postgres} on PostgreSQL, {@code root} on MariaDB. */
    public B admin(String username, String password) {
        this.admin = new Credentials(AbstractCluster.requireIdentifier("admin username", username),
                AbstractCluster.requirePassword(password));
        return self();
    }

    /**
     * The admin user Replicaware fails over as, created with exactly the grants of docs/failover.md
     * ({@link DocumentedGrants}); default {@code replicaware_admin}.
     */
    public B failoverAdmin(String username, String password) {
        this.failoverAdmin = new Credentials(AbstractCluster.requireIdentifier("failover admin username", username),
                AbstractCluster.requirePassword(password));
        return self();
    }

    /** The application user, with every privilege on {@link #database(String)} only; default {@code app}. */
    public B app(String username, String password) {
        this.app = new Credentials(AbstractCluster.requireIdentifier("app username", username),
                AbstractCluster.requirePassword(password));
        return self();
    }

    /** The user replicas connect to the primary as; default {@code repl}. */
    public B replication(String username, String password) {
        this.replication = new Credentials(AbstractCluster.requireIdentifier("replication username", username),
                AbstractCluster.requirePassword(password));
        return self();
    }

    /** How long each server may take to accept connections, and the replicas to connect; default 60 s. */
    public B startTimeout(Duration timeout) {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("startTimeout must be positive, but was " + timeout);
        }
        this.startTimeout = timeout;
        return self();
    }
}
