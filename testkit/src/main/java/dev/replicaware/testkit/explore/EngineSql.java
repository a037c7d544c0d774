package dev.replicaware.testkit.explore;

import dev.replicaware.testkit.ClusterNode;
import dev.replicaware.testkit.ReplicatedCluster;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.Set;

/** What the explorer asks the servers directly, per engine, as the cluster's admin user. */
final class EngineSql {
    private final ReplicatedCluster cluster;
    private final boolean postgres;

    EngineSql(ReplicatedCluster cluster) {
        if (cluster.engine() == ReplicatedCluster.Engine.MYSQL) {
            throw new IllegalArgumentException("The fault-schedule explorer runs on PostgreSQL and MariaDB clusters, not " + cluster.engine());
        }
        this.cluster = cluster;
        this.postgres = cluster.engine() == ReplicatedCluster.Engine.POSTGRESQL;
    }

    /** One boolean: the node takes writes now (a primary, not fenced read-only). */
    String writableSql() {
        return postgres ? "SELECT NOT pg_is_in_recovery() AND NOT current_setting('default_transaction_read_only')::boolean"
                : "SELECT @@read_only = 0";
    }

    String sleepSql(int seconds) {
        return postgres ? "SELECT pg_sleep(" + seconds + ")" : "DO SLEEP(" + seconds + ")";
    }

    /** A direct admin connection with 2 s connect and socket timeouts, so that a hung server holds nobody long. */
    Connection connectBriefly(ClusterNode n) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", cluster.admin().username());
        p.setProperty("password", cluster.admin().password());
        p.setProperty("connectTimeout", postgres ? "2" : "2000");
        p.setProperty("socketTimeout", postgres ? "2" : "2000");
        return DriverManager.getConnection(n.jdbcUrl(), p);
    }

    boolean writable(ClusterNode n) throws SQLException {
        try (Connection c = connectBriefly(n); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(writableSql())) {
            return rs.next() && rs.getBoolean(1);
        }
    }

    /**
     * Null when {@code n} replicates from a server listening on one of {@code upstreamPorts} and both its threads run;
     * else what it does instead.
     */
    String notFollowing(ClusterNode n, Set<Integer> upstreamPorts) throws SQLException {
        try (Connection c = connectBriefly(n); Statement s = c.createStatement()) {
            if (postgres) {
                try (ResultSet rs = s.executeQuery("SELECT pg_is_in_recovery(), w.status, w.sender_port FROM (SELECT 1) one"
                        + " LEFT JOIN pg_stat_wal_receiver w ON true")) {
                    rs.next();
                    if (!rs.getBoolean(1)) {
                        return "not in recovery";
                    }
                    String status = rs.getString(2);
                    int port = rs.getInt(3);
                    return "streaming".equals(status) && upstreamPorts.contains(port) ? null
                            : "wal receiver " + status + " from port " + port + ", expected one of " + upstreamPorts;
                }
            }
            try (ResultSet rs = s.executeQuery("SHOW SLAVE STATUS")) {
                if (!rs.next()) {
                    return "no replication configured";
                }
                String io = rs.getString("Slave_IO_Running");
                String sql = rs.getString("Slave_SQL_Running");
                int port = rs.getInt("Master_Port");
                return "Yes".equals(io) && "Yes".equals(sql) && upstreamPorts.contains(port) ? null
                        : "IO " + io + ", SQL " + sql + " from port " + port + ", expected one of " + upstreamPorts
                        + "; last error " + rs.getString("Last_IO_Error") + rs.getString("Last_SQL_Error");
            }
        }
    }

    /** Makes {@code replica} stream from {@code host:port} (a proxy in front of its primary), its other settings kept. */
    void replicateThrough(ClusterNode replica, String host, int port) throws SQLException {
        try (Connection c = cluster.connectAdmin(replica); Statement s = c.createStatement()) {
            if (postgres) {
                String conninfo;
                try (ResultSet rs = s.executeQuery("SHOW primary_conninfo")) {
                    rs.next();
                    conninfo = rs.getString(1);
                }
                conninfo = conninfo.replaceAll("host=\\S+", "host=" + host).replaceAll("port=\\d+", "port=" + port);
                s.execute("ALTER SYSTEM SET primary_conninfo = '" + conninfo.replace("'", "''") + "'");
                s.execute("SELECT pg_reload_conf()");
            } else {
                s.execute("STOP SLAVE");
                s.execute("CHANGE MASTER TO MASTER_HOST = '" + host + "', MASTER_PORT = " + port);
                s.execute("START SLAVE");
            }
        }
    }

    void createTable(ClusterNode primary) throws SQLException {
        try (Connection c = cluster.connectApp(primary); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE " + ScheduleRun.TABLE + " (id BIGINT PRIMARY KEY, instance INT NOT NULL)");
        }
    }

    Set<Long> ids(ClusterNode n) throws SQLException {
        Set<Long> ids = new java.util.HashSet<>();
        try (Connection c = connectBriefly(n); Statement s = c.createStatement()) {
            s.setQueryTimeout(30);
            try (ResultSet rs = s.executeQuery("SELECT id FROM " + ScheduleRun.TABLE)) {
                while (rs.next()) {
                    ids.add(rs.getLong(1));
                }
            }
        }
        return ids;
    }
}
