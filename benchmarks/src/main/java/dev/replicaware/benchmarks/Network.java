package dev.replicaware.benchmarks;

import dev.replicaware.testkit.ClusterNode;
import dev.replicaware.testkit.ReplicatedCluster;
import dev.replicaware.testkit.TcpProxy;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * How the contenders reach the nodes: directly, or each node through its own {@link TcpProxy}, which counts the
 * round trips every contender makes to it and can delay every packet, as a network between the application and the
 * servers would. Contenders build their URLs from {@link #url} and {@link #hostAndPort}, never from the nodes.
 */
final class Network implements AutoCloseable {
    private final Map<String, TcpProxy> proxies; // by node name; empty when direct
    private final ReplicatedCluster cluster;

    private Network(ReplicatedCluster cluster, Map<String, TcpProxy> proxies) {
        this.cluster = cluster;
        this.proxies = proxies;
    }

    static Network direct(ReplicatedCluster cluster) {
        return new Network(cluster, Map.of());
    }

    static Network proxied(ReplicatedCluster cluster) {
        Map<String, TcpProxy> m = new LinkedHashMap<>();
        cluster.nodes().forEach(n -> m.put(n.name(), TcpProxy.start(n.host(), n.port())));
        return new Network(cluster, m);
    }

    boolean isProxied() {
        return !proxies.isEmpty();
    }

    /** The node's JDBC URL, through its proxy if there is one. */
    String url(ClusterNode n) {
        TcpProxy p = proxies.get(n.name());
        return p == null ? n.jdbcUrl() : p.jdbcUrl(n.jdbcUrl());
    }

    String hostAndPort(ClusterNode n) {
        TcpProxy p = proxies.get(n.name());
        return p == null ? n.host() + ":" + n.port() : p.host() + ":" + p.port();
    }

    /** host:port,host:port... of {@code nodes}, for multi-host URLs. */
    String hosts(List<ClusterNode> nodes) {
        return nodes.stream().map(this::hostAndPort).collect(Collectors.joining(","));
    }

    /** Delays every packet, both ways, between the application and every node by {@code oneWay}. */
    void delay(Duration oneWay) {
        proxies.values().forEach(p -> p.delay(oneWay));
    }

    /** Round trips through each node's proxy so far (empty when direct). */
    Map<String, Long> roundTripsByNode() {
        Map<String, Long> m = new LinkedHashMap<>();
        cluster.nodes().forEach(n -> {
            TcpProxy p = proxies.get(n.name());
            if (p != null) {
                m.put(n.name(), p.roundTrips());
            }
        });
        return m;
    }

    /** Client connections open through the proxies now. */
    int openConnections() {
        return proxies.values().stream().mapToInt(TcpProxy::connectionCount).sum();
    }

    /**
     * Waits until no connection has opened or closed through the proxies for {@code quiet} (pools still filling in the
     * background would add their handshakes to the counts), at most {@code timeout}; returns the round trips per second
     * made meanwhile in the last quiet interval: background traffic such as health probes.
     */
    double settle(Duration quiet, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            int before = openConnections();
            long trips = roundTrips();
            long t0 = System.nanoTime();
            Thread.sleep(quiet.toMillis());
            double rate = (roundTrips() - trips) / ((System.nanoTime() - t0) / 1e9);
            if (openConnections() == before || System.nanoTime() > deadline) {
                return rate;
            }
        }
    }

    private long roundTrips() {
        return proxies.values().stream().mapToLong(TcpProxy::roundTrips).sum();
    }

    @Override
    public void close() {
        proxies.values().forEach(TcpProxy::close);
    }
}
