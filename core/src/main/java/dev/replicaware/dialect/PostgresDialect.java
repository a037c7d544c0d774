package dev.replicaware.dialect;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** PostgreSQL: recovery state and WAL positions (in bytes since 0/0), one query. Internal. */
public final class PostgresDialect extends Dialect {
    static final PostgresDialect INSTANCE = new PostgresDialect();

    /*
     * pg_current_wal_lsn() fails on a standby and the replay/receive functions return NULL on a primary, so the CASE
     * keeps one statement valid on both. The walreceiver row exists only while a standby streams.
     */
    private static final String PROBE = """
            SELECT r.in_recovery,
                   CASE WHEN r.in_recovery THEN NULL ELSE (pg_current_wal_lsn() - '0/0')::bigint END,
                   (pg_last_wal_receive_lsn() - '0/0')::bigint,
                   (pg_last_wal_replay_lsn() - '0/0')::bigint,
                   coalesce((SELECT status = 'streaming' FROM pg_stat_wal_receiver), false),
                   extract(epoch FROM now() - pg_last_xact_replay_timestamp())::float8
              FROM (SELECT pg_is_in_recovery() AS in_recovery) r""";

    private PostgresDialect() {}

    @Override
    public String name() {
        return "postgresql";
    }

    @Override
    public String positionUnit() {
        return "bytes";
    }

    @Override
    public Probe probe(Connection connection) throws SQLException {
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(PROBE)) {
            rs.next();
            boolean replica = rs.getBoolean(1);
            long write = position(rs, 2);
            long received = position(rs, 3);
            long replayed = position(rs, 4);
            boolean streaming = rs.getBoolean(5);
            double reported = rs.getDouble(6);
            boolean noTimestamp = rs.wasNull();
            if (!replica) {
                reported = Double.NaN;
            } else if (streaming && received != Probe.NO_POSITION && replayed >= received) {
                reported = 0; // everything received is applied: the replay timestamp only says how long the primary was idle
            } else if (noTimestamp) {
                reported = Double.NaN;
            }
            return new Probe(replica ? Role.REPLICA : Role.PRIMARY, write, received, replayed, streaming, reported);
        }
    }

    private static long position(ResultSet rs, int column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? Probe.NO_POSITION : v;
    }

    @Override
    public java.util.Map<String, String> timeoutProperties(java.time.Duration timeout) {
        // pgjdbc counts whole seconds; the probe also sets a network timeout in milliseconds
        String seconds = Long.toString(Math.max(1, (timeout.toMillis() + 999) / 1000));
        return java.util.Map.of("connectTimeout", seconds, "socketTimeout", seconds, "loginTimeout", seconds);
    }

    @Override
    public String serverIdentitySql() {
        return "SELECT host(inet_server_addr()) || ':' || inet_server_port()";
    }
}
