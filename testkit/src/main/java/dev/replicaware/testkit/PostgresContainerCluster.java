package dev.replicaware.testkit;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.images.builder.Transferable;

/**
 * PostgreSQL in containers: the primary is initialised by the image's entrypoint plus a script that creates the roles,
 * the database and a {@code pg_hba} line for replication; each replica runs {@code pg_basebackup -R} from the primary
 * over the Docker network before handing over to the entrypoint, which then finds a data directory and just starts it.
 * Each server's {@code cluster_name} is its node name, so a test can ask a server who it is.
 */
final class PostgresContainerCluster extends ContainerCluster {
    private static final int PORT = 5432;

    private PostgresContainerCluster(int replicas) {
        super(ContainerClusters.POSTGRES_IMAGE, PORT, "jdbc:postgresql://", replicas,
                new Credentials("postgres", "admin-secret"), new Credentials("app", "app-secret"),
                new Credentials("repl", "repl-secret"));
        ClusterNode primary = nodes.get(0);
        GenericContainer<?> pc = containers.get(0)
                .withEnv("POSTGRES_USER", admin().username())
                .withEnv("POSTGRES_PASSWORD", admin().password())
                .withCopyToContainer(Transferable.of(initScript(app(), failoverAdmin(), replication()), 0755),
                        "/docker-entrypoint-initdb.d/10-replicaware.sh");
        pc.setCommand(serverCommand(primary.name()).toArray(String[]::new));
        for (ClusterNode replica : replicas()) {
            container(replica)
                    .withEnv("POSTGRES_PASSWORD", admin().password())
                    .setCommand("bash", "-c", replicaScript(primary.name(), replica.name(), replication()));
        }
    }

