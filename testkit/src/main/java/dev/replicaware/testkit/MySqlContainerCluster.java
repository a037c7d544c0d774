package dev.replicaware.testkit;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * MySQL in containers with GTID replication. Every node starts from the image's own initialisation (root only); the
 * primary then clears its binary log and GTID history, so replicas start from an empty history, and creates the
 * database and users, which replicate. Replicas follow with {@code SOURCE_AUTO_POSITION} and are
 * {@code super_read_only}, persisted so it holds after a restart. Each server's {@code report_host} is its node name,
 * so a test can ask a server who it is.
 */
final class MySqlContainerCluster extends ContainerCluster {
    private static final int PORT = 3306;

    private MySqlContainerCluster(int replicas) {
        super(ContainerClusters.MYSQL_IMAGE, PORT, "jdbc:mysql://", replicas,
                new Credentials("root", "admin-secret"), new Credentials("app", "app-secret"),
                new Credentials("repl", "repl-secret"));
        for (int i = 0; i < nodes.size(); i++) {
            ClusterNode n = nodes.get(i);
            containers.get(i)
                    .withEnv("MYSQL_ROOT_PASSWORD", admin().password())
                    // time-zone tables would be written differently on each node; nothing here needs them
                    .withEnv("MYSQL_INITDB_SKIP_TZINFO", "1")
                    .setCommand("--server-id=" + (i + 1), "--report-host=" + n.name(),
                            "--gtid-mode=ON", "--enforce-gtid-consistency=ON",
                            "--log-bin=binlog", "--relay-log=relay", "--log-replica-updates=ON",
                            "--skip-name-resolve", "--max-connections=200",
                            // a test server: durability buys nothing, and the container goes with its data
                            "--innodb-flush-log-at-trx-commit=2", "--sync-binlog=0");
        }
    }

