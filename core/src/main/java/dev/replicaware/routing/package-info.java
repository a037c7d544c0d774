/**
 * Where a request goes: the {@link dev.replicaware.routing.Router}, the replica selectors, read consistency
 * ({@link dev.replicaware.routing.CausalReads}, read-your-writes) and the autocommit-read classifier. Decisions only:
 * what the application holds lives in {@code dev.replicaware.jdbc}, above this package.
 *
 * <p>Internal, not API: its public types are public only for the packages above it ({@code jdbc}, the DataSource)
 * and may change in any release. The public API is {@code dev.replicaware} and {@code dev.replicaware.config}.
 */
package dev.replicaware.routing;
