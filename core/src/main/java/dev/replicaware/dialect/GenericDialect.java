package dev.replicaware.dialect;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;

/**
 * Any other JDBC driver: reachability only; roles come from the configuration. Internal.
 *
 * <p>SQLite ({@code jdbc:sqlite:}) gets a probe of its own: an open SQLite connection goes on reading a file that was
 * deleted or replaced, and {@code isValid} touches no file, so its probe opens the file afresh each time, read-only (a
 * missing file is an error, not a new empty database) and reads the schema (a locked or broken file fails), waiting on
 * a lock no longer than the probe's timeout.
 */
public final class GenericDialect extends Dialect {
    static final GenericDialect INSTANCE = new GenericDialect(false);
    static final GenericDialect SQLITE = new GenericDialect(true);

    /** sqlite-jdbc's driver property of the {@code sqlite3_open_v2} flags; 1 is {@code SQLITE_OPEN_READONLY}, no create. */
    public static final String SQLITE_OPEN_MODE = "open_mode";
    public static final String SQLITE_READ_ONLY = "1";

    private final boolean sqlite;

    private GenericDialect(boolean sqlite) {
        this.sqlite = sqlite;
    }

    /** True for a URL of sqlite-jdbc. */
    public static boolean isSqlite(String jdbcUrl) {
        return jdbcUrl != null && jdbcUrl.regionMatches(true, 0, "jdbc:sqlite:", 0, "jdbc:sqlite:".length());
    }

    @Override
    public String name() {
        return "generic";
    }

    @Override
    public String positionUnit() {
        return "none";
    }

    @Override
    public boolean comparesPositions() {
        return false;
    }

    @Override
    public Probe probe(Connection connection) throws SQLException {
        if (sqlite) {
            try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM sqlite_master")) {
                rs.next();
            }
        } else if (!connection.isValid(0)) {
            throw new SQLException("The connection did not answer a validity check");
        }
        return new Probe(Role.UNKNOWN, Probe.NO_POSITION, Probe.NO_POSITION, Probe.NO_POSITION, false, Double.NaN);
    }

    @Override
    public String serverIdentitySql() {
        return "SELECT 1";
    }

    @Override
    public Map<String, String> probeConnectionProperties() {
        return sqlite ? Map.of(SQLITE_OPEN_MODE, SQLITE_READ_ONLY) : Map.of();
    }

    @Override
    public Map<String, String> timeoutProperties(Duration timeout) {
        return sqlite ? Map.of("busy_timeout", Long.toString(timeout.toMillis())) : Map.of();
    }

    @Override
    public boolean reopensForEachProbe() {
        return sqlite;
    }
}
