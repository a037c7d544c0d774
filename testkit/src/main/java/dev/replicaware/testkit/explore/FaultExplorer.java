package dev.replicaware.testkit.explore;

import dev.replicaware.testkit.ReplicatedCluster;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Jepsen's nemesis and checker, in-process: runs a seeded {@link FaultSchedule} against a fresh real cluster while
 * application instances write and read through the caller's DataSources, records every operation's invocation and
 * completion, then checks the history and the servers (see {@link Violation.Kind}). The same seed and settings replay
 * the same schedule.
 *
 * <pre>{@code
 * FaultExplorer explorer = FaultExplorer.builder(() -> PostgresCluster.builder().replicas(2).synchronousReplicas(1).start(),
 *         setup -> new MyApplication(setup)).build();
 * ScheduleResult r = explorer.run(42);
 * assertThat(r.violations()).as(r.report()).isEmpty();
 * }</pre>
 */
public final class FaultExplorer {
    final Supplier<? extends ReplicatedCluster> clusters;
    final Application.Factory applications;
    final int instances;
    final Set<FaultKind> kinds;
    final int maxFaults;
    final Duration span;
    final Duration writeResumeBound;
    final Duration convergeTimeout;
    final int acknowledgedLossAllowed;
    final Duration twoWritableTolerance;
    final Duration restartGrace;
    final int writers;
    final int longWriters;
    final int readers;

    private FaultExplorer(Builder b) {
        this.clusters = b.clusters;
        this.applications = b.applications;
        this.instances = b.instances;
        this.kinds = EnumSet.copyOf(b.kinds);
        this.maxFaults = b.maxFaults;
        this.span = b.span;
        this.writeResumeBound = b.writeResumeBound;
        this.convergeTimeout = b.convergeTimeout;
        this.acknowledgedLossAllowed = b.acknowledgedLossAllowed;
        this.twoWritableTolerance = b.twoWritableTolerance;
        this.restartGrace = b.restartGrace;
        this.writers = b.writers;
        this.longWriters = b.longWriters;
        this.readers = b.readers;
    }

    /**
     * @param clusters     starts a fresh cluster for each schedule (a primary and at least one replica); the explorer closes it
     * @param applications builds an application instance from its endpoints
     */
    public static Builder builder(Supplier<? extends ReplicatedCluster> clusters, Application.Factory applications) {
        return new Builder(clusters, applications);
    }

    /** The schedule {@code seed} draws with these settings, for a cluster with {@code replicas} replicas. */
    public FaultSchedule schedule(long seed, int replicas) {
        return FaultSchedule.generate(seed, kinds, maxFaults, span.toMillis(), replicas, instances);
    }

    /** Runs the schedule of {@code seed} on a fresh cluster and checks every invariant. */
    public ScheduleResult run(long seed) {
        return new ScheduleRun(this, seed).run();
    }

    /** Settings of a {@link FaultExplorer}; every one has a default suited to a CI run of a few schedules. */
    public static final class Builder {
        private final Supplier<? extends ReplicatedCluster> clusters;
        private final Application.Factory applications;
        private int instances = 2;
        private Set<FaultKind> kinds = EnumSet.of(FaultKind.KILL, FaultKind.PAUSE, FaultKind.CRASH_RESTART, FaultKind.PARTITION_APP,
                FaultKind.PARTITION_REPLICATION, FaultKind.APPLY_DELAY, FaultKind.RESTART_INSTANCE);
        private int maxFaults = 4;
        private Duration span = Duration.ofSeconds(15);
        private Duration writeResumeBound = Duration.ofSeconds(30);
        private Duration convergeTimeout = Duration.ofSeconds(60);
        private int acknowledgedLossAllowed;
        private Duration twoWritableTolerance = Duration.ZERO;
        private Duration restartGrace = Duration.ZERO;
        private int writers = 1;
        private int longWriters = 1;
        private int readers = 1;

        private Builder(Supplier<? extends ReplicatedCluster> clusters, Application.Factory applications) {
            this.clusters = Objects.requireNonNull(clusters, "clusters");
            this.applications = Objects.requireNonNull(applications, "applications");
        }

