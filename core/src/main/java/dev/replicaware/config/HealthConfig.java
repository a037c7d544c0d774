package dev.replicaware.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * How the topology monitor probes nodes.
 *
 * @param interval           time between two probes of one node
 * @param timeout            connect and socket timeout of a probe connection
 * @param failuresBeforeDown consecutive failed probes before a node is DOWN
 * @param successesBeforeUp  consecutive good probes before a DOWN node is used again
 */
public record HealthConfig(Duration interval, Duration timeout, int failuresBeforeDown, int successesBeforeUp) {
    /**
     * 500 ms: a hung node is out of rotation within interval × failures + timeout = 2.5 s by default, while probes of a
     * 5-node cluster cost 10 small queries a second, nothing next to application traffic.
     */
    public static final Duration DEFAULT_INTERVAL = Duration.ofMillis(500);
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(1);
    public static final int DEFAULT_FAILURES_BEFORE_DOWN = 3;
    public static final int DEFAULT_SUCCESSES_BEFORE_UP = 2;
    public static final HealthConfig DEFAULTS = new HealthConfig(DEFAULT_INTERVAL, DEFAULT_TIMEOUT,
            DEFAULT_FAILURES_BEFORE_DOWN, DEFAULT_SUCCESSES_BEFORE_UP);

    /** Every problem with these values, each with its path under {@code health.}; checked when a ClusterConfig is built. */
    List<ConfigException.Problem> problems() {
        List<ConfigException.Problem> p = new ArrayList<>();
        if (interval == null || interval.toMillis() < 10) {
            p.add(new ConfigException.Problem("health.interval", "must be at least 10ms, but was " + (interval == null ? null : ConfigValues.format(interval))));
        }
        if (timeout == null || timeout.toMillis() < 100) {
            p.add(new ConfigException.Problem("health.timeout", "must be at least 100ms, but was " + (timeout == null ? null : ConfigValues.format(timeout))));
        }
        if (failuresBeforeDown < 1) {
            p.add(new ConfigException.Problem("health.failuresBeforeDown", "must be at least 1, but was " + failuresBeforeDown));
        }
        if (successesBeforeUp < 1) {
            p.add(new ConfigException.Problem("health.successesBeforeUp", "must be at least 1, but was " + successesBeforeUp));
        }
        return p;
    }
}