    static MySqlContainerCluster start(int replicas) {
        MySqlContainerCluster cluster = new MySqlContainerCluster(replicas);
        try {
            cluster.startContainers(cluster.nodes);
            cluster.setUpPrimary();
            for (ClusterNode replica : cluster.replicas()) {
                cluster.setUpReplica(replica);
            }
            cluster.awaitReplicating();
            cluster.waitForReplication(START_TIMEOUT);
            return cluster;
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    @Override
    public Engine engine() {
        return Engine.MYSQL;
    }

    private void setUpPrimary() {
        String app = "'" + app().username() + "'@'%'";
        String repl = "'" + replication().username() + "'@'%'";
        List<String> statements = new java.util.ArrayList<>(List.of(
                "RESET BINARY LOGS AND GTIDS",
                "CREATE DATABASE " + DATABASE,
                "CREATE USER " + app + " IDENTIFIED BY '" + app().password() + "'",
                "GRANT ALL ON " + DATABASE + ".* TO " + app,
                DocumentedGrants.appGrant(DocumentedGrants.MYSQL_APP, app().username()),
                "CREATE USER " + repl + " IDENTIFIED BY '" + replication().password() + "'",
                "GRANT REPLICATION SLAVE ON *.* TO " + repl));
        statements.addAll(DocumentedGrants.statements(DocumentedGrants.MYSQL_ADMIN, failoverAdmin().username(),
                failoverAdmin().password(), DATABASE));
        execute(primary(), "Creating the database and users", statements.toArray(String[]::new));
    }

    private void setUpReplica(ClusterNode replica) {
        execute(replica, "Starting replication from " + primary(),
                "RESET BINARY LOGS AND GTIDS",
                "CHANGE REPLICATION SOURCE TO SOURCE_HOST='" + primary().name() + "', SOURCE_PORT=" + PORT
                        + ", SOURCE_USER='" + replication().username() + "', SOURCE_PASSWORD='" + replication().password()
                        + "', SOURCE_AUTO_POSITION=1, GET_SOURCE_PUBLIC_KEY=1, SOURCE_CONNECT_RETRY=1",
                "START REPLICA",
                "SET PERSIST super_read_only = ON");
    }

    @Override
    Connection connect(ClusterNode node, Credentials who, int timeoutSeconds, boolean database) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", who.username());
        p.setProperty("password", who.password());
        p.setProperty("connectTimeout", Integer.toString(timeoutSeconds * 1000));
        p.setProperty("socketTimeout", Integer.toString(Math.max(timeoutSeconds, 10) * 1000));
        // caching_sha2_password over a connection without TLS needs the server's key
        p.setProperty("allowPublicKeyRetrieval", "true");
        String url = database ? node.jdbcUrl() : "jdbc:mysql://" + node.host() + ":" + node.port() + "/";
        return new com.mysql.cj.jdbc.Driver().connect(url, p);
    }

    @Override
    public ClusterNode currentPrimary() {
        List<ClusterNode> primaries = new ArrayList<>();
        for (ClusterNode n : nodes) {
            if (!n.isRunning() || n.isPaused()) {
                continue;
            }
            try (Connection c = connect(n, admin(), 2, false); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT @@global.read_only")) {
                rs.next();
                if (!rs.getBoolean(1)) {
                    primaries.add(n);
                }
            } catch (SQLException e) {
                // not reachable now: not a primary we can use
            }
        }
        if (primaries.size() != 1) {
            throw new TestkitException("Expected exactly one running MySQL primary (read_only off) among " + nodes
                    + ", found " + primaries);
        }
        return primaries.get(0);
    }

    @Override
    public void waitForReplication(Duration timeout) {
        checkOpen();
        ClusterNode primary = currentPrimary();
        String target = query(primary, "SELECT @@global.gtid_executed");
        long deadline = System.nanoTime() + timeout.toNanos();
        for (ClusterNode n : nodes) {
            if (n == primary || !n.isRunning() || n.isPaused()) {
                continue;
            }
            String applied = "unknown";
            while (true) {
                try (Connection c = connect(n, admin(), 2, false);
                     PreparedStatement s = c.prepareStatement("SELECT GTID_SUBSET(?, @@global.gtid_executed), @@global.gtid_executed")) {
                    s.setString(1, target);
                    try (ResultSet rs = s.executeQuery()) {
                        rs.next();
                        if (rs.getBoolean(1)) {
                            break;
                        }
                        applied = rs.getString(2);
                    }
                } catch (SQLException e) {
                    applied = "unreachable: " + e.getMessage();
                }
                if (System.nanoTime() > deadline) {
                    throw new TestkitException("Replica " + n + " did not apply the primary's " + primary.name() + " GTID set '"
                            + target + "' within " + timeout + "; it has '" + applied + "'");
                }
                AbstractCluster.sleepBriefly();
            }
        }
    }

    /** MySQL counts {@code SOURCE_DELAY} in whole seconds: a delay is rounded up. */
    @Override
    public void applyDelay(ClusterNode replica, Duration delay) {
        checkOpen();
        if (delay.isNegative()) {
            throw new IllegalArgumentException("Apply delay must not be negative, was " + delay);
        }
        long seconds = (delay.toMillis() + 999) / 1000;
        execute(replica, "Setting the apply delay to " + delay,
                "STOP REPLICA SQL_THREAD",
                "CHANGE REPLICATION SOURCE TO SOURCE_DELAY = " + seconds,
                "START REPLICA SQL_THREAD");
    }

    /** Waits until both replication threads of every replica run; fails with the replica's last errors. */
    private void awaitReplicating() {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        for (ClusterNode n : replicas()) {
            String state = "unknown";
            while (true) {
                try (Connection c = connect(n, admin(), 2, false); Statement s = c.createStatement();
                     ResultSet rs = s.executeQuery("SHOW REPLICA STATUS")) {
                    if (rs.next()) {
                        String io = rs.getString("Replica_IO_Running");
                        String sql = rs.getString("Replica_SQL_Running");
                        if ("Yes".equals(io) && "Yes".equals(sql)) {
                            break;
                        }
                        state = "IO thread " + io + " (" + rs.getString("Last_IO_Error") + "), SQL thread " + sql
                                + " (" + rs.getString("Last_SQL_Error") + ")";
                    } else {
                        state = "not configured as a replica";
                    }
                } catch (SQLException e) {
                    state = "unreachable: " + e.getMessage();
                }
                if (System.nanoTime() > deadline) {
                    throw new TestkitException("MySQL replica " + n + " does not replicate from " + primary() + " after "
                            + START_TIMEOUT + ": " + state);
                }
                AbstractCluster.sleepBriefly();
            }
        }
    }
}
