package dev.replicaware.dialect;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * A set of GTIDs that compares sequence by sequence: a MariaDB position ({@code domain-server-seq,...}) holds, per
 * domain, every sequence number up to its own, on the history of the server that made its last one; a MySQL GTID set
 * ({@code uuid:1-100:105,uuid2:1-5}) holds its intervals, per source (and tag). A sum over domains or sources does not
 * compare: activity in one domain would hide a lag in another. Immutable. Internal.
 */
public final class GtidSet {
    /** Per sequence (MariaDB domain, MySQL source UUID and tag): sorted, disjoint, non-adjacent intervals {from, to}. */
    private final Map<String, long[][]> sequences;
    /** MariaDB: per domain, the server id of its last GTID; null for a MySQL set, whose sources are in its sequences. */
    private final Map<String, String> lastServers;

    private GtidSet(Map<String, long[][]> sequences, Map<String, String> lastServers) {
        this.sequences = sequences;
        this.lastServers = lastServers;
    }

    /**
     * A MariaDB GTID position: per domain, everything up to its sequence number, as made by the server of that last
     * GTID. The server counts because sequence numbers alone do not say which history they are on: after a failover
     * the new primary numbers on from what it had, so a replica that received more of the old primary's history
     * (a diverged one) has a higher number in the domain than commits on the new primary it never got, and
     * {@code MASTER_GTID_WAIT}, which compares numbers, returns at once there. Covering a GTID made by another server
     * is therefore not claimed: right after a failover a read that must see a commit of the old history goes to the
     * primary (which has it, if anyone does) until this instance commits on the new one.
     */
    public static GtidSet mariaDb(String position) {
        Map<String, List<long[]>> raw = new TreeMap<>();
        Map<String, String> servers = new TreeMap<>();
        Map<String, Long> last = new java.util.HashMap<>();
        if (position != null && !position.isBlank()) {
            for (String gtid : position.split(",")) {
                String[] parts = gtid.trim().split("-");
                if (parts.length != 3) {
                    throw new IllegalArgumentException("Not a MariaDB GTID: '" + gtid.trim() + "' (expected domain-server-sequence)");
                }
                long seq = Long.parseLong(parts[2]);
                raw.computeIfAbsent(parts[0], k -> new ArrayList<>()).add(new long[] {1, seq});
                if (seq >= last.getOrDefault(parts[0], -1L)) {
                    last.put(parts[0], seq);
                    servers.put(parts[0], parts[1]);
                }
            }
        }
        return of(raw, servers);
    }

    /** A MySQL GTID set, tags (MySQL 8.3+ {@code uuid:tag:1-5}) as sequences of their own. */
    public static GtidSet mySql(String set) {
        Map<String, List<long[]>> raw = new TreeMap<>();
        if (set != null && !set.isBlank()) {
            for (String member : set.replace("\n", "").split(",")) {
                String[] parts = member.trim().split(":");
                if (parts.length < 2) { // a MariaDB GTID (0-1-42) among them, say: not a set that anything covers
                    throw new IllegalArgumentException("Not a MySQL GTID set member: '" + member.trim()
                            + "' (expected uuid:interval[:interval...])");
                }
                String uuid = parts[0].toLowerCase(Locale.ROOT);
                List<long[]> intervals = raw.computeIfAbsent(uuid, k -> new ArrayList<>());
                for (int i = 1; i < parts.length; i++) {
                    if (parts[i].isEmpty() || !Character.isDigit(parts[i].charAt(0))) {
                        intervals = raw.computeIfAbsent(uuid + ":" + parts[i].toLowerCase(Locale.ROOT), k -> new ArrayList<>());
                        continue;
                    }
                    String[] range = parts[i].split("-");
                    long from = Long.parseLong(range[0]);
                    intervals.add(new long[] {from, range.length > 1 ? Long.parseLong(range[1]) : from});
                }
            }
        }
        return of(raw, null);
    }

    private static GtidSet of(Map<String, List<long[]>> raw, Map<String, String> lastServers) {
        Map<String, long[][]> merged = new TreeMap<>();
        raw.forEach((sequence, intervals) -> {
            long[][] m = merge(intervals);
            if (m.length > 0) {
                merged.put(sequence, m);
            }
        });
        return new GtidSet(merged, lastServers);
    }

    private static long[][] merge(List<long[]> intervals) {
        List<long[]> sorted = new ArrayList<>(intervals);
        sorted.sort((x, y) -> Long.compare(x[0], y[0]));
        List<long[]> out = new ArrayList<>();
        for (long[] iv : sorted) {
            if (iv[1] < iv[0]) {
                continue;
            }
            long[] last = out.isEmpty() ? null : out.get(out.size() - 1);
            if (last != null && iv[0] <= last[1] + 1) {
                last[1] = Math.max(last[1], iv[1]);
            } else {
                out.add(new long[] {iv[0], iv[1]});
            }
        }
        return out.toArray(new long[0][]);
    }

    /** True when every GTID of {@code other} is in this set (MariaDB: and on the same server's history, see {@link #mariaDb}). */
    public boolean covers(GtidSet other) {
        for (Map.Entry<String, long[][]> e : other.sequences.entrySet()) {
            long[][] mine = sequences.get(e.getKey());
            for (long[] iv : e.getValue()) {
                if (mine == null || !contains(mine, iv)) {
                    return false;
                }
            }
            if (other.lastServers != null && (lastServers == null
                    || !other.lastServers.get(e.getKey()).equals(lastServers.get(e.getKey())))) {
                return false;
            }
        }
        return true;
    }

    private static boolean contains(long[][] intervals, long[] iv) {
        for (long[] m : intervals) {
            if (m[0] <= iv[0] && iv[1] <= m[1]) {
                return true;
            }
        }
        return false;
    }

    /** Every GTID of this set and of {@code other}. */
    public GtidSet union(GtidSet other) {
        if (other == null || covers(other)) {
            return this;
        }
        Map<String, List<long[]>> raw = new TreeMap<>();
        for (GtidSet s : new GtidSet[] {this, other}) {
            s.sequences.forEach((k, v) -> raw.computeIfAbsent(k, x -> new ArrayList<>()).addAll(Arrays.asList(v)));
        }
        Map<String, String> servers = null;
        if (lastServers != null && other.lastServers != null) { // per domain, the server of the later last GTID
            servers = new TreeMap<>(lastServers);
            for (Map.Entry<String, String> e : other.lastServers.entrySet()) {
                long[][] mine = sequences.get(e.getKey());
                long[][] theirs = other.sequences.get(e.getKey());
                if (theirs != null && (mine == null || theirs[theirs.length - 1][1] > mine[mine.length - 1][1])) {
                    servers.put(e.getKey(), e.getValue());
                }
            }
        }
        return of(raw, servers);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        sequences.forEach((k, v) -> {
            sb.append(sb.length() == 0 ? "" : ",").append(k);
            for (long[] iv : v) {
                sb.append(':').append(iv[0]).append(iv[1] == iv[0] ? "" : "-" + iv[1]);
            }
        });
        return sb.toString();
    }
}
