package dev.replicaware.testkit.explore;

/**
 * The faults a {@link FaultSchedule} draws from. The last three act on an application instance and need what the
 * caller's {@link Application} offers ({@link Application#switchover}, {@link Application#reload}); an instance restart
 * closes the instance's DataSource and builds a new one with the caller's factory.
 */
public enum FaultKind {
    /** SIGKILL of a node; it stays down until the schedule heals. */
    KILL,
    /** SIGSTOP of a node, SIGCONT after the fault's duration: a hung machine with its sockets open. */
    PAUSE,
    /**
     * SIGKILL of a node, started again after the fault's duration (0.5 to 6 s): aimed at the primary, the restart
     * lands in the middle of the failover the kill set off.
     */
    CRASH_RESTART,
    /** The application instance(s) lose a node: their proxy to it turns into a black hole for the fault's duration. */
    PARTITION_APP,
    /** The replicas lose the primary: the proxy their replication connection goes through turns into a black hole. */
    PARTITION_REPLICATION,
    /** A replica applies changes late (PostgreSQL {@code recovery_min_apply_delay}, MariaDB {@code MASTER_DELAY}). */
    APPLY_DELAY,
    /** A planned switchover to a replica, asked of one instance ({@link Application#switchover}). */
    SWITCHOVER,
    /** A configuration reload of one instance ({@link Application#reload}). */
    RELOAD,
    /** One instance closed and built again by the factory, as an application restarted mid-run. */
    RESTART_INSTANCE;

    /** True for the kinds that act on an application instance rather than on a node or the network. */
    boolean actsOnInstance() {
        return this == SWITCHOVER || this == RELOAD || this == RESTART_INSTANCE;
    }
}
