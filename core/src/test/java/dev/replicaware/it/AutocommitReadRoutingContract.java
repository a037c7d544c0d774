package dev.replicaware.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.replicaware.ReplicaAwareDataSource;
import dev.replicaware.config.RoutingConfig.AutocommitReads;
import dev.replicaware.testkit.ClusterNode;
import dev.replicaware.testkit.ReplicatedCluster;
import dev.replicaware.topology.Node;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@code routing.autocommitReads: replica} on a real cluster: statements outside transactions on connections that are
 * not read-only. Where each ran is asked of the server: every statement here answers the port of the node that ran it,
 * read through a relation ({@link #port()}), since the classifier sends a direct read of the node's port (a system
 * variable, {@code inet_server_port()}) to the primary.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AutocommitReadRoutingContract {
    private ReplicatedCluster cluster;
    private ReplicaAwareDataSource dataSource;

    abstract ReplicatedCluster startCluster();

    /** A scalar subquery answering the serving node's port, through a relation the classifier cannot see into. */
    abstract String port();

    /** Run after replication caught up: whatever {@link #port()} needs on every node, as admin. */
    void prepareNodes(ReplicatedCluster cluster) throws SQLException {
    }

    /**
     * Reads that answer the port (first column) and call a user's function that writes, where the classifier must
     * see a call: a name the SQL flavor lets a user give a function ({@code first}), PostgreSQL's attribute notation
     * ({@code p.touch} calls {@code touch(p)}), a user-defined operator. Each writes a row into {@code ac_log}.
     */
    abstract List<String> writingFunctionCalls();

    /** Statements run on the primary before the tests, as admin: the functions {@link #writingFunctionCalls} call. */
    abstract List<String> writingFunctions();

    /** Reads of catalog and statistics relations that answer the port (first column). */
    abstract List<String> catalogReads();

    /** Takes a lock on the connection and answers its session's id (first column). */
    abstract String takeALock();

    /** Answers the port (first column) and how many locks the session whose id is the parameter holds (second). */
    abstract String locksHeldBy();

    /** Statements that read and answer the port, but lock, use a sequence or leave session state: for the primary. */
    abstract List<String> portQueriesForThePrimary();

    /** A statement that changes the session's state (a variable, a temporary table) without a result. */
    abstract List<String> sessionStateChanges();

    /** Sets session state through JDBC that a read can show: a schema, an isolation level. */
    abstract void setState(Connection c) throws SQLException;

    /**
     * Undoes {@link #setState}: HikariCP resets a schema on return only when its pool names one, so a schema set on a
     * connection otherwise stays with the physical connection for the next borrower.
     */
    abstract void resetState(Connection c) throws SQLException;

    /** A read answering the port (first column) and the state {@link #setState} set (second column). */
    abstract String stateQuery();

    /** What {@link #stateQuery()} answers once {@link #setState} ran. */
    abstract String expectedState();

    /** Run on the primary before the tests: whatever {@link #setState} needs. */
    void prepare(Statement s) throws SQLException {
    }

    @BeforeAll
    void start() throws SQLException {
        cluster = startCluster();
        try (Connection c = cluster.connectApp(cluster.primary()); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE ac_probe (id INT PRIMARY KEY, note VARCHAR(40))");
            s.execute("INSERT INTO ac_probe VALUES (1, 'one')");
            s.execute("CREATE SEQUENCE ac_seq");
            s.execute("CREATE TABLE ac_log (note VARCHAR(40))");
            s.execute("CREATE TABLE ac_keys (k INT)");
            prepare(s);
        }
        try (Connection c = cluster.connectAdmin(cluster.primary()); Statement s = c.createStatement()) {
            for (String sql : writingFunctions()) {
                s.execute(sql);
            }
        }
        cluster.waitForReplication(Duration.ofSeconds(30));
        prepareNodes(cluster);
        // after the functions: on PostgreSQL, one created later is called by x.y only once a refresh read it (docs)
        // reads wait on a replica for the commits before them (sequences, updates): the routing of each statement is
        // the point here, not where read-your-writes would send a read whose replica is not known to be there yet
        dataSource = RoutingContractTest.dataSource(cluster, b -> b.autocommitReads(AutocommitReads.REPLICA)
                .readYourWritesWait(dev.replicaware.config.RoutingConfig.ReadYourWritesWait.ALWAYS));
    }

    ReplicatedCluster cluster() {
        return cluster;
    }

    ReplicaAwareDataSource dataSource() {
        return dataSource;
    }

    @AfterAll
    void stop() {
        if (dataSource != null) {
            dataSource.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void classifiedReadsOutsideTransactionsRunOnReplicas() throws SQLException {
        List<String> reads = List.of(
                "SELECT " + port(),
                "select " + port() + ", note from ac_probe where id = ?",
                "/* load probe */ SELECT " + port() + " FROM ac_probe WHERE id IN (SELECT id FROM ac_probe WHERE id = ?)",
                "WITH one AS (SELECT id FROM ac_probe WHERE id = ?) SELECT " + port() + " FROM one",
                "SELECT count(*), max(note), " + port() + " FROM ac_probe WHERE id >= ? GROUP BY 3");
        for (String sql : reads) {
            try (Connection c = dataSource.getConnection()) {
                assertThat(c.getAutoCommit()).isTrue();
                assertThat(c.isReadOnly()).isFalse();
                assertThat(replicaNames()).as("served: %s", sql).contains(servedBy(c, sql));
            }
        }
        try (Connection c = dataSource.getConnection();
             PreparedStatement s = c.prepareStatement("SELECT " + port(), Statement.NO_GENERATED_KEYS);
             ResultSet rs = s.executeQuery()) {
            assertThat(rs.next()).isTrue();
            assertThat(portName(rs.getInt(1))).as("prepared with NO_GENERATED_KEYS").isIn(replicaNames());
        }
        RoutingContractTest.awaitNoActiveConnections(dataSource);
    }

    @Test
    void locksSequencesAndSessionStateRunOnThePrimaryAndKeepTheConnectionThere() throws SQLException {
        for (String sql : portQueriesForThePrimary()) {
            try (Connection c = dataSource.getConnection()) {
                assertThat(servedBy(c, "SELECT " + port())).as("a plain read first").isIn(replicaNames());
                assertThat(servedBy(c, sql)).as("served: %s", sql).isEqualTo(primaryName());
                assertThat(servedBy(c, "SELECT " + port())).as("a plain read after: %s", sql).isEqualTo(primaryName());
            }
        }
        for (String sql : sessionStateChanges()) {
            try (Connection c = dataSource.getConnection()) {
                try (PreparedStatement s = c.prepareStatement(sql)) {
                    s.execute();
                }
                assertThat(servedBy(c, "SELECT " + port())).as("a plain read after: %s", sql).isEqualTo(primaryName());
            }
        }
        RoutingContractTest.awaitNoActiveConnections(dataSource);
    }

    @Test
    void userFunctionsThatWriteRunOnThePrimary() throws SQLException {
        for (String sql : writingFunctionCalls()) {
            long before = logged();
            try (Connection c = dataSource.getConnection()) {
                assertThat(servedBy(c, "SELECT " + port())).as("a plain read first").isIn(replicaNames());
                assertThat(servedBy(c, sql)).as("served: %s", sql).isEqualTo(primaryName());
            }
            assertThat(logged()).as("rows the function wrote on the primary: %s", sql).isEqualTo(before + 1);
        }
        RoutingContractTest.awaitNoActiveConnections(dataSource);
    }

    @Test
    void catalogAndStatisticsReadsRunOnThePrimary() throws SQLException {
        for (String sql : catalogReads()) {
            try (Connection c = dataSource.getConnection()) {
                assertThat(servedBy(c, "SELECT " + port())).as("a plain read first").isIn(replicaNames());
                assertThat(servedBy(c, sql)).as("served: %s", sql).isEqualTo(primaryName());
            }
        }
        try (Connection holder = cluster.connectApp(cluster.primary()); Statement h = holder.createStatement();
             ResultSet held = h.executeQuery(takeALock())) {
            assertThat(held.next()).isTrue();
            long session = held.getLong(1);
            try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(locksHeldBy())) {
                s.setLong(1, session);
                try (ResultSet rs = s.executeQuery()) {
                    assertThat(rs.next()).isTrue();
                    assertThat(portName(rs.getInt(1))).as("served: %s", locksHeldBy()).isEqualTo(primaryName());
                    assertThat(rs.getLong(2)).as("locks held by session %d on the primary, seen by %s", session,
                            locksHeldBy()).isEqualTo(1);
                }
            }
        }
        RoutingContractTest.awaitNoActiveConnections(dataSource);
    }

    long logged() throws SQLException {
        try (Connection c = cluster.connectApp(cluster.primary()); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM ac_log")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void anUpdatablePreparedStatementStaysOnThePrimaryAndItsUpdateRowLandsThere() throws SQLException {
        try (Connection c = cluster.connectApp(cluster.primary()); Statement s = c.createStatement()) {
            s.execute("INSERT INTO ac_probe VALUES (70, 'before')");
        }
        cluster.waitForReplication(Duration.ofSeconds(30));
        try {
            try (Connection c = dataSource.getConnection();
                 PreparedStatement ps = c.prepareStatement("SELECT id, note FROM ac_probe WHERE id = 70",
                         ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_UPDATABLE);
                 ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                rs.updateString("note", "updated");
                rs.updateRow(); // on a replica: 25006
            }
            try (Connection c = cluster.connectApp(cluster.primary()); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT note FROM ac_probe WHERE id = 70")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).as("the row on the primary").isEqualTo("updated");
            }
        } finally {
            try (Connection c = cluster.connectApp(cluster.primary()); Statement s = c.createStatement()) {
                s.execute("DELETE FROM ac_probe WHERE id = 70");
            }
        }
        RoutingContractTest.awaitNoActiveConnections(dataSource);
    }

    @Test
    void aWriteKeepsTheConnectionOnThePrimaryWhileEarlierReadsStayOpen() throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement read = c.prepareStatement("SELECT " + port() + ", id FROM ac_probe")) {
            try (ResultSet rs = read.executeQuery()) {
                assertThat(rs.next()).isTrue();
                assertThat(portName(rs.getInt(1))).isIn(replicaNames());
                try (PreparedStatement write = c.prepareStatement("UPDATE ac_probe SET note = ? WHERE id = 1")) {
                    write.setString(1, "written");
                    assertThat(write.executeUpdate()).isEqualTo(1);
                }
                assertThat(read.getConnection()).as("the statement reports the logical connection").isSameAs(c);
                assertThat(rs.getInt(2)).as("the replica's result set is still open").isEqualTo(1);
            }
            // the read-your-own-write: the connection that wrote reads on the primary
            try (PreparedStatement again = c.prepareStatement("SELECT " + port() + ", note FROM ac_probe WHERE id = 1");
                 ResultSet rs = again.executeQuery()) {
                assertThat(rs.next()).isTrue();
                assertThat(portName(rs.getInt(1))).isEqualTo(primaryName());
                assertThat(rs.getString(2)).isEqualTo("written");
            }
            assertThat(read.executeQuery().next()).as("a statement made on the replica side still runs").isTrue();
        }
        RoutingContractTest.awaitNoActiveConnections(dataSource);
    }

    /** Answers the serving node's port (first column) and how many rows of {@code ac_keys} hold the parameter. */
    private String keyLookup() {
        return "SELECT " + port() + " AS port, (SELECT count(*) FROM ac_keys WHERE k = ?) AS n";
    }

    /** Runs {@code lookup} for {@code key}: the node that served it and the count it saw. */
    private Object[] lookUp(PreparedStatement lookup, int key) throws SQLException {
        lookup.setInt(1, key);
        try (ResultSet rs = lookup.executeQuery()) {
            assertThat(rs.next()).isTrue();
            return new Object[] {portName(rs.getInt(1)), rs.getLong(2)};
        }
    }

    private long keysOnThePrimary(int key) throws SQLException {
        try (Connection c = cluster.connectApp(cluster.primary());
             PreparedStatement s = c.prepareStatement("SELECT count(*) FROM ac_keys WHERE k = ?")) {
            s.setInt(1, key);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    @Test
    void aReadPreparedOutsideATransactionRunsInsideTheTransactionOpenedLater() throws SQLException {
        int key = 101;
        try (Connection c = dataSource.getConnection(); PreparedStatement lookup = c.prepareStatement(keyLookup())) {
            assertThat(lookUp(lookup, key)[0]).as("prepared and run in autocommit").isIn(replicaNames());
            c.setAutoCommit(false);
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO ac_keys VALUES (?)")) {
                for (int attempt = 1; attempt <= 2; attempt++) { // lookup-then-insert: the second must see the first
                    Object[] seen = lookUp(lookup, key);
                    assertThat(seen[0]).as("attempt %d runs in the transaction, on the primary", attempt)
                            .isEqualTo(primaryName());
                    assertThat(seen[1]).as("attempt %d sees the transaction's own insert", attempt)
                            .isEqualTo(attempt == 1 ? 0L : 1L);
                    if ((Long) seen[1] == 0L) {
                        insert.setInt(1, key);
                        insert.executeUpdate();
                    }
                }
            }
            c.commit();
            c.setAutoCommit(true);
            Object[] after = lookUp(lookup, key);
            assertThat(after[0]).as("after the write, outside the transaction").isEqualTo(primaryName());
            assertThat(after[1]).isEqualTo(1L);
        }
        assertThat(keysOnThePrimary(key)).as("rows the lookup-then-insert loop inserted").isEqualTo(1);
        try (Connection c = dataSource.getConnection(); PreparedStatement lookup = c.prepareStatement(keyLookup())) {
            lookup.setInt(1, key);
            assertThat(lookUp(lookup, key)[0]).as("prepared in autocommit").isIn(replicaNames());
            c.setAutoCommit(false);
            lookup.setFetchSize(10);
            Object[] inside = lookUp(lookup, key);
            assertThat(inside[0]).as("inside a transaction that only reads").isEqualTo(primaryName());
            assertThat(inside[1]).isEqualTo(1L);
            c.commit();
            c.setAutoCommit(true);
            try (ResultSet rs = lookup.executeQuery()) { // the parameter set before the move, replayed both ways
                assertThat(rs.next()).isTrue();
                assertThat(portName(rs.getInt(1))).as("autocommit again, nothing written: the state is followed again")
                        .isIn(replicaNames());
                assertThat(rs.getLong(2)).isEqualTo(1L);
            }
        }
        RoutingContractTest.awaitNoActiveConnections(dataSource);
    }

    @Test
    void aReadPreparedOnTheReplicaSideRunsOnThePrimaryAfterTheConnectionWrote() throws SQLException {
        int key = 202;
        try (Connection c = dataSource.getConnection(); PreparedStatement lookup = c.prepareStatement(keyLookup())) {
            Object[] before = lookUp(lookup, key);
            assertThat(before[0]).as("prepared and run before the write").isIn(replicaNames());
            assertThat(before[1]).isEqualTo(0L);
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO ac_keys VALUES (?)")) {
                insert.setInt(1, key);
                assertThat(insert.executeUpdate()).isEqualTo(1);
            }
            Object[] after = lookUp(lookup, key);
            assertThat(after[0]).as("the same statement, run again after the connection wrote").isEqualTo(primaryName());
            assertThat(after[1]).as("the connection's own write").isEqualTo(1L);
        }
        RoutingContractTest.awaitNoActiveConnections(dataSource);
    }

    @Test
    void consecutiveReadsCostOneBorrowAndTransactionsStayOnThePrimary() throws SQLException {
        long before = replicaReads();
        try (Connection c = dataSource.getConnection()) {
            String first = servedBy(c, "SELECT " + port());
            for (int i = 0; i < 20; i++) {
                assertThat(servedBy(c, "SELECT " + port() + " FROM ac_probe WHERE id = 1")).isEqualTo(first);
            }
            assertThat(replicaReads() - before).as("replica borrows for 21 reads on one connection").isEqualTo(1);
            c.setAutoCommit(false);
            assertThat(servedBy(c, "SELECT " + port())).as("inside a transaction").isEqualTo(primaryName());
            c.commit();
            c.setAutoCommit(true);
            assertThat(servedBy(c, "SELECT " + port())).as("after a transaction on this connection").isEqualTo(primaryName());
        }
        try (Connection c = dataSource.getConnection()) {
            c.setReadOnly(true);
            assertThat(servedBy(c, "SELECT " + port())).as("read-only, as before").isIn(replicaNames());
        }
        RoutingContractTest.awaitNoActiveConnections(dataSource);
    }

    @Test
    void stateSetAfterAReadReachesTheReplicaSide() throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            String replica = servedBy(c, "SELECT " + port());
            assertThat(replica).isIn(replicaNames());
            setState(c);
            try (PreparedStatement s = c.prepareStatement(stateQuery()); ResultSet rs = s.executeQuery()) {
                assertThat(rs.next()).isTrue();
                assertThat(portName(rs.getInt(1))).as("still the replica side").isEqualTo(replica);
                assertThat(rs.getString(2)).as("the state set after the first read").isEqualTo(expectedState());
            }
            resetState(c);
        }
        RoutingContractTest.awaitNoActiveConnections(dataSource);
    }

    @Test
    void closeAndAbortGiveBackBothSides() throws SQLException {
        for (boolean abort : new boolean[] {false, true}) {
            Connection c = dataSource.getConnection();
            assertThat(servedBy(c, "SELECT " + port())).isIn(replicaNames());
            try (PreparedStatement write = c.prepareStatement("UPDATE ac_probe SET note = note WHERE id = 1")) {
                write.executeUpdate();
            }
            assertThat(dataSource.routingTopology().nodes().stream().mapToInt(Node::activeConnections).sum())
                    .as("physical connections held by one logical connection").isEqualTo(2);
            if (abort) {
                c.abort(Runnable::run);
            } else {
                c.close();
            }
            assertThat(c.isClosed()).isTrue();
            RoutingContractTest.awaitNoActiveConnections(dataSource);
        }
    }

    @Test
    void byDefaultReadsOutsideTransactionsStayOnThePrimary() throws SQLException {
        try (ReplicaAwareDataSource ds = RoutingContractTest.dataSource(cluster, b -> { });
             Connection c = ds.getConnection()) {
            assertThat(servedBy(c, "SELECT " + port())).isEqualTo(primaryName());
        }
    }

    /** The node that ran {@code sql} on {@code c}, from the port it answered; a {@code ?} gets 1. */
    String servedBy(Connection c, String sql) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            if (sql.contains("?")) {
                s.setInt(1, 1);
            }
            assertThat(s.getConnection()).isSameAs(c);
            try (ResultSet rs = s.executeQuery()) {
                assertThat(rs.next()).as("a row from %s", sql).isTrue();
                for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                    String label = rs.getMetaData().getColumnLabel(i).toLowerCase(java.util.Locale.ROOT);
                    if (label.contains("port")) {
                        return portName(rs.getInt(i));
                    }
                }
                throw new AssertionError("no port column in " + sql);
            }
        }
    }

    private String portName(int port) {
        return cluster.nodes().stream().filter(n -> n.port() == port).findFirst().map(ClusterNode::name)
                .orElseThrow(() -> new AssertionError("no node on port " + port));
    }

    String primaryName() {
        return cluster.primary().name();
    }

    List<String> replicaNames() {
        return cluster.replicas().stream().map(ClusterNode::name).toList();
    }

    private long replicaReads() {
        return dataSource.routingTopology().replicas().stream().mapToLong(Node::reads).sum();
    }
}
