package dev.replicaware.topology;

import com.zaxxer.hikari.HikariConfig;
import dev.replicaware.config.Secrets;
import dev.replicaware.dialect.Dialect;
import dev.replicaware.dialect.GenericDialect;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Internal: how the read-only flag of a logical connection reaches one node's physical connections. The flag is a
 * routing decision first; on the physical connection it is a safeguard only.
 *
 * <ul>
 * <li>Some drivers refuse to change the flag on an open connection (sqlite-jdbc: "Cannot change read-only flag after
 *     establishing a connection"). The first refusal is logged, once, and remembered for the node: from then on the
 *     flag is not sent there, and reads are served all the same.</li>
 * <li>Where the driver has a property for it, a replica is opened read-only from the start (SQLite: {@code open_mode}
 *     1), unless its pool sets that property itself. Such a node needs no flag for reads, and a read-write connection
 *     there is refused before any statement runs: a write never reaches a node opened read-only.</li>
 * <li>On MySQL and MariaDB every change of the flag is a statement ({@code SET SESSION TRANSACTION READ ONLY} or
 *     {@code READ WRITE}), so a replica's pool holds its connections read-only (HikariCP's {@code readOnly}) unless
 *     its pool settings say otherwise: a read-only transaction there then changes nothing, and the pool resets
 *     nothing, two statements fewer than a plain pool. A write on such a node (a promoted replica) sets the flag off
 *     and the pool sets it back on return.</li>
 * </ul>
 */
public final class ReadOnlyFlag {
    private static final Logger LOG = LoggerFactory.getLogger(ReadOnlyFlag.class);
    private static final String READ_ONLY_TRANSACTION = "25006";

    private final String cluster;
    private final String node;
    private final boolean openedReadOnly;
    private final AtomicBoolean refused = new AtomicBoolean();

    ReadOnlyFlag(String cluster, String node, boolean openedReadOnly) {
        this.cluster = cluster;
        this.node = node;
        this.openedReadOnly = openedReadOnly;
    }

    /**
     * The flag for a node about to get the pool {@code hikari}: a replica of a driver known to open read-only is set to
     * (driver property added to {@code hikari}); a node whose pool sets that property itself keeps it.
     */
    static ReadOnlyFlag forPool(String cluster, String node, String url, NodeRole role, Map<String, String> settings,
                                HikariConfig hikari) {
        boolean openedReadOnly = false;
        if (GenericDialect.isSqlite(url)) {
            String configured = settings.get("dataSource." + GenericDialect.SQLITE_OPEN_MODE);
            if (configured == null && role == NodeRole.REPLICA) {
                hikari.addDataSourceProperty(GenericDialect.SQLITE_OPEN_MODE, GenericDialect.SQLITE_READ_ONLY);
                openedReadOnly = true;
            } else if (configured != null) {
                openedReadOnly = configured.trim().matches("\\d+") && (Long.parseLong(configured.trim()) & 1) != 0;
            }
        }
        if (openedReadOnly) {
            hikari.setReadOnly(true); // HikariCP sets its readOnly on every new connection; false would be refused
        } else if (role == NodeRole.REPLICA && !settings.containsKey("readOnly") && flagIsAStatement(url)) {
            hikari.setReadOnly(true); // reads then flip nothing: see the class comment
        }
        return new ReadOnlyFlag(cluster, node, openedReadOnly);
    }

    /** True for the MySQL family, whose drivers send a statement for every change of the read-only flag. */
    private static boolean flagIsAStatement(String url) {
        String family = Dialect.forUrl(url).name();
        return family.equals("mysql") || family.equals("mariadb");
    }

    /** True when the node's connections are read-only from the moment they open. */
    public boolean openedReadOnly() {
        return openedReadOnly;
    }

    /** True once the node's driver refused to change the flag on an open connection. */
    public boolean refused() {
        return refused.get();
    }

    /**
     * Sets {@code readOnly} on {@code physical}, a connection of this node that differs from it, where the driver
     * accepts that. A refusal of {@code true} is remembered and the connection serves the read as it is; a connection
     * error is the caller's to handle. A read-write connection on a node opened read-only is refused.
     */
    public void apply(Connection physical, boolean readOnly) throws SQLException {
        if (!readOnly && openedReadOnly) {
            throw new SQLException("Node '" + node + "' of cluster '" + cluster + "' is opened read-only (its driver's "
                    + "read-only open mode); it cannot serve a read-write connection. Writes go to the primary",
                    READ_ONLY_TRANSACTION);
        }
        if (readOnly && refused.get()) {
            return;
        }
        try {
            physical.setReadOnly(readOnly);
        } catch (SQLException e) {
            String state = e.getSQLState();
            if (!readOnly || (state != null && (state.startsWith("08") || state.startsWith("57P0")))) {
                throw e;
            }
            if (refused.compareAndSet(false, true)) {
                LOG.warn("{} - the driver of node {} refuses to make an open connection read-only ({}); read-only "
                        + "transactions are routed as before, without the flag on that node's connections", cluster,
                        node, Secrets.maskUrl(String.valueOf(e.getMessage())));
            }
        }
    }

    @Override
    public String toString() {
        return "ReadOnlyFlag[" + cluster + "/" + node + (openedReadOnly ? ", opened read-only" : "")
                + (refused() ? ", refused by the driver" : "") + "]";
    }
}
