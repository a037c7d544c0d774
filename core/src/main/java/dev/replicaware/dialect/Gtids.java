package dev.replicaware.dialect;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** GTID arithmetic: positions of MySQL and MariaDB nodes as transaction counts that compare across nodes. */
final class Gtids {
    private Gtids() {}

    /**
     * MariaDB GTID position ({@code domain-server-seq,...}, one entry per domain): the sum of the sequence numbers.
     * Within a domain sequence numbers only grow, also across a promotion with {@code gtid_strict_mode}.
     */
    static long mariaDbCount(String position) {
        if (position == null || position.isBlank()) {
            return 0;
        }
        long total = 0;
        for (String gtid : position.split(",")) {
            String[] parts = gtid.trim().split("-");
            if (parts.length != 3) {
                throw new IllegalArgumentException("Not a MariaDB GTID: '" + gtid.trim() + "' (expected domain-server-sequence)");
            }
            total += Long.parseLong(parts[2]);
        }
        return total;
    }

    /** MySQL GTID set ({@code uuid:1-100:105,uuid2:1-5}): how many transactions it holds. */
    static long mySqlCount(String set) {
        return count(parse(set));
    }

    /** How many transactions the union of two MySQL GTID sets holds. */
    static long mySqlUnionCount(String a, String b) {
        Map<String, List<long[]>> union = parse(a);
        parse(b).forEach((uuid, intervals) -> union.computeIfAbsent(uuid, k -> new ArrayList<>()).addAll(intervals));
        return count(union);
    }

    private static Map<String, List<long[]>> parse(String set) {
        Map<String, List<long[]>> result = new TreeMap<>();
        if (set == null || set.isBlank()) {
            return result;
        }
        for (String member : set.replace("\n", "").split(",")) {
            String[] parts = member.trim().split(":");
            String uuid = parts[0].toLowerCase(java.util.Locale.ROOT);
            List<long[]> intervals = result.computeIfAbsent(uuid, k -> new ArrayList<>());
            for (int i = 1; i < parts.length; i++) {
                if (parts[i].isEmpty() || !Character.isDigit(parts[i].charAt(0))) {
                    // a tag (MySQL 8.3+ uuid:tag:1-5) starts a sequence of its own
                    intervals = result.computeIfAbsent(uuid + ":" + parts[i].toLowerCase(java.util.Locale.ROOT), k -> new ArrayList<>());
                    continue;
                }
                String[] range = parts[i].split("-");
                long from = Long.parseLong(range[0]);
                long to = range.length > 1 ? Long.parseLong(range[1]) : from;
                intervals.add(new long[] {from, to});
            }
        }
        return result;
    }

    private static long count(Map<String, List<long[]>> set) {
        long total = 0;
        for (List<long[]> intervals : set.values()) {
            intervals.sort((x, y) -> Long.compare(x[0], y[0]));
            long coveredTo = 0;
            for (long[] iv : intervals) {
                long from = Math.max(iv[0], coveredTo + 1);
                if (iv[1] >= from) {
                    total += iv[1] - from + 1;
                    coveredTo = iv[1];
                }
            }
        }
        return total;
    }
}
