package dev.replicaware.config;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/**
 * Patroni's REST API, read as a second source of truth beside the probes ({@code failover.patroni}).
 *
 * @param urls the REST API of each Patroni member, such as {@code http://db1:8008}; any one that answers serves, since
 *             each reports the whole cluster. Empty: Patroni is not read.
 */
public record PatroniConfig(List<String> urls) {

    /** Patroni is not read. */
    public static final PatroniConfig NONE = new PatroniConfig(List.of());

    public PatroniConfig {
        urls = urls == null ? List.of() : List.copyOf(urls);
    }

    /** Every problem with these values, each with its path under {@code failover.patroni.}. */
    List<ConfigException.Problem> problems() {
        List<ConfigException.Problem> p = new ArrayList<>();
        for (int i = 0; i < urls.size(); i++) {
            String u = urls.get(i);
            String why = null;
            try {
                URI uri = URI.create(u == null ? "" : u.strip());
                if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
                    why = "must be an http or https URL such as http://db1:8008";
                } else if (uri.getHost() == null) {
                    why = "must name a host, such as http://db1:8008";
                } else if (uri.getRawUserInfo() != null) {
                    why = "must not hold credentials: Patroni serves /cluster without them";
                }
            } catch (IllegalArgumentException e) {
                why = "is not a valid URL (" + e.getMessage() + ")";
            }
            if (why != null) {
                p.add(new ConfigException.Problem("failover.patroni.urls[" + i + "]", why + ", but was '" + mask(u) + "'"));
            }
        }
        return p;
    }

    /** A URL with any user information masked, for messages. */
    static String mask(String url) {
        if (url == null) {
            return null;
        }
        int scheme = url.indexOf("://");
        int at = url.indexOf('@', scheme < 0 ? 0 : scheme);
        int slash = url.indexOf('/', scheme < 0 ? 0 : scheme + 3);
        return scheme >= 0 && at > scheme && (slash < 0 || at < slash) ? url.substring(0, scheme + 3) + "***" + url.substring(at) : url;
    }

    @Override
    public String toString() {
        return urls.stream().map(PatroniConfig::mask).toList().toString();
    }
}
