package dev.replicaware.topology;

import com.zaxxer.hikari.HikariConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** What reaches a node's physical connections of the read-only flag, on a real SQLite connection where a driver matters. */
class ReadOnlyFlagTest {
    @TempDir
    Path dir;

    /** {@code target} with its setReadOnly calls counted; or every setReadOnly failing with {@code failure}. */
    private static Connection counting(Connection target, AtomicInteger calls, SQLException failure) {
        return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("setReadOnly")) {
                        calls.incrementAndGet();
                        if (failure != null) {
                            throw failure;
                        }
                    }
                    try {
                        return method.invoke(target, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    @Test
    void driverRefusalIsRememberedAndTheFlagIsNotSentAgain() throws Exception {
        ReadOnlyFlag flag = new ReadOnlyFlag("c", "primary", false);
        AtomicInteger calls = new AtomicInteger();
        try (Connection sqlite = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("a.db"))) {
            Connection c = counting(sqlite, calls, null);
            flag.apply(c, true); // sqlite-jdbc: "Cannot change read-only flag after establishing a connection"
            flag.apply(c, true);
            assertThat(flag.refused()).isTrue();
            assertThat(calls).hasValue(1);
            assertThat(c.createStatement().executeQuery("SELECT 1").next()).as("the connection still serves").isTrue();
        }
    }

    @Test
    void connectionErrorOnSetReadOnlyIsNotTakenForARefusal() throws Exception {
        ReadOnlyFlag flag = new ReadOnlyFlag("c", "replica", false);
        AtomicInteger calls = new AtomicInteger();
        try (Connection sqlite = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("b.db"))) {
            Connection c = counting(sqlite, calls, new SQLException("I/O error", "08006"));
            SQLException e = catchThrowableOfType(SQLException.class, () -> flag.apply(c, true));
            assertThat(e.getSQLState()).isEqualTo("08006");
            assertThat(flag.refused()).isFalse();
        }
    }

    @Test
    void readWriteConnectionOnANodeOpenedReadOnlyIsRefusedBeforeTheDriverIsAsked() throws Exception {
        ReadOnlyFlag flag = new ReadOnlyFlag("orders", "copy", true);
        AtomicInteger calls = new AtomicInteger();
        try (Connection sqlite = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("c.db"))) {
            SQLException e = catchThrowableOfType(SQLException.class, () -> flag.apply(counting(sqlite, calls, null), false));
            assertThat(e.getSQLState()).isEqualTo("25006");
            assertThat(e.getMessage()).contains("'copy'", "'orders'", "opened read-only");
            assertThat(calls).hasValue(0);
        }
    }

    @Test
    void sqliteReplicaIsOpenedReadOnlyUnlessItsPoolSaysOtherwise() {
        HikariConfig replica = new HikariConfig();
        assertThat(ReadOnlyFlag.forPool("c", "r", "jdbc:sqlite:/x.db", NodeRole.REPLICA, Map.of(), replica).openedReadOnly()).isTrue();
        assertThat(replica.getDataSourceProperties()).containsEntry("open_mode", "1");
        assertThat(replica.isReadOnly()).isTrue();

        HikariConfig primary = new HikariConfig();
        assertThat(ReadOnlyFlag.forPool("c", "p", "jdbc:sqlite:/x.db", NodeRole.PRIMARY, Map.of(), primary).openedReadOnly()).isFalse();
        assertThat(primary.getDataSourceProperties()).isEmpty();
        assertThat(primary.isReadOnly()).isFalse();

        HikariConfig readWriteReplica = new HikariConfig();
        assertThat(ReadOnlyFlag.forPool("c", "r", "jdbc:sqlite:/x.db", NodeRole.REPLICA, Map.of("dataSource.open_mode", "6"),
                readWriteReplica).openedReadOnly()).isFalse();
        assertThat(readWriteReplica.getDataSourceProperties()).doesNotContainKey("open_mode");

        HikariConfig readOnlyPrimary = new HikariConfig();
        assertThat(ReadOnlyFlag.forPool("c", "p", "jdbc:sqlite:/x.db", NodeRole.PRIMARY, Map.of("dataSource.open_mode", "1"),
                readOnlyPrimary).openedReadOnly()).isTrue();

        HikariConfig other = new HikariConfig();
        assertThat(ReadOnlyFlag.forPool("c", "r", "jdbc:h2:mem:x", NodeRole.REPLICA, Map.of(), other).openedReadOnly()).isFalse();
        assertThat(other.getDataSourceProperties()).isEmpty();
    }
}
