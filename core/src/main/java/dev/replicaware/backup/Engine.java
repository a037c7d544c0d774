package dev.replicaware.backup;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a backup says to one database family: how to hold a replica still and let it go, where it stands, which tables
 * there are and their checksums, and the command lines of its dump and restore tools.
 *
 * <p>The checksum of a table is order-independent: the sum, as an exact number, of the first 60 bits of the MD5 of each
 * row's text. It streams (no ordering, no aggregate string that grows with the table), needs no primary key, and counts
 * duplicate rows; the session's time zone and number formats are fixed first, so the same rows give the same sum on
 * the replica and on a restored copy.
 */
enum Engine {
    POSTGRESQL("pg_dump", "pg_restore", 5432, Pattern.compile("dumping contents of table \"([^\"]+)\"")) {
        @Override
        void pause(Connection admin, Duration timeout) throws SQLException {
            execute(admin, "SELECT pg_wal_replay_pause()");
            long deadline = System.nanoTime() + timeout.toNanos();
            // pg_wal_replay_pause() only requests the pause; recovery stops at its next record
            while (!"paused".equals(text(admin, "SELECT pg_get_wal_replay_pause_state()"))) {
                if (System.nanoTime() > deadline) {
                    throw new SQLException("replay did not pause within " + timeout.toMillis() + " ms; pause state: "
                            + text(admin, "SELECT pg_get_wal_replay_pause_state()"));
                }
                pauseBriefly();
            }
        }

        @Override
        void resume(Connection admin) throws SQLException {
            execute(admin, "SELECT pg_wal_replay_resume()");
        }

        @Override
        boolean isPaused(Connection c) throws SQLException {
            return "t".equals(text(c, "SELECT pg_is_in_recovery() AND pg_is_wal_replay_paused()"));
        }

        @Override
        String position(Connection c, boolean replica) throws SQLException {
            return text(c, replica ? "SELECT pg_last_wal_replay_lsn()::text" : "SELECT pg_current_wal_lsn()::text");
        }

        @Override
        String serverVersion(Connection c) throws SQLException {
            return text(c, "SHOW server_version");
        }

        @Override
        void prepare(Connection c) throws SQLException {
            execute(c, "SET TimeZone = 'UTC'; SET DateStyle = 'ISO, YMD'; SET IntervalStyle = 'postgres';"
                    + " SET extra_float_digits = 3; SET bytea_output = 'hex'; SET statement_timeout = 0");
        }

        @Override
        List<String[]> tables(Connection c, String database) throws SQLException {
            List<String[]> tables = new ArrayList<>();
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("""
                    SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                     WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema')
                       AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'
                     ORDER BY 1, 2""")) {
                while (rs.next()) {
                    tables.add(new String[] {rs.getString(1), rs.getString(2)});
                }
            }
            return tables;
        }

        @Override
        String checksumSql(Connection c, String schema, String table) {
            return "SELECT count(*), coalesce(sum(('x' || substr(md5(t::text), 1, 15))::bit(60)::bigint), 0)::text FROM "
                    + quote(schema) + "." + quote(table) + " AS t";
        }

        @Override
        List<String> dumpCommand(Path tool, Endpoint at, String user, Path dump, int jobs, Path credentials) {
            return List.of(tool.toString(), "--host=" + at.host(), "--port=" + at.port(), "--username=" + user,
                    "--dbname=" + at.database(), "--format=directory", "--jobs=" + jobs, "--file=" + dump, "--verbose",
                    "--no-password");
        }

        @Override
        List<String> restoreCommand(Path tool, Endpoint at, String user, Path dump, int jobs, Path credentials) {
            return List.of(tool.toString(), "--host=" + at.host(), "--port=" + at.port(), "--username=" + user,
                    "--dbname=" + at.database(), "--jobs=" + jobs, "--no-owner", "--no-privileges", "--exit-on-error",
                    "--verbose", "--no-password", dump.toString());
        }

        @Override
        Map<String, String> environment(String password) {
            return password == null ? Map.of() : Map.of("PGPASSWORD", password);
        }

        @Override
        String dumpName() {
            return "dump";
        }

