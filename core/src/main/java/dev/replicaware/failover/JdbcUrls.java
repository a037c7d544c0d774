package dev.replicaware.failover;

/** The host and port of a single-host JDBC URL ({@code jdbc:postgresql://db1:5432/app}), for re-pointing replicas. */
final class JdbcUrls {
    private JdbcUrls() {}

    /** Where other servers reach {@code node} for replication: its {@code replicationHost}, else its URL's host. */
    static String replicationHost(dev.replicaware.config.NodeConfig node) {
        return node.replicationHost() != null ? node.replicationHost() : host(node.url());
    }

    /** Its {@code replicationPort}, else its URL's port, else the database's default port. */
    static int replicationPort(dev.replicaware.config.NodeConfig node, dev.replicaware.dialect.Dialect dialect) {
        if (node.replicationPort() > 0) {
            return node.replicationPort();
        }
        int port = port(node.url());
        return port > 0 ? port : dialect.defaultPort();
    }

    /** The message of a failure on an admin session, with the admin password and any URL secret masked. */
    static String describe(Throwable e, String adminPassword) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        m = adminPassword == null || adminPassword.isEmpty() ? m : m.replace(adminPassword, dev.replicaware.config.Secrets.MASK);
        return dev.replicaware.config.Secrets.maskUrl(m);
    }

    static String host(String url) {
        String authority = authority(url);
        if (authority.startsWith("[")) {
            int end = authority.indexOf(']');
            return end > 0 ? authority.substring(1, end) : authority;
        }
        int colon = authority.lastIndexOf(':');
        return colon >= 0 ? authority.substring(0, colon) : authority;
    }

    /** The URL's port, or -1 when it names none. */
    static int port(String url) {
        String authority = authority(url);
        int bracket = authority.lastIndexOf(']');
        int colon = authority.lastIndexOf(':');
        if (colon <= bracket) {
            return -1;
        }
        try {
            return Integer.parseInt(authority.substring(colon + 1));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static String authority(String url) {
        String authority = dev.replicaware.dialect.Dialect.authority(url);
        if (authority == null) {
            throw new IllegalArgumentException("Cannot tell the host of a JDBC URL without '//'; set replicationHost on the node");
        }
        return authority;
    }
}
