package dev.replicaware.dialect;

import java.sql.Connection;
import java.sql.SQLException;

/** Any other JDBC driver: reachability only; roles come from the configuration. Internal. */
public final class GenericDialect extends Dialect {
    static final GenericDialect INSTANCE = new GenericDialect();

    private GenericDialect() {}

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
        if (!connection.isValid(0)) {
            throw new SQLException("The connection did not answer a validity check");
        }
        return new Probe(Role.UNKNOWN, Probe.NO_POSITION, Probe.NO_POSITION, Probe.NO_POSITION, false, Double.NaN);
    }

    @Override
    public String serverIdentitySql() {
        return "SELECT 1";
    }
}
