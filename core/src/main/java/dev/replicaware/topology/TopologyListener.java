package dev.replicaware.topology;

/** Hears {@link TopologyEvent}s. Runs on the monitor's thread: return quickly; an exception is logged and ignored. */
@FunctionalInterface
public interface TopologyListener {
    void onEvent(TopologyEvent event);
}
