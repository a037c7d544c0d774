package dev.replicaware.testkit.stub;

import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.DriverPropertyInfo;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Properties;
import java.util.logging.Logger;

/**
 * A JDBC driver with no database behind it, for unit tests and JMH benchmarks: {@code jdbc:stub:<name>} connects to
 * the in-memory {@link StubServer} of that name (created on first use). Every query returns one row whose first column
 * is the serving server's {@linkplain StubServer#name() name} ({@code getString(1)}) or {@linkplain StubServer#id() id}
 * ({@code getInt(1)}), the way {@code SELECT inet_server_port()} answers on PostgreSQL.
 *
 * <p>Registered through {@code META-INF/services/java.sql.Driver}; {@link #register()} does it explicitly.
 */
public final class StubDriver implements Driver {
    /** The URL prefix this driver accepts. */
    public static final String PREFIX = "jdbc:stub:";

    private static final StubDriver INSTANCE = new StubDriver();

    static {
        try {
            DriverManager.registerDriver(INSTANCE);
        } catch (SQLException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Makes sure the driver is registered with {@link DriverManager}; idempotent. */
    public static StubDriver register() {
        return INSTANCE;
    }

    /** The URL of the stub server of that name. */
    public static String url(String serverName) {
        return PREFIX + serverName;
    }

    @Override
    public Connection connect(String url, Properties info) throws SQLException {
        if (!acceptsURL(url)) {
            return null;
        }
        int end = url.indexOf('?');
        String name = url.substring(PREFIX.length(), end < 0 ? url.length() : end);
        if (name.isEmpty()) {
            throw new SQLException("A stub URL names its server: jdbc:stub:<name>, but was '" + url + "'", "08001");
        }
        return StubServer.named(name).connect(info == null ? null : info.getProperty("user"));
    }

    @Override
    public boolean acceptsURL(String url) {
        return url != null && url.startsWith(PREFIX);
    }

    @Override
    public DriverPropertyInfo[] getPropertyInfo(String url, Properties info) {
        return new DriverPropertyInfo[0];
    }

    @Override
    public int getMajorVersion() {
        return 1;
    }

    @Override
    public int getMinorVersion() {
        return 0;
    }

    @Override
    public boolean jdbcCompliant() {
        return false;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException("The stub driver does not log");
    }
}
