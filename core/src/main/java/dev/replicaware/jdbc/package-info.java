/**
 * What the application holds: the logical connection and the statement, result-set and metadata wrappers it hands
 * out. They record state, track what they opened and wrap what they return; where a request goes is asked of
 * {@code dev.replicaware.routing}. The wrappers keep only the methods with behaviour; the pure pass-through to the
 * driver lives in {@code dev.replicaware.jdbc.delegate}.
 *
 * <p>Internal, not API: {@link dev.replicaware.jdbc.Connections} is public only for the DataSource. The public API is
 * {@code dev.replicaware} and {@code dev.replicaware.config}.
 */
package dev.replicaware.jdbc;
