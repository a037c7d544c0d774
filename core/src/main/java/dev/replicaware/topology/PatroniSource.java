package dev.replicaware.topology;

import dev.replicaware.dialect.Role;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Patroni as a second source of truth beside the probes ({@code failover.patroni}): a node is primary only when its
 * probe says so and Patroni names its member leader; a member tagged {@code noloadbalance} serves no reads. While no
 * Patroni REST API has answered for a while the probes alone decide, as without Patroni.
 *
 * <p>A node is matched to the Patroni member of the same name, else to the member whose host and port are those of
 * the node's JDBC URL. Refreshed on the monitor's threads; read by the monitor when it judges a probe.
 */
final class PatroniSource {
    private static final Logger LOG = LoggerFactory.getLogger(PatroniSource.class);

    /** A view older than this many probe intervals is stale: the probes alone decide. */
    private static final int STALE_AFTER_INTERVALS = 3;

    private final String cluster;
    private final PatroniClient client;
    /** The nodes watched now (a reload may add or remove some), by name, to their JDBC URLs. */
    private final java.util.function.Supplier<Map<String, String>> nodeUrls;
    private volatile PatroniView view;
    private volatile long fetchedAtNanos;
    private volatile Duration interval;
    private volatile String lastFailure;

    PatroniSource(String cluster, List<String> urls, java.util.function.Supplier<Map<String, String>> nodeUrls, Duration interval,
                  Duration timeout) {
        this.cluster = cluster;
        this.client = new PatroniClient(cluster, urls, timeout);
        this.interval = interval;
        this.nodeUrls = nodeUrls;
    }

    void reconfigure(Duration interval, Duration timeout) {
        this.interval = interval;
        client.retime(timeout);
    }

    /**
     * Asks Patroni again. True when what it says routes differently from before (a new leader, a member gone, a tag
     * changed) or it answered again after a silence, or fell silent: the caller then re-probes every node.
     */
    boolean refresh() {
        boolean wasFresh = fresh();
        PatroniView before = view;
        try {
            PatroniView next = client.fetch();
            view = next;
            fetchedAtNanos = System.nanoTime();
            if (lastFailure != null) {
                LOG.info("{} - Patroni answers again: {}", cluster, next);
                lastFailure = null;
            }
            boolean changed = !next.sameRouting(before);
            if (changed) {
                LOG.info("{} - Patroni from {}: {}", cluster, next.from(), next);
                warnUnmatched(next);
            }
            return changed || !wasFresh;
        } catch (Exception e) {
            String why = String.valueOf(e.getMessage());
            if (!why.equals(lastFailure)) {
                LOG.warn("{} - {}; the probes alone decide roles once the last answer is {} probe intervals old", cluster, why,
                        STALE_AFTER_INTERVALS);
                lastFailure = why;
            }
            return wasFresh && !fresh();
        }
    }

    /** The last view, while recent enough to act on; else null. */
    private PatroniView current() {
        PatroniView v = view;
        return v != null && fresh() ? v : null;
    }

    private boolean fresh() {
        return view != null && System.nanoTime() - fetchedAtNanos <= interval.toNanos() * STALE_AFTER_INTERVALS + 1_000_000_000L;
    }

    /**
     * The role to believe for {@code node}, whose probe says {@code probed}: a primary that Patroni does not name leader
     * is {@link Role#UNKNOWN} (neither written to nor read from: a former leader not yet demoted, or a Patroni leader
     * change the probe has not seen yet). A replica stays a replica whatever Patroni says.
     */
    Role role(String node, Role probed) {
        if (probed != Role.PRIMARY) {
            return probed;
        }
        PatroniView v = current();
        if (v == null) {
            return probed;
        }
        PatroniView.Member m = member(v, node);
        return m != null && m.leader() ? Role.PRIMARY : Role.UNKNOWN;
    }

    /** Why {@link #role} did not believe the probe, for the node's status; null when it did. */
    String disagreement(String node) {
        PatroniView v = current();
        if (v == null) {
            return null;
        }
        PatroniView.Member m = member(v, node);
        PatroniView.Member leader = v.leader();
        if (m == null) {
            return "it says it is primary, but Patroni lists no member for it" + (leader == null ? "" : " (its leader is " + leader.name() + ")");
        }
        return "it says it is primary, but Patroni names " + (leader == null ? "no leader" : leader.name() + " leader")
                + " and member " + m.name() + " " + m.role();
    }

    /** False for a member tagged {@code noloadbalance}: no reads go there. */
    boolean servesReads(String node) {
        PatroniView v = current();
        if (v == null) {
            return true;
        }
        PatroniView.Member m = member(v, node);
        return m == null || !m.noloadbalance();
    }

    private PatroniView.Member member(PatroniView v, String node) {
        for (PatroniView.Member m : v.members()) {
            if (m.name().equals(node)) {
                return m;
            }
        }
        String url = nodeUrls.get().get(node);
        String address = url == null ? null : address(url);
        if (address == null) {
            return null;
        }
        for (PatroniView.Member m : v.members()) {
            if (address.equals(m.host() + ":" + m.port())) {
                return m;
            }
        }
        return null;
    }

    private void warnUnmatched(PatroniView v) {
        for (Map.Entry<String, String> n : nodeUrls.get().entrySet()) {
            if (member(v, n.getKey()) == null) {
                LOG.warn("{} - node {} ({}) matches no Patroni member by name or host:port; it is never taken as primary "
                        + "while Patroni answers. Patroni lists {}", cluster, n.getKey(), address(n.getValue()), v);
            }
        }
    }

    /** host:port of a single-host JDBC URL; the port defaulted per family when absent. */
    static String address(String jdbcUrl) {
        int slashes = jdbcUrl.indexOf("//");
        if (slashes < 0) {
            return null;
        }
        int start = slashes + 2;
        int end = start;
        while (end < jdbcUrl.length() && "/?;,".indexOf(jdbcUrl.charAt(end)) < 0) {
            end++;
        }
        String authority = jdbcUrl.substring(start, end);
        authority = authority.substring(authority.lastIndexOf('@') + 1);
        int bracket = authority.lastIndexOf(']');
        int colon = authority.lastIndexOf(':');
        if (colon > bracket) {
            return authority;
        }
        return authority + ":" + (jdbcUrl.startsWith("jdbc:postgresql:") ? 5432 : 3306);
    }
}
