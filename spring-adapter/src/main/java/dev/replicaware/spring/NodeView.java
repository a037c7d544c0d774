package dev.replicaware.spring;

import dev.replicaware.topology.NodeStatus;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One node as Actuator shows it: plain values only (no URL, no credentials), lag in seconds with {@code null} for unknown.
 *
 * @param role         primary or replica, as the server reports it
 * @param state        up, lagging, down or fenced
 * @param lagSeconds   how far behind the primary; null when unknown
 * @param lagPositions how far behind in {@code positionUnit}; null when unknown
 * @param positionUnit bytes, transactions or none
 * @param receiving    a replica's replication stream is up
 * @param lastProbe    when the last probe ended, ISO-8601; null before the first
 * @param lastError    why the last probe failed, secrets masked; null after a success
 */
record NodeView(String name, String role, String state, Double lagSeconds, Long lagPositions, String positionUnit,
                boolean receiving, String lastProbe, String lastError) {

    static NodeView of(NodeStatus s) {
        return new NodeView(s.name(), s.role().name().toLowerCase(java.util.Locale.ROOT), s.state().name(),
                Double.isNaN(s.lagSeconds()) ? null : s.lagSeconds(), s.lagPositions() < 0 ? null : s.lagPositions(),
                s.positionUnit(), s.receiving(), s.lastProbe() == null ? null : s.lastProbe().toString(), s.lastError());
    }

    Map<String, Object> asMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("role", role);
        m.put("state", state);
        m.put("lagSeconds", lagSeconds);
        m.put("lagPositions", lagPositions);
        m.put("positionUnit", positionUnit);
        m.put("receiving", receiving);
        m.put("lastProbe", lastProbe);
        if (lastError != null) {
            m.put("lastError", lastError);
        }
        return m;
    }
}
