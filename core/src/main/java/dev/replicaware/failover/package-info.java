/**
 * Changing who is primary: detection, candidate choice, the promotion sequence
 * ({@link dev.replicaware.failover.FailoverCoordinator}), fencing, switchover and rejoin.
 *
 * <p>Internal, not API: public types here serve the DataSource and may change in any release. The public API is
 * {@code dev.replicaware} and {@code dev.replicaware.config}.
 */
package dev.replicaware.failover;
