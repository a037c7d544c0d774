/**
 * Pure pass-through: abstract JDBC classes whose methods only forward to the object they wrap, written once by hand
 * so that the wrappers in {@code dev.replicaware.jdbc} hold only the methods with behaviour (HikariCP's proxies split
 * the same way; there a generator writes the forwarding half). Nothing here decides, records or wraps.
 *
 * <p>Internal, not API: public only because the wrappers sit in another package. The public API is
 * {@code dev.replicaware} and {@code dev.replicaware.config}.
 */
package dev.replicaware.jdbc.delegate;
