/**
 * Who is primary: the nodes, their pools and probes, the immutable {@link dev.replicaware.topology.Topology} snapshot
 * and the {@link dev.replicaware.topology.TopologyMonitor} that publishes it.
 *
 * <p>Internal, not API: its public types serve the packages above it (routing, failover, jdbc, the DataSource, metrics,
 * the Spring adapter and the CLI) and may change in any release. The public API is {@code dev.replicaware} and
 * {@code dev.replicaware.config}.
 */
package dev.replicaware.topology;
