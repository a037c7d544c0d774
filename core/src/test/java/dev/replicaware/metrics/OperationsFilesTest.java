package dev.replicaware.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The shipped dashboard and alert rules are well formed; OperationsFilesScrapeTest checks what they query exists. */
class OperationsFilesTest {

    @Test
    void dashboardPanelsEachHaveAPlaceATitleAndPromQlTargets() throws IOException {
        JsonNode d = OpsFiles.dashboard();
        assertThat(d.path("title").asString("")).isEqualTo("Replicaware");
        assertThat(d.path("uid").asString("")).isNotBlank();
        assertThat(d.path("schemaVersion").asInt(0)).isPositive();
        List<String> problems = new ArrayList<>();
        Set<Integer> ids = new HashSet<>();
        int queried = 0;
        for (JsonNode p : OpsFiles.panels(d)) {
            String title = p.path("title").asString("");
            if (!ids.add(p.path("id").asInt(-1))) {
                problems.add("panel '" + title + "' repeats id " + p.path("id"));
            }
            JsonNode grid = p.path("gridPos");
            for (String key : new String[] {"h", "w", "x", "y"}) {
                if (!grid.path(key).isInt()) {
                    problems.add("panel '" + title + "' has no gridPos." + key);
                }
            }
            if (grid.path("x").asInt(0) + grid.path("w").asInt(0) > 24) {
                problems.add("panel '" + title + "' is wider than the 24 columns of a dashboard");
            }
            if (p.path("type").asString("").equals("row")) {
                continue;
            }
            if (title.isBlank() || p.path("type").asString("").isBlank() || p.path("description").asString("").isBlank()) {
                problems.add("panel " + p.path("id") + " needs a type, a title and a description");
            }
            if (p.path("targets").isEmpty()) {
                problems.add("panel '" + title + "' has no targets");
            }
            for (JsonNode t : p.path("targets")) {
                if (t.path("expr").asString("").isBlank() || t.path("refId").asString("").isBlank()) {
                    problems.add("panel '" + title + "' has a target without expr or refId: " + t);
                }
                queried++;
            }
        }
        assertThat(problems).isEmpty();
        assertThat(queried).isGreaterThanOrEqualTo(20);
        assertThat(OpsFiles.variableQueries()).containsValue("cluster");
    }

    @Test
    void everyAlertHasAnExpressionThatParsesASeverityAndASummary() throws IOException {
        List<String> names = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (JsonNode group : OpsFiles.alerts().path("groups")) {
            for (JsonNode rule : group.path("rules")) {
                String name = rule.path("alert").asString("");
                names.add(name);
                if (!Set.of("warning", "critical").contains(rule.path("labels").path("severity").asString(""))) {
                    problems.add(name + ": severity must be warning or critical, was " + rule.path("labels").path("severity"));
                }
                if (rule.path("annotations").path("summary").asString("").isBlank()) {
                    problems.add(name + ": no summary");
                }
                try {
                    PromQlSelectors.parse(rule.path("expr").asString(""));
                } catch (IllegalArgumentException e) {
                    problems.add(name + ": " + e.getMessage());
                }
            }
        }
        assertThat(problems).isEmpty();
        assertThat(names).contains("ReplicawareReplicaOverMaxLag", "ReplicawareNoReplicaServing", "ReplicawareFailover",
                "ReplicawareFailoverRefused", "ReplicawareNodeNeedsRewind", "ReplicawareReadsFallingBackToPrimary");
    }

    /** promtool's own parser and its rule unit tests (ops/prometheus/replicaware-alerts.test.yml): each alert fires when it should. */
    @Test
    void promtoolAcceptsTheRulesAndTheirUnitTestsPass() throws Exception {
        String promtool = promtool();
        Assumptions.assumeTrue(promtool != null, "promtool not found on PATH (Debian: apt-get install prometheus; .ci/run does it"
                + " as root): the alert rules are checked by PromQlSelectors only");
        assertThat(run(promtool, "check", "rules", OpsFiles.ALERTS.toString())).contains("SUCCESS");
        assertThat(run(promtool, "test", "rules", OpsFiles.ALERT_TESTS.toString())).contains("SUCCESS");
    }

    private static String promtool() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            File f = new File(dir, "promtool");
            if (f.canExecute()) {
                return f.getPath();
            }
        }
        return null;
    }

    private static String run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as(String.join(" ", command) + " finished").isTrue();
        assertThat(p.exitValue()).as(String.join(" ", command) + " exit status; output:\n" + out).isZero();
        return out;
    }
}