        private static String quote(String identifier) {
            return "\"" + identifier.replace("\"", "\"\"") + "\"";
        }
    },

    MARIADB("mariadb-dump", "mariadb", 3306, Pattern.compile("Retrieving table structure for table (\\S+?)\\.\\.\\.")) {
        @Override
        String stopSql() {
            return "STOP SLAVE SQL_THREAD";
        }

        @Override
        String startSql() {
            return "START SLAVE SQL_THREAD";
        }

        @Override
        String position(Connection c, boolean replica) throws SQLException {
            return text(c, replica ? "SELECT @@gtid_slave_pos" : "SELECT @@gtid_binlog_pos");
        }

        @Override
        List<String> toolNames() {
            return List.of("mariadb-dump", "mysqldump");
        }
    },

    MYSQL("mysqldump", "mysql", 3306, Pattern.compile("Retrieving table structure for table (\\S+?)\\.\\.\\.")) {
        @Override
        String stopSql() {
            return "STOP REPLICA SQL_THREAD";
        }

        @Override
        String startSql() {
            return "START REPLICA SQL_THREAD";
        }

        @Override
        String position(Connection c, boolean replica) throws SQLException {
            return text(c, "SELECT @@gtid_executed");
        }
    };

    private final String dumpTool;
    private final String restoreTool;
    private final int defaultPort;
    private final Pattern tableInVerbose;

    Engine(String dumpTool, String restoreTool, int defaultPort, Pattern tableInVerbose) {
        this.dumpTool = dumpTool;
        this.restoreTool = restoreTool;
        this.defaultPort = defaultPort;
        this.tableInVerbose = tableInVerbose;
    }

    /** The engine of a dialect name ({@code postgresql}, {@code mariadb}, {@code mysql}); null for generic mode. */
    static Engine of(String dialect) {
        return switch (dialect) {
            case "postgresql" -> POSTGRESQL;
            case "mariadb" -> MARIADB;
            case "mysql" -> MYSQL;
            default -> null;
        };
    }

    String configName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** The dump tools this engine can use, first found wins. */
    List<String> toolNames() {
        return List.of(dumpTool);
    }

    String restoreTool() {
        return restoreTool;
    }

    int defaultPort() {
        return defaultPort;
    }

    /** The table the dump tool's verbose line names, or null. */
    String tableIn(String verboseLine) {
        Matcher m = tableInVerbose.matcher(verboseLine);
        return m.find() ? m.group(1) : null;
    }

    // ---- MySQL family defaults; PostgreSQL overrides ----

    String stopSql() {
        throw new UnsupportedOperationException();
    }

    String startSql() {
        throw new UnsupportedOperationException();
    }

    /** Stops replay and returns once it has stopped (the SQL thread stops between transactions). */
    void pause(Connection admin, Duration timeout) throws SQLException {
        execute(admin, stopSql());
    }

    void resume(Connection admin) throws SQLException {
        execute(admin, startSql());
    }

    /** The replica's replay is stopped now. */
    boolean isPaused(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW REPLICA STATUS")) {
            if (!rs.next()) {
                return false;
            }
            String running;
            try {
                running = rs.getString("Slave_SQL_Running");
            } catch (SQLException e) {
                running = rs.getString("Replica_SQL_Running");
            }
            return !"Yes".equalsIgnoreCase(running);
        }
    }

    /** The replication position the data stands at: the replayed LSN or GTID set on a replica, the written one on a primary. */
    abstract String position(Connection c, boolean replica) throws SQLException;

    String serverVersion(Connection c) throws SQLException {
        return text(c, "SELECT VERSION()");
    }

    /** Fixes the session settings that a row's text depends on. */
    void prepare(Connection c) throws SQLException {
        execute(c, "SET time_zone = '+00:00'");
    }

    /** The base tables of {@code database}: schema and name. */
    List<String[]> tables(Connection c, String database) throws SQLException {
        List<String[]> tables = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT TABLE_NAME FROM information_schema.TABLES"
                + " WHERE TABLE_SCHEMA = ? AND TABLE_TYPE = 'BASE TABLE' ORDER BY TABLE_NAME")) {
            ps.setString(1, database);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    tables.add(new String[] {database, rs.getString(1)});
                }
            }
        }
        return tables;
    }

    /** A query answering the row count and the checksum of one table. */
    String checksumSql(Connection c, String schema, String table) throws SQLException {
        List<String> columns = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT COLUMN_NAME FROM information_schema.COLUMNS"
                + " WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION")) {
            ps.setString(1, schema);
            ps.setString(2, table);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    columns.add("`" + rs.getString(1).replace("`", "``") + "`");
                }
            }
        }
        // CONCAT_WS skips NULLs: a NULL marker per column keeps (NULL, 'a') apart from ('a', NULL)
        String nulls = "CONCAT(" + String.join(", ", columns.stream().map(col -> "ISNULL(" + col + ")").toList()) + ")";
        String row = "CONCAT_WS('|', " + String.join(", ", columns) + ", " + nulls + ")";
        return "SELECT COUNT(*), CAST(COALESCE(SUM(CAST(CONV(SUBSTRING(MD5(" + row + "), 1, 15), 16, 10) AS UNSIGNED)), 0) AS CHAR)"
                + " FROM `" + schema.replace("`", "``") + "`.`" + table.replace("`", "``") + "`";
    }

    /** The dump's command line; the password is in {@code credentials} (MySQL family) or the environment (PostgreSQL). */
    List<String> dumpCommand(Path tool, Endpoint at, String user, Path dump, int jobs, Path credentials) {
        return List.of(tool.toString(), "--defaults-extra-file=" + credentials, "--protocol=TCP", "--host=" + at.host(),
                "--port=" + at.port(), "--single-transaction", "--no-tablespaces", "--skip-dump-date", "--verbose",
                "--result-file=" + dump, at.database());
    }

    /** The restore's command line; the MySQL family's reads the dump from standard input. */
    List<String> restoreCommand(Path tool, Endpoint at, String user, Path dump, int jobs, Path credentials) {
        return List.of(tool.toString(), "--defaults-extra-file=" + credentials, "--protocol=TCP", "--host=" + at.host(),
                "--port=" + at.port(), at.database());
    }

    /** Environment for the tools: PostgreSQL's password. */
    Map<String, String> environment(String password) {
        return Map.of();
    }

    /** A MySQL-family option file with the user and password, for {@code --defaults-extra-file}; null for PostgreSQL. */
    boolean needsOptionFile() {
        return this != POSTGRESQL;
    }

    /** The dump's name inside the backup directory. */
    String dumpName() {
        return "dump.sql";
    }

    static void execute(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    static String text(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            if (!rs.next()) {
                return null;
            }
            Object v = rs.getObject(1);
            return v instanceof Boolean b ? (b ? "t" : "f") : rs.getString(1);
        }
    }

    static void pauseBriefly() throws SQLException {
        try {
            Thread.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLException("interrupted", "57014", e);
        }
    }
}
