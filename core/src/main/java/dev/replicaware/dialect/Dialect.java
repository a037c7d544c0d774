package dev.replicaware.dialect;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.SQLException;
import java.util.Locale;

/**
 * How to ask one database family what a server is and how far it has got. One class per family; each knows its SQL.
 * Internal: chosen from the JDBC URL with {@link #forUrl}, then confirmed from the server with {@link #confirm}.
 */
public abstract class Dialect {

    /** The family the URL names; {@link GenericDialect} for any other driver. */
    public static Dialect forUrl(String jdbcUrl) {
        String url = jdbcUrl == null ? "" : jdbcUrl.toLowerCase(Locale.ROOT);
        if (url.startsWith("jdbc:postgresql:")) {
            return PostgresDialect.INSTANCE;
        }
        if (url.startsWith("jdbc:mariadb:")) {
            return MariaDbDialect.INSTANCE;
        }
        if (url.startsWith("jdbc:mysql:")) {
            return MySqlDialect.INSTANCE; // may turn out to be MariaDB: see confirm()
        }
        return GenericDialect.INSTANCE;
    }

    /**
     * The dialect for the server actually behind a connection: MariaDB answers mysql-connector-j's {@code jdbc:mysql:}
     * URLs too, and speaks a different replication dialect.
     */
    public Dialect confirm(DatabaseMetaData meta) throws SQLException {
        return this;
    }

    /** A short name for messages and metrics: {@code postgresql}, {@code mysql}, {@code mariadb}, {@code generic}. */
    public abstract String name();

    /** What positions count: {@code bytes} or {@code transactions}. */
    public abstract String positionUnit();

    /** True where positions of two nodes compare (all but generic mode). */
    public boolean comparesPositions() {
        return true;
    }

    /**
     * Asks the server, in one round trip where the driver allows, what it is and where it stands. The caller owns the
     * connection (a dedicated probe connection with short timeouts) and its timeouts.
     */
    public abstract Probe probe(Connection connection) throws SQLException;

    /** SQL whose single value names the server that ran it, for tests and diagnostics. */
    public abstract String serverIdentitySql();

    /** Driver properties the probe connection needs (e.g. multi-statement queries for one round trip). */
    public java.util.Map<String, String> probeConnectionProperties() {
        return java.util.Map.of();
    }

    /** Driver properties that bound connecting and each socket read by {@code timeout}; none for unknown drivers. */
    public java.util.Map<String, String> timeoutProperties(java.time.Duration timeout) {
        return java.util.Map.of();
    }

    @Override
    public String toString() {
        return name();
    }
}
