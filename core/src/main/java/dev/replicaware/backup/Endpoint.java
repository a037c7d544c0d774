package dev.replicaware.backup;

/**
 * Host, port and database of a single-host JDBC URL ({@code jdbc:postgresql://db2:5432/app},
 * {@code jdbc:mysql://db2:3306/app?...}): what a dump tool is given on its command line. Never the URL's parameters,
 * which may hold a password.
 */
record Endpoint(String host, int port, String database) {

    static Endpoint of(String url, int defaultPort) {
        int slashes = url.indexOf("//");
        if (slashes < 0) {
            throw new IllegalArgumentException("Cannot tell host and database of a JDBC URL without '//': "
                    + dev.replicaware.config.Secrets.maskUrl(url));
        }
        int start = slashes + 2;
        int end = start;
        while (end < url.length() && "/?;".indexOf(url.charAt(end)) < 0) {
            end++;
        }
        String authority = url.substring(start, end);
        if (authority.indexOf(',') >= 0) {
            throw new IllegalArgumentException("A backup needs the URL of one server, not several: "
                    + dev.replicaware.config.Secrets.maskUrl(url));
        }
        int at = authority.lastIndexOf('@');
        authority = at >= 0 ? authority.substring(at + 1) : authority;
        String host = authority;
        int port = defaultPort;
        int bracket = authority.lastIndexOf(']');
        int colon = authority.lastIndexOf(':');
        if (colon > bracket) {
            host = authority.substring(0, colon);
            port = Integer.parseInt(authority.substring(colon + 1));
        }
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        String database = "";
        if (end < url.length() && url.charAt(end) == '/') {
            int dbEnd = end + 1;
            while (dbEnd < url.length() && "?;".indexOf(url.charAt(dbEnd)) < 0) {
                dbEnd++;
            }
            database = java.net.URLDecoder.decode(url.substring(end + 1, dbEnd), java.nio.charset.StandardCharsets.UTF_8);
        }
        if (database.isEmpty()) {
            throw new IllegalArgumentException("The URL names no database to back up: " + dev.replicaware.config.Secrets.maskUrl(url));
        }
        return new Endpoint(host.isEmpty() ? "localhost" : host, port, database);
    }

    @Override
    public String toString() {
        return host + ":" + port + "/" + database;
    }
}
