package dev.replicaware.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What happens when the primary is lost.
 *
 * @param mode             who promotes a replica
 * @param maxLagOnFailover the furthest a candidate may be behind the last known primary position and still be promoted,
 *                         in the database's position unit (bytes of WAL for PostgreSQL, transactions for GTID);
 *                         null: the dialect's default (1 MiB for PostgreSQL)
 * @param writeWait        how long a write waits for a primary to appear before it fails with
 *                         {@code NoPrimaryAvailableException}
 * @param adminUsername    the user that promotes, re-points and fences (separate from the application's); needed by
 *                         {@link Mode#AUTOMATIC} and switchover
 * @param adminPassword    that user's password; never shown
 * @param rejoin           after Replicaware's own failover, turn a former primary that comes back into a replica of the
 *                         new primary when that is safe (off by default)
 * @param patroni          Patroni's REST API, read beside the probes in {@link Mode#EXTERNAL} mode; never null
 */
public record FailoverConfig(Mode mode, Long maxLagOnFailover, Duration writeWait, String adminUsername, String adminPassword,
                             boolean rejoin, PatroniConfig patroni) {

    /** Without rejoin or Patroni. */
    public FailoverConfig(Mode mode, Long maxLagOnFailover, Duration writeWait, String adminUsername, String adminPassword) {
        this(mode, maxLagOnFailover, writeWait, adminUsername, adminPassword, false, PatroniConfig.NONE);
    }

    /** Who promotes a replica when the primary is lost. */
    public enum Mode {
        /** Replicaware promotes the best replica, under a lock held on a majority of the nodes. */
        AUTOMATIC,
        /** An orchestrator (Patroni, an operator...) promotes; Replicaware finds the new primary by probing roles. */
        EXTERNAL,
        /** Nobody: reads go on, writes fail fast until the primary is back. */
        DISABLED;

        /** The name in configuration files. */
        public String configName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        /** The mode of that name, in any case ({@code automatic}, {@code EXTERNAL}), or empty. */
        public static java.util.Optional<Mode> parse(String name) {
            if (name != null) {
                for (Mode m : values()) {
                    if (m.configName().equalsIgnoreCase(name.strip())) {
                        return java.util.Optional.of(m);
                    }
                }
            }
            return java.util.Optional.empty();
        }
    }

    /** 10 s: longer than a typical promotion (detection ~2.5 s plus the promotion), short enough for a request timeout. */
    public static final Duration DEFAULT_WRITE_WAIT = Duration.ofSeconds(10);

    /** External mode (follow what the servers say), the dialect's lag limit, a 10 s write wait, no admin user. */
    public static final FailoverConfig DEFAULTS = new FailoverConfig(Mode.EXTERNAL, null, DEFAULT_WRITE_WAIT, null, null);

    public FailoverConfig {
        mode = mode == null ? Mode.EXTERNAL : mode;
        writeWait = writeWait == null ? DEFAULT_WRITE_WAIT : writeWait;
        patroni = patroni == null ? PatroniConfig.NONE : patroni;
    }

    /** Every problem with these values, each with its path under {@code failover.}; checked when a ClusterConfig is built. */
    List<ConfigException.Problem> problems() {
        List<ConfigException.Problem> p = new ArrayList<>();
        if (writeWait.isNegative()) {
            p.add(new ConfigException.Problem("failover.writeWait", "must not be negative, but was " + writeWait));
        }
        if (maxLagOnFailover != null && maxLagOnFailover < 0) {
            p.add(new ConfigException.Problem("failover.maxLagOnFailover", "must not be negative, but was " + maxLagOnFailover));
        }
        if (mode == Mode.AUTOMATIC && (adminUsername == null || adminUsername.isBlank())) {
            p.add(new ConfigException.Problem("failover.adminUsername",
                    "is required when failover.mode is automatic: promotion needs a user with replication-admin rights"));
        }
        if (!patroni.urls().isEmpty() && mode != Mode.EXTERNAL) {
            p.add(new ConfigException.Problem("failover.mode", "must be external when failover.patroni.urls are given "
                    + "(Patroni promotes, Replicaware follows), but was " + mode.configName()));
        }
        p.addAll(patroni.problems());
        return p;
    }

    @Override
    public String toString() {
        return Secrets.scrub("FailoverConfig[mode=" + mode.configName() + ", maxLagOnFailover=" + maxLagOnFailover + ", writeWait=" + writeWait
                + ", adminUsername=" + adminUsername + ", adminPassword=" + Secrets.maskPassword(adminPassword)
                + ", rejoin=" + rejoin + ", patroni=" + patroni + "]");
    }
}
