package dev.replicaware.dialect;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns the engines' permission errors on admin statements into errors that name what the admin user lacks, the
 * statement that needed it, the step and the node: a server's own "permission denied for function pg_promote" or
 * "Access denied; you need ... RELOAD" does not say which failover step stopped, nor that docs/failover.md lists the
 * grant. The SQLState and vendor code are kept, so callers that test them see the server's. Internal.
 */
public final class AdminErrors {
    private AdminErrors() {}

    /**
     * MySQL/MariaDB: 1044 no privilege on the database, 1045 login refused, 1142/1143 table/column, 1227 a global
     * privilege ("you need the X privilege"), 1370 routine, 1698 login refused for a user without a password.
     */
    private static final Set<Integer> MYSQL_CODES = Set.of(1044, 1045, 1142, 1143, 1227, 1370, 1698);

    /** PostgreSQL: 42501 insufficient_privilege, 28P01 wrong password, 28000 no such role or pg_hba refusal. */
    private static final Set<String> POSTGRES_STATES = Set.of("42501", "28P01", "28000");

    private static final Pattern URL_ADDRESS = Pattern.compile("^jdbc:[a-z:]+://(?:[^@/?]*@)?([^/?;,]+)");

    /** True when the server answered, refusing the login or the statement for want of a privilege. */
    public static boolean isAccessDenied(Throwable t) {
        for (Throwable e = t; e != null; e = e.getCause()) {
            if (e instanceof SQLException s && (MYSQL_CODES.contains(s.getErrorCode())
                    || s.getSQLState() != null && POSTGRES_STATES.contains(s.getSQLState()))) {
                return true;
            }
            if (e.getCause() == e) {
                break;
            }
        }
        return false;
    }

    /**
     * The error for a refused connect of the admin user to node {@code node}: the server's message, and what to
     * grant when it is a privilege the login lacks; {@code e} itself when the server did not refuse access.
     */
    public static SQLException connectRefused(SQLException e, String node, String user) {
        if (!isAccessDenied(e)) {
            return e;
        }
        String what = switch (e.getErrorCode() != 0 ? Integer.toString(e.getErrorCode()) : String.valueOf(e.getSQLState())) {
            case "1044" -> "a privilege on the database of the node's URL (docs/failover.md grants SHOW VIEW on it)";
            case "42501" -> "CONNECT on the database of the node's URL";
            default -> "a login that the server accepts (wrong user name or password, or no host or pg_hba entry for it)";
        };
        return new SQLException("the admin user '" + user + "' cannot connect to node " + node + ": it needs " + what
                + "; the server said: " + e.getMessage(), e.getSQLState(), e.getErrorCode(), e);
    }

    /**
     * Runs {@code sql} as step {@code step} (e.g. "promote"); a permission error names {@code privilege} and
     * {@code statement}, a short name of {@code sql} that holds no value (a conninfo or password never goes in it).
     */
    static void execute(Statement s, String sql, String statement, String step, String privilege) throws SQLException {
        try {
            s.execute(sql);
        } catch (SQLException e) {
            throw explain(e, s.getConnection(), statement, step, privilege);
        }
    }

    /** {@code e} with what the admin user lacks, when it is a permission error; else {@code e} itself. */
    static SQLException explain(SQLException e, Connection c, String statement, String step, String privilege) {
        if (!isAccessDenied(e)) {
            return e;
        }
        return new SQLException("the admin user lacks " + privilege + " (needed by " + statement + ", to " + step + ")"
                + on(c) + "; the server said: " + e.getMessage(), e.getSQLState(), e.getErrorCode(), e);
    }

    /** " on node host:port" from the connection's URL (no user, password or parameter of it), or "". */
    static String on(Connection c) {
        try {
            String address = address(c.getMetaData().getURL());
            return address == null ? "" : " on node " + address;
        } catch (SQLException | RuntimeException e) {
            return "";
        }
    }

    /** The {@code host:port} of a JDBC URL, without any user or password before it; null when there is none. */
    static String address(String url) {
        Matcher m = URL_ADDRESS.matcher(url == null ? "" : url);
        return m.find() ? m.group(1) : null;
    }
}
