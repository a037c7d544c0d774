package dev.replicaware.failover;

/** The host and port of a single-host JDBC URL ({@code jdbc:postgresql://db1:5432/app}), for re-pointing replicas. */
final class JdbcUrls {
    private JdbcUrls() {}

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
        int slashes = url.indexOf("//");
        if (slashes < 0) {
            throw new IllegalArgumentException("Cannot tell the host of a JDBC URL without '//'; set replicationHost on the node");
        }
        int start = slashes + 2;
        int end = start;
        while (end < url.length() && "/?;,".indexOf(url.charAt(end)) < 0) {
            end++;
        }
        String authority = url.substring(start, end);
        int at = authority.lastIndexOf('@');
        return at >= 0 ? authority.substring(at + 1) : authority;
    }
}
