package dev.replicaware.dialect;

import static org.assertj.core.api.Assertions.assertThat;

import dev.replicaware.testkit.ClusterExtension;
import dev.replicaware.testkit.ClusterNode;
import dev.replicaware.testkit.PostgresCluster;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class PostgresDialectTest {
    @RegisterExtension
    static final ClusterExtension<PostgresCluster> CLUSTER = ClusterExtension.of(() -> PostgresCluster.builder().replicas(1).start());

    private final Dialect dialect = Dialect.forUrl("jdbc:postgresql://x/y");

    @Test
    void urlAndServerBothSayPostgres(PostgresCluster pg) throws SQLException {
        assertThat(dialect).isInstanceOf(PostgresDialect.class);
        try (Connection c = pg.connectAdmin(pg.primary())) {
            assertThat(dialect.confirm(c.getMetaData())).isSameAs(dialect);
        }
    }

    @Test
    void primaryAndReplicaAreToldApartAndTheirPositionsCompare(PostgresCluster pg) throws SQLException {
        ClusterNode replica = pg.replicas().get(0);
        try (Connection p = pg.connectAdmin(pg.primary()); Connection r = pg.connectAdmin(replica)) {
            try (Statement s = p.createStatement()) {
                s.execute("CREATE TABLE IF NOT EXISTS probe_t(id serial, pad text)");
                s.execute("INSERT INTO probe_t(pad) SELECT repeat('x', 100) FROM generate_series(1, 1000)");
            }
            Probe primary = dialect.probe(p);
            assertThat(primary.role()).isEqualTo(Role.PRIMARY);
            assertThat(primary.writePosition()).isPositive();
            assertThat(primary.replayedPosition()).isEqualTo(Probe.NO_POSITION);

            pg.waitForReplication(Duration.ofSeconds(10));
            Probe standby = dialect.probe(r);
            assertThat(standby.role()).isEqualTo(Role.REPLICA);
            assertThat(standby.receiving()).isTrue();
            assertThat(standby.replayedPosition()).isGreaterThanOrEqualTo(primary.writePosition());
            assertThat(standby.receivedPosition()).isGreaterThanOrEqualTo(standby.replayedPosition());
            // caught up: the replay timestamp's age only says how long the primary has been idle
            assertThat(standby.reportedLagSeconds()).isZero();
            assertThat(standby.readPosition()).isEqualTo(standby.replayedPosition());
        }
    }

    @Test
    void identityNamesTheServerThatAnswered(PostgresCluster pg) throws SQLException {
        for (ClusterNode n : pg.nodes()) {
            try (Connection c = pg.connectApp(n); Statement s = c.createStatement(); var rs = s.executeQuery(dialect.serverIdentitySql())) {
                rs.next();
                assertThat(rs.getString(1)).isEqualTo("127.0.0.1:" + n.port());
            }
        }
    }

    /**
     * Every write commits with its position (read-your-writes, on by default): the query is prepared on the server once
     * per connection, not parsed and planned again at every commit, which made a busy primary's COMMIT round trip
     * several times longer than a plain COMMIT's.
     */
    @Test
    void theCommitPositionQueryIsPreparedOnTheServerNotPlannedAtEveryCommit(PostgresCluster pg) throws SQLException {
        try (Connection c = pg.connectApp(pg.primary())) {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE IF NOT EXISTS commit_position_t(id serial, pad text)");
            }
            c.setAutoCommit(false);
            dev.replicaware.ConsistencyToken last = null;
            for (int i = 0; i < 10; i++) {
                try (Statement s = c.createStatement()) {
                    s.executeUpdate("INSERT INTO commit_position_t(pad) VALUES ('x')");
                }
                dev.replicaware.ConsistencyToken position = dialect.commitWithPosition(c);
                assertThat(last == null || position.position() > last.position()).as("%s after %s", position, last).isTrue();
                last = position;
            }
            c.setAutoCommit(true);
            try (Statement s = c.createStatement();
                 var rs = s.executeQuery("SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE '%pg_current_wal_insert_lsn%'")) {
                rs.next();
                assertThat(rs.getLong(1)).as("statements prepared on the server for the commit position after 10 commits").isPositive();
            }
        }
    }

    /**
     * The commit position, moved back over a page header in Java, is the one the server's own arithmetic gives, for
     * insert positions at a segment's start, at a page's start, and elsewhere, with the sizes the server reports.
     */
    @Test
    void theCommitPositionIsMovedBackOverAPageHeaderAsTheServerWouldMoveIt(PostgresCluster pg) throws SQLException {
        String sizes = "SELECT current_setting('wal_segment_size'), current_setting('wal_block_size'), "
                + "pg_size_bytes(current_setting('wal_segment_size')), current_setting('wal_block_size')::bigint";
        try (Connection c = pg.connectApp(pg.primary()); Statement s = c.createStatement(); var rs = s.executeQuery(sizes)) {
            rs.next();
            String segmentSetting = rs.getString(1);
            String blockSetting = rs.getString(2);
            long segment = rs.getLong(3);
            long block = rs.getLong(4);
            assertThat(PostgresDialect.bytes(segmentSetting)).as("wal_segment_size '%s'", segmentSetting).isEqualTo(segment);
            assertThat(PostgresDialect.bytes(blockSetting)).as("wal_block_size '%s'", blockSetting).isEqualTo(block);
            long base = 5 * segment + (3L << 32);
            for (long at : new long[] {base + 40, base + 24, base + 41, base + block + 24, base + block + 40, base + block, base + 7}) {
                String lsn = Long.toHexString(at >>> 32).toUpperCase() + "/" + Long.toHexString(at & 0xFFFF_FFFFL).toUpperCase();
                String server = """
                        SELECT p::text, (p - '0/0')::bigint
                          FROM (SELECT CASE WHEN b % pg_size_bytes(current_setting('wal_segment_size')) = 40 THEN i - 40
                                            WHEN b % current_setting('wal_block_size')::bigint = 24 THEN i - 24
                                            ELSE i END AS p
                                  FROM (SELECT i, (i - '0/0')::bigint AS b FROM (SELECT '{lsn}'::pg_lsn AS i) l) x) y""".replace("{lsn}", lsn);
                String serverLsn;
                long serverPosition;
                try (Statement q = c.createStatement(); var r = q.executeQuery(server)) {
                    r.next();
                    serverLsn = r.getString(1);
                    serverPosition = r.getLong(2);
                }
                var mine = PostgresDialect.commitPosition(lsn, segmentSetting, blockSetting);
                assertThat(mine.position()).as("commit position of insert position %s", lsn).isEqualTo(serverPosition);
                try (Statement q = c.createStatement();
                     var same = q.executeQuery("SELECT '" + mine.serverPosition() + "'::pg_lsn = '" + serverLsn + "'::pg_lsn")) {
                    same.next();
                    assertThat(same.getBoolean(1)).as("%s, from %s, against the server's %s", mine.serverPosition(), lsn, serverLsn).isTrue();
                }
            }
        }
    }

    @Test
    void aSizeSettingThatDoesNotParseLeavesTheInsertPositionUnmoved() throws SQLException {
        assertThat(PostgresDialect.bytes("16MB")).isEqualTo(16L << 20);
        assertThat(PostgresDialect.bytes("64kB")).isEqualTo(64L << 10);
        assertThat(PostgresDialect.bytes("1GB")).isEqualTo(1L << 30);
        assertThat(PostgresDialect.bytes("8192")).isEqualTo(8192);
        assertThat(PostgresDialect.bytes("16 furlongs")).isEqualTo(-1);
        assertThat(PostgresDialect.bytes(null)).isEqualTo(-1);
        // 0/3000028 is 40 bytes into a 16 MB segment: moved back to its start, unless the segment size is unknown
        assertThat(PostgresDialect.commitPosition("0/3000028", "16MB", "8192").serverPosition()).isEqualTo("0/3000000");
        assertThat(PostgresDialect.commitPosition("0/3000028", "?", "?").position()).isEqualTo(0x3000028L);
        assertThat(PostgresDialect.commitPosition("0/03000028", "16MB", "8192").serverPosition()).isEqualTo("0/03000000");
    }
}
