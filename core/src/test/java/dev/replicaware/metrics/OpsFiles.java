package dev.replicaware.metrics;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.dataformat.yaml.YAMLMapper;

/** The Grafana dashboard and Prometheus alert rules shipped in {@code ops/}, and a check of their queries against a scrape. */
final class OpsFiles {
    static final Path ROOT = findRoot();
    static final Path DASHBOARD = ROOT.resolve("ops/grafana/replicaware-dashboard.json");
    static final Path ALERTS = ROOT.resolve("ops/prometheus/replicaware-alerts.yml");
    static final Path ALERT_TESTS = ROOT.resolve("ops/prometheus/replicaware-alerts.test.yml");

    private static final Pattern LABEL_VALUES = Pattern.compile("label_values\\((.+),\\s*([a-zA-Z_]\\w*)\\s*\\)");

    private OpsFiles() { }

    static JsonNode dashboard() throws IOException {
        return JsonMapper.builder().build().readTree(Files.readString(DASHBOARD));
    }

    static JsonNode alerts() throws IOException {
        return YAMLMapper.builder().build().readTree(Files.readString(ALERTS));
    }

    /** Every panel, rows' nested panels included. */
    static List<JsonNode> panels(JsonNode dashboard) {
        List<JsonNode> all = new ArrayList<>();
        for (JsonNode p : dashboard.path("panels")) {
            all.add(p);
            p.path("panels").forEach(all::add);
        }
        return all;
    }

    /** Every PromQL expression of the dashboard and the alerts, keyed by where it is, with Grafana's variables filled in. */
    static Map<String, String> expressions(String cluster) throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        JsonNode dashboard = dashboard();
        for (JsonNode p : panels(dashboard)) {
            for (JsonNode t : p.path("targets")) {
                out.put("dashboard panel '" + p.path("title").asString("") + "' target " + t.path("refId").asString(""),
                        grafana(t.path("expr").asString(""), cluster));
            }
        }
        for (JsonNode a : dashboard.path("annotations").path("list")) {
            if (a.has("expr")) {
                out.put("dashboard annotation '" + a.path("name").asString("") + "'", grafana(a.path("expr").asString(""), cluster));
            }
        }
        for (JsonNode group : alerts().path("groups")) {
            for (JsonNode rule : group.path("rules")) {
                out.put("alert " + rule.path("alert").asString(""), rule.path("expr").asString(""));
            }
        }
        return out;
    }

    /** Grafana's templating queries ({@code label_values(selector, label)}), with the label each one reads. */
    static Map<String, String> variableQueries() throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        for (JsonNode v : dashboard().path("templating").path("list")) {
            if (v.path("type").asString("").equals("query")) {
                JsonNode q = v.path("query");
                out.put(q.isObject() ? q.path("query").asString("") : q.asString(""), v.path("name").asString(""));
            }
        }
        return out;
    }

    private static String grafana(String expr, String cluster) {
        String filled = expr.replace("$__rate_interval", "1m").replace("$__interval", "1m").replace("$__range", "1h")
                .replace("${cluster}", cluster).replace("$cluster", cluster);
        if (filled.contains("$")) {
            throw new AssertionError("Unknown Grafana variable in: " + expr);
        }
        return filled;
    }

    /**
     * What in {@code expr} the scrape does not have: a metric name, a series matching all of a selector's matchers
     * (each matched label present), or a label the expression groups on (by, on, group_left) on each of its metrics.
     */
    static List<String> missing(String expr, PrometheusScrape scrape) {
        List<String> problems = new ArrayList<>();
        Matcher lv = LABEL_VALUES.matcher(expr.trim());
        PromQlSelectors.Parsed parsed = PromQlSelectors.parse(lv.matches() ? lv.group(1) : expr);
        List<PromQlSelectors.Grouping> groupings = new ArrayList<>(parsed.groupings());
        if (lv.matches()) {
            groupings.add(new PromQlSelectors.Grouping(java.util.Set.of(lv.group(2)), parsed.selectors(), true));
        }
        for (PromQlSelectors.Selector s : parsed.selectors()) {
            List<Map<String, String>> series = scrape.series(s.metric());
            if (series.isEmpty()) {
                problems.add("no metric " + s.metric() + " in the scrape");
            } else if (series.stream().noneMatch(labels -> s.matchers().stream().allMatch(m -> m.matches(labels)))) {
                problems.add("no series " + s.metric() + " matches " + s.matchers() + "; the scrape has " + series);
            }
        }
        for (PromQlSelectors.Grouping g : groupings) {
            for (String label : g.labels()) {
                List<String> without = g.selectors().stream().map(PromQlSelectors.Selector::metric)
                        .filter(m -> !scrape.series(m).isEmpty()) // a missing metric is reported above
                        .filter(m -> scrape.series(m).stream().noneMatch(labels -> labels.containsKey(label))).toList();
                if (g.everySelector() ? !without.isEmpty() : without.size() == g.selectors().size()) {
                    problems.add("label '" + label + "' grouped on is missing from " + without);
                }
            }
        }
        return problems;
    }

    /** Prometheus' text exposition format: metric name to its samples. */
    record PrometheusScrape(Map<String, List<Sample>> samples) {
        record Sample(Map<String, String> labels, double value) { }

        static PrometheusScrape parse(String text) {
            Map<String, List<Sample>> samples = new HashMap<>();
            for (String line : text.split("\n")) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                int brace = line.indexOf('{');
                int space = line.indexOf(' ');
                Map<String, String> labels = new LinkedHashMap<>();
                String name;
                int end = space;
                if (brace >= 0 && brace < space) {
                    name = line.substring(0, brace);
                    int p = brace + 1;
                    while (line.charAt(p) != '}') {
                        int eq = line.indexOf("=\"", p);
                        String label = line.substring(p, eq);
                        StringBuilder value = new StringBuilder();
                        p = eq + 2;
                        while (line.charAt(p) != '"') {
                            char c = line.charAt(p++);
                            if (c == '\\') {
                                char e = line.charAt(p++);
                                value.append(e == 'n' ? '\n' : e);
                            } else {
                                value.append(c);
                            }
                        }
                        p++;
                        if (line.charAt(p) == ',') {
                            p++;
                        }
                        labels.put(label, value.toString());
                    }
                    end = p + 1;
                } else {
                    name = line.substring(0, space);
                }
                String value = line.substring(end).trim().split(" ")[0]; // a timestamp or an exemplar may follow
                samples.computeIfAbsent(name, k -> new ArrayList<>()).add(new Sample(labels,
                        Double.parseDouble(value.replace("+Inf", "Infinity").replace("-Inf", "-Infinity"))));
            }
            return new PrometheusScrape(samples);
        }

        List<Map<String, String>> series(String metric) {
            return samples.getOrDefault(metric, List.of()).stream().map(Sample::labels).toList();
        }

        /** The sum of the samples of {@code metric} that carry every given label value ({@code "label", "value", ...}). */
        double sum(String metric, String... labelValues) {
            double sum = 0;
            for (Sample s : samples.getOrDefault(metric, List.of())) {
                boolean all = true;
                for (int k = 0; k < labelValues.length; k += 2) {
                    all &= labelValues[k + 1].equals(s.labels().get(labelValues[k]));
                }
                if (all) {
                    sum += s.value();
                }
            }
            return sum;
        }
    }

    private static Path findRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isDirectory(dir.resolve("ops"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("No ops/ directory above " + Path.of("").toAbsolutePath());
        }
        return dir;
    }
}
