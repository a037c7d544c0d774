package dev.replicaware.failover;

import dev.replicaware.config.FailoverConfig;
import dev.replicaware.dialect.Dialect;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Opens a session as the admin user (the failover credentials, never the application's) on a node, outside every
 * pool: failover, switchover and rejoin act through these.
 */
final class AdminSessions {
    private AdminSessions() {}

    /**
     * @param statementTimeout how long one admin statement (a promotion, a wait for replay) may take
     * @param connectTimeout   how long connecting may take: a lost node must not hold the sequence longer than a probe
     */
    static Connection open(String name, String url, Dialect dialect, FailoverConfig config, Duration statementTimeout,
                           Duration connectTimeout) throws SQLException {
        return open(name, url, dialect, config, statementTimeout, connectTimeout, false);
    }

    /**
     * A session whose connecting may take {@code connectTimeout} and each statement {@code timeout}, and which ends as
     * soon as the thread waiting in it is interrupted (where the driver allows, see {@link InterruptibleSocketFactory}):
     * a {@link FenceWatch} waits in it for a paused server, and must stop when the DataSource closes.
     */
    static Connection openInterruptibly(String name, String url, FailoverConfig config, Duration connectTimeout,
                                        Duration timeout) throws SQLException {
        // the URL's dialect, not the monitor's confirmed one: asking the monitor waits for its probe of the node, which
        // on a paused server lasts a probe timeout, and the attempt would then queue behind the probe's on resume
        Connection c = open(name, url, Dialect.forUrl(url), config, connectTimeout, connectTimeout, true);
        try {
            c.setNetworkTimeout(Runnable::run, Math.toIntExact(timeout.toMillis())); // the handshake had connectTimeout
            return c;
        } catch (SQLException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    private static Connection open(String name, String url, Dialect dialect, FailoverConfig config, Duration statementTimeout,
                                   Duration connectTimeout, boolean interruptible) throws SQLException {
        Properties p = new Properties();
        p.putAll(dialect.timeoutProperties(statementTimeout));
        Map<String, String> connect = dialect.timeoutProperties(connectTimeout);
        for (String key : List.of("connectTimeout", "loginTimeout")) {
            if (connect.containsKey(key)) {
                p.setProperty(key, connect.get(key));
            }
        }
        p.putAll(dialect.probeConnectionProperties());
        if (config.adminUsername() != null) {
            p.setProperty("user", config.adminUsername());
        }
        if (config.adminPassword() != null) {
            p.setProperty("password", config.adminPassword());
        }
        Driver driver = DriverManager.getDriver(url);
        if (interruptible) {
            InterruptibleSocketFactory.use(driver, p);
        }
        Connection c;
        try {
            c = driver.connect(url, p);
        } catch (SQLException e) {
            throw dev.replicaware.dialect.AdminErrors.connectRefused(e, name, config.adminUsername());
        }
        if (c == null) {
            throw new SQLException("The driver " + driver.getClass().getName() + " does not accept the URL of " + name, "08001");
        }
        c.setAutoCommit(true);
        return c;
    }
}