        /** Application instances, 1 to 3; default 2. */
        public Builder instances(int instances) {
            if (instances < 1 || instances > 3) {
                throw new IllegalArgumentException("instances must be between 1 and 3, but was " + instances);
            }
            this.instances = instances;
            return this;
        }

        /**
         * The fault kinds drawn from; default every kind but {@link FaultKind#SWITCHOVER} and {@link FaultKind#RELOAD},
         * which need hooks of {@link Application}.
         */
        public Builder kinds(Set<FaultKind> kinds) {
            if (kinds == null || kinds.isEmpty()) {
                throw new IllegalArgumentException("kinds must name at least one fault kind, but was " + kinds);
            }
            this.kinds = EnumSet.copyOf(kinds);
            return this;
        }

        /** At most this many faults per schedule (at least one); default 4. */
        public Builder maxFaults(int maxFaults) {
            this.maxFaults = atLeast("maxFaults", maxFaults, 1);
            return this;
        }

        /** How long faults are injected, at least 2 s; everything heals at its end. Default 15 s. */
        public Builder span(Duration span) {
            if (span == null || span.toMillis() < 2_000) {
                throw new IllegalArgumentException("span must be at least 2s, but was " + span);
            }
            this.span = span;
            return this;
        }

        /**
         * Each instance must acknowledge a write begun after the faults healed within {@code writeResume} (default
         * 30 s); once the load stopped, the servers must show one primary followed by every replica within
         * {@code converge} (default 60 s).
         */
        public Builder bounds(Duration writeResume, Duration converge) {
            this.writeResumeBound = positive("writeResume", writeResume);
            this.convergeTimeout = positive("converge", converge);
            return this;
        }

        /**
         * How many acknowledged writes may be missing at the end: 0 (the default) for synchronous or semi-synchronous
         * replication; with asynchronous replication, the rows the documented bound allows (docs/failover.md: the
         * failover's {@code maxLagOnFailover} plus what the primary acknowledged in about one health interval and timeout).
         */
        public Builder acknowledgedLossAllowed(int rows) {
            this.acknowledgedLossAllowed = atLeast("acknowledgedLossAllowed", rows, 0);
            return this;
        }

        /**
         * Two writable nodes seen for {@code tolerance} or longer are a violation (default 0: any sample that sees two).
         * A node the schedule has just started again (a killed primary, say) may take writes beside the primary for
         * less than {@code afterRestart} from its restart: PostgreSQL and MariaDB restart a former primary writable,
         * and only the application's fence can make it read-only once it answers (default 0: no grace).
         */
        public Builder twoWritableTolerance(Duration tolerance, Duration afterRestart) {
            this.twoWritableTolerance = notNegative("tolerance", tolerance);
            this.restartGrace = notNegative("afterRestart", afterRestart);
            return this;
        }

        /**
         * Threads per instance: writers of one-row transactions, writers whose transaction sleeps 1 to 3 s in the
         * database before its commit, and read-your-writes readers; default 1 each.
         */
        public Builder threads(int writers, int longWriters, int readers) {
            if (writers < 1 || longWriters < 0 || readers < 0) {
                throw new IllegalArgumentException("threads: at least 1 writer and no negative count, but were "
                        + writers + ", " + longWriters + ", " + readers);
            }
            this.writers = writers;
            this.longWriters = longWriters;
            this.readers = readers;
            return this;
        }

        public FaultExplorer build() {
            return new FaultExplorer(this);
        }

        private static int atLeast(String name, int value, int min) {
            if (value < min) {
                throw new IllegalArgumentException(name + " must be at least " + min + ", but was " + value);
            }
            return value;
        }

        private static Duration notNegative(String name, Duration d) {
            if (d == null || d.isNegative()) {
                throw new IllegalArgumentException(name + " must be zero or positive, but was " + d);
            }
            return d;
        }

        private static Duration positive(String name, Duration d) {
            if (d == null || d.isZero() || d.isNegative()) {
                throw new IllegalArgumentException(name + " must be positive, but was " + d);
            }
            return d;
        }
    }
}