    static PostgresContainerCluster start(int replicas) {
        PostgresContainerCluster cluster = new PostgresContainerCluster(replicas);
        try {
            cluster.startContainers(List.of(cluster.primary()));
            cluster.startContainers(cluster.replicas());
            cluster.awaitStreaming();
            return cluster;
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    @Override
    public Engine engine() {
        return Engine.POSTGRESQL;
    }

    /** The server's command line; {@code cluster_name} is the node's name, so a server can say who it is. */
    static List<String> serverCommand(String nodeName) {
        List<String> cmd = new ArrayList<>(List.of("postgres"));
        for (String setting : List.of("wal_level=replica", "max_wal_senders=10", "max_replication_slots=10",
                "wal_keep_size=256MB", "wal_log_hints=on", "hot_standby=on", "hot_standby_feedback=on",
                "wal_receiver_status_interval=1s", "wal_retrieve_retry_interval=500ms", "max_connections=200",
                // a test server: fsync buys nothing, and the container goes with its data
                "fsync=off", "cluster_name=" + nodeName)) {
            cmd.add("-c");
            cmd.add(setting);
        }
        return cmd;
    }

    /** Run once by the primary's entrypoint after initdb: roles, the database, and replication access. */
    static String initScript(Credentials app, Credentials failoverAdmin, Credentials replication) {
        List<String> lines = new java.util.ArrayList<>(List.of(
                "#!/usr/bin/env bash",
                "set -euo pipefail",
                "psql -v ON_ERROR_STOP=1 --username \"$POSTGRES_USER\" --dbname postgres <<'SQL'",
                "CREATE ROLE " + app.username() + " LOGIN PASSWORD '" + app.password() + "';",
                DocumentedGrants.appGrant(DocumentedGrants.POSTGRES_APP, app.username()) + ";",
                "CREATE ROLE " + replication.username() + " LOGIN REPLICATION PASSWORD '" + replication.password() + "';",
                "CREATE DATABASE " + DATABASE + " OWNER " + app.username() + ";",
                "\\connect " + DATABASE)); // EXECUTE grants are per database
        for (String statement : DocumentedGrants.statements(DocumentedGrants.POSTGRES_ADMIN, failoverAdmin.username(),
                failoverAdmin.password(), DATABASE)) {
            lines.add(statement + ";");
        }
        return String.join("\n", lines) + "\n" + String.join("\n",
                "SQL",
                // the image's own pg_hba line ('host all all all') does not match replication connections
                "echo 'host replication " + replication.username() + " all scram-sha-256' >> \"$PGDATA/pg_hba.conf\"",
                "");
    }

    /**
     * The replica container's command: clones the primary on first start only (a restarted replica already has its data
     * and standby settings), then hands over to the image's entrypoint.
     */
    static String replicaScript(String primary, String replica, Credentials replication) {
        String conninfo = "host=" + primary + " port=" + PORT + " user=" + replication.username()
                + " password=" + replication.password() + " application_name=" + replica;
        StringBuilder exec = new StringBuilder("exec docker-entrypoint.sh");
        for (String arg : serverCommand(replica)) {
            exec.append(' ').append(arg);
        }
        return String.join("\n",
                "set -euo pipefail",
                "if [ ! -s \"$PGDATA/PG_VERSION\" ]; then",
                "  mkdir -p \"$PGDATA\" && chown postgres:postgres \"$PGDATA\" && chmod 700 \"$PGDATA\"",
                "  for attempt in $(seq 1 60); do",
                "    if gosu postgres pg_basebackup -d '" + conninfo + "' -D \"$PGDATA\" -R -X stream -c fast; then break; fi",
                "    [ \"$attempt\" -lt 60 ] || { echo 'pg_basebackup from " + primary + " failed 60 times' >&2; exit 1; }",
                "    rm -rf \"$PGDATA\"/* && sleep 1",
                "  done",
                "fi",
                exec.toString(),
                "");
    }

    @Override
    Connection connect(ClusterNode node, Credentials who, int timeoutSeconds, boolean database) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", who.username());
        p.setProperty("password", who.password());
        p.setProperty("connectTimeout", Integer.toString(timeoutSeconds));
        p.setProperty("socketTimeout", Integer.toString(Math.max(timeoutSeconds, 10)));
        String url = database ? node.jdbcUrl() : "jdbc:postgresql://" + node.host() + ":" + node.port() + "/postgres";
        return new org.postgresql.Driver().connect(url, p);
    }

    @Override
    public ClusterNode currentPrimary() {
        List<ClusterNode> primaries = new ArrayList<>();
        for (ClusterNode n : nodes) {
            if (!n.isRunning() || n.isPaused()) {
                continue;
            }
            try (Connection c = connect(n, admin(), 2, false); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT pg_is_in_recovery()")) {
                rs.next();
                if (!rs.getBoolean(1)) {
                    primaries.add(n);
                }
            } catch (SQLException e) {
                // not reachable now: not a primary we can use
            }
        }
        if (primaries.size() != 1) {
            throw new TestkitException("Expected exactly one running PostgreSQL primary among " + nodes + ", found " + primaries);
        }
        return primaries.get(0);
    }

    @Override
    public void waitForReplication(Duration timeout) {
        checkOpen();
        ClusterNode primary = currentPrimary();
        String target = query(primary, "SELECT pg_current_wal_lsn()::text");
        long deadline = System.nanoTime() + timeout.toNanos();
        String sql = "SELECT coalesce(pg_last_wal_replay_lsn() >= '" + target + "'::pg_lsn, false), "
                + "coalesce(pg_last_wal_replay_lsn()::text, 'none')";
        for (ClusterNode n : nodes) {
            if (n == primary || !n.isRunning() || n.isPaused()) {
                continue;
            }
            String replayed = "unknown";
            while (true) {
                try (Connection c = connect(n, admin(), 2, false); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
                    rs.next();
                    if (rs.getBoolean(1)) {
                        break;
                    }
                    replayed = rs.getString(2);
                } catch (SQLException e) {
                    replayed = "unreachable: " + e.getMessage();
                }
                if (System.nanoTime() > deadline) {
                    throw new TestkitException("Replica " + n + " did not replay up to the primary's " + primary.name()
                            + " position " + target + " within " + timeout + "; it is at " + replayed);
                }
                AbstractCluster.sleepBriefly();
            }
        }
    }

    @Override
    public void applyDelay(ClusterNode replica, Duration delay) {
        checkOpen();
        if (delay.isNegative()) {
            throw new IllegalArgumentException("Apply delay must not be negative, was " + delay);
        }
        execute(replica, "Setting the apply delay to " + delay,
                "ALTER SYSTEM SET recovery_min_apply_delay = '" + delay.toMillis() + "ms'",
                "SELECT pg_reload_conf()");
    }

    /** Waits until the primary sees every replica streaming and each has replayed what it wrote. */
    private void awaitStreaming() {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        int expected = replicas().size();
        while (expected > 0) {
            String streaming = query(primary(), "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'");
            if (Integer.parseInt(streaming) >= expected) {
                break;
            }
            if (System.nanoTime() > deadline) {
                throw new TestkitException("Only " + streaming + " of " + expected + " PostgreSQL replicas stream from "
                        + primary() + " after " + START_TIMEOUT + "; last lines of " + replicas().get(0) + "'s log:\n"
                        + logTail(replicas().get(0)));
            }
            AbstractCluster.sleepBriefly();
        }
        waitForReplication(START_TIMEOUT);
    }
}
