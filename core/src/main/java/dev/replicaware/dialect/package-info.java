/**
 * One class per database family: how to probe a node's role, position and lag, promote, re-point and fence. Depends on
 * nothing of Replicaware but {@code ReadConsistency}'s token type; everything above it may use it.
 *
 * <p>Internal, not API: may change in any release. The public API is {@code dev.replicaware} and
 * {@code dev.replicaware.config}.
 */
package dev.replicaware.dialect;
