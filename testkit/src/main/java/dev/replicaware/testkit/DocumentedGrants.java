package dev.replicaware.testkit;

import java.util.ArrayList;
import java.util.List;

/**
 * The SQL that docs/failover.md ("Least privileges of the admin user") and the README ("What the monitoring user
 * needs") tell users to run, verbatim: the testkit creates its failover admin and application users with exactly
 * these statements, and a test compares them with the docs, so that what is documented is what every failover,
 * switchover, fence and rejoin test runs as. The user is {@code replicaware_admin}, the password {@code '…'} and the
 * application's database {@code app}; {@link #statements} puts a cluster's own in their place.
 */
public final class DocumentedGrants {
    private DocumentedGrants() {}

    /** The name the blocks use for the admin user. */
    public static final String ADMIN_USER = "replicaware_admin";

    public static final String POSTGRES_ADMIN = """
            -- connected to the database of the nodes' URLs (app): EXECUTE on a function is granted per database
            CREATE ROLE replicaware_admin LOGIN PASSWORD '…';
            GRANT CONNECT ON DATABASE app TO replicaware_admin;                  -- every step: the database of the nodes' URLs
            GRANT pg_monitor TO replicaware_admin;                               -- probes (pg_stat_wal_receiver); SHOW primary_conninfo when re-pointing
            GRANT EXECUTE ON FUNCTION pg_promote(boolean, integer) TO replicaware_admin;             -- promotion
            GRANT EXECUTE ON FUNCTION pg_reload_conf() TO replicaware_admin;                         -- after each ALTER SYSTEM
            GRANT ALTER SYSTEM ON PARAMETER primary_conninfo TO replicaware_admin;                   -- re-pointing a replica
            GRANT ALTER SYSTEM ON PARAMETER default_transaction_read_only TO replicaware_admin;      -- the fence, and lifting it
            GRANT pg_signal_backend TO replicaware_admin;                        -- switchover and fence: end sessions on the old primary
            """;

    public static final String MARIADB_ADMIN = """
            CREATE USER 'replicaware_admin'@'%' IDENTIFIED BY '…';
            GRANT SHOW VIEW ON app.* TO 'replicaware_admin'@'%';                 -- every step: connecting to the database of the nodes' URLs
            GRANT SLAVE MONITOR ON *.* TO 'replicaware_admin'@'%';               -- probes: SHOW REPLICA STATUS
            GRANT REPLICATION SLAVE ADMIN ON *.* TO 'replicaware_admin'@'%';     -- STOP/START SLAVE, CHANGE MASTER, gtid_slave_pos
            GRANT RELOAD ON *.* TO 'replicaware_admin'@'%';                      -- promotion: RESET SLAVE ALL
            GRANT READ_ONLY ADMIN ON *.* TO 'replicaware_admin'@'%';             -- promotion and the fence: SET GLOBAL read_only
            GRANT REPLICATION MASTER ADMIN ON *.* TO 'replicaware_admin'@'%';    -- semi-synchronous replication: the promoted node waits for acknowledgements, a rejoined one stops
            GRANT PROCESS, CONNECTION ADMIN ON *.* TO 'replicaware_admin'@'%';   -- the fence: see and end sessions on a resumed old primary
            GRANT REPLICATION SLAVE ON *.* TO 'replicaware_admin'@'%';           -- rejoin: the old primary replicates from the new one as this user
            """;

    public static final String MYSQL_ADMIN = """
            CREATE USER 'replicaware_admin'@'%' IDENTIFIED BY '…';
            GRANT SHOW VIEW ON app.* TO 'replicaware_admin'@'%';                 -- every step: connecting to the database of the nodes' URLs
            GRANT REPLICATION CLIENT ON *.* TO 'replicaware_admin'@'%';          -- probes: SHOW REPLICA STATUS
            GRANT REPLICATION_SLAVE_ADMIN ON *.* TO 'replicaware_admin'@'%';     -- STOP/START REPLICA, CHANGE REPLICATION SOURCE
            GRANT RELOAD ON *.* TO 'replicaware_admin'@'%';                      -- promotion: RESET REPLICA ALL
            GRANT SYSTEM_VARIABLES_ADMIN ON *.* TO 'replicaware_admin'@'%';      -- promotion and the fence: read_only, super_read_only, rpl_semi_sync_source_enabled
            GRANT PROCESS, CONNECTION_ADMIN ON *.* TO 'replicaware_admin'@'%';   -- the fence: see and end sessions on a resumed old primary
            GRANT REPLICATION SLAVE ON *.* TO 'replicaware_admin'@'%';           -- rejoin: the old primary replicates from the new one as this user
            """;

    /** The README's grant for the application's user, which probes the nodes; the user is {@code app}. */
    public static final String POSTGRES_APP = "GRANT pg_monitor TO app;";
    public static final String MARIADB_APP = "GRANT SLAVE MONITOR ON *.* TO 'app'@'%';";
    public static final String MYSQL_APP = "GRANT REPLICATION CLIENT ON *.* TO 'app'@'%';";

    /**
     * The statements of {@code block}, one a line, comments and the final semicolon removed, with {@code user},
     * {@code password} and {@code database} in place of the block's {@code replicaware_admin}, {@code '…'} and
     * {@code app}.
     */
    public static List<String> statements(String block, String user, String password, String database) {
        List<String> result = new ArrayList<>();
        for (String line : block.split("\n")) {
            int comment = line.indexOf("--");
            String sql = (comment < 0 ? line : line.substring(0, comment)).trim();
            if (sql.isEmpty()) {
                continue;
            }
            if (sql.endsWith(";")) {
                sql = sql.substring(0, sql.length() - 1).trim();
            }
            result.add(sql.replace("replicaware_admin", user).replace("'…'", "'" + password + "'")
                    .replace(" app.*", " " + database + ".*").replace("DATABASE app ", "DATABASE " + database + " "));
        }
        return result;
    }

    /** The application user's grant for {@code user}. */
    static String appGrant(String grant, String user) {
        String sql = grant.endsWith(";") ? grant.substring(0, grant.length() - 1) : grant;
        return sql.replace(" TO app", " TO " + user).replace(" TO 'app'", " TO '" + user + "'");
    }
}
