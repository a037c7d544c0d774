package dev.replicaware.topology;

import dev.replicaware.config.Secrets;
import dev.replicaware.dialect.Dialect;
import dev.replicaware.dialect.Probe;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Properties;

/**
 * The probe of one node: its own JDBC connection (never a pool's, so a full pool cannot blind it) with short connect
 * and socket timeouts, opened on first use and after any failure, and the dialect's one-round-trip question.
 */
final class NodeProbe implements AutoCloseable {
    private final String url;
    private final Properties properties;
    private Duration timeout;
    private final List<String> secrets;
    /** Volatile, not behind the probe's lock: read-your-writes reads it on the request path while a probe may wait on its server. */
    private volatile Dialect dialect;
    private Connection connection;

    NodeProbe(String url, String username, String password, Dialect dialect, Duration timeout) {
        this.url = url;
        this.timeout = timeout;
        this.dialect = dialect;
        this.secrets = password == null || password.isEmpty() ? List.of() : List.of(password);
        this.properties = new Properties();
        if (username != null) {
            properties.setProperty("user", username);
        }
        if (password != null) {
            properties.setProperty("password", password);
        }
        properties.putAll(dialect.timeoutProperties(timeout));
        properties.putAll(dialect.probeConnectionProperties());
    }

    /** Asks the server once; closes the connection on any failure so that the next probe starts afresh. */
    synchronized Probe probe() throws SQLException {
        try {
            if (connection == null) {
                connection = open();
            }
            Probe answer = dialect.probe(connection);
            if (dialect.reopensForEachProbe()) {
                closeConnection();
            }
            return answer;
        } catch (SQLException | RuntimeException e) {
            closeConnection();
            throw e;
        }
    }

    /** What the node has replayed ({@link Dialect#replayed}), on this probe's connection. */
    synchronized dev.replicaware.dialect.Replayed replayed() throws SQLException {
        try {
            if (connection == null) {
                connection = open();
            }
            return dialect.replayed(connection);
        } catch (SQLException | RuntimeException e) {
            closeConnection();
            throw e;
        }
    }

    /** Probes from now on connect with {@code timeout}; the open connection is closed so the next probe reconnects. */
    synchronized void retime(Duration timeout) {
        this.timeout = timeout;
        properties.putAll(dialect.timeoutProperties(timeout));
        closeConnection();
    }

    /** The dialect, once confirmed by the server (MariaDB answers {@code jdbc:mysql:} URLs too). */
    Dialect dialect() {
        return dialect;
    }

    private Connection open() throws SQLException {
        Driver driver = DriverManager.getDriver(url);
        Connection c = driver.connect(url, properties);
        if (c == null) {
            throw new SQLException("The driver " + driver.getClass().getName() + " does not accept the URL", "08001");
        }
        try {
            c.setNetworkTimeout(Runnable::run, (int) timeout.toMillis());
            dialect = dialect.confirm(c.getMetaData());
            c.setAutoCommit(true);
        } catch (SQLException | RuntimeException e) {
            c.close();
            throw e;
        }
        return c;
    }

    /** The message of a failure, with every password this probe knows, and password URL parameters, masked. */
    String describe(Throwable failure) {
        String message = failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage();
        for (String s : secrets) {
            message = message.replace(s, Secrets.MASK);
        }
        return Secrets.maskUrl(message); // a driver may echo the URL, with a password parameter in it
    }

    private void closeConnection() {
        Connection c = connection;
        connection = null;
        if (c != null) {
            try {
                c.abort(Runnable::run);
            } catch (SQLException | RuntimeException ignored) {
                // a broken connection is gone either way
            }
        }
    }

    @Override
    public synchronized void close() {
        closeConnection();
    }
}
