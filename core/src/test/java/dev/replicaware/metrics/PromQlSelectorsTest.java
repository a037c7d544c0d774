package dev.replicaware.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.replicaware.metrics.PromQlSelectors.Grouping;
import dev.replicaware.metrics.PromQlSelectors.Matcher;
import dev.replicaware.metrics.PromQlSelectors.Parsed;
import dev.replicaware.metrics.PromQlSelectors.Selector;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PromQlSelectorsTest {

    @Test
    void selectorsMatchersAndGroupingComeOutOfNestedExpressions() {
        Parsed p = PromQlSelectors.parse("max by (cluster, node) (replicaware_replica_lag_seconds{cluster=\"orders\"})\n"
                + "  > on (cluster) group_left min by (cluster) (replicaware_routing_max_lag_seconds)");
        assertThat(p.selectors()).containsExactly(
                new Selector("replicaware_replica_lag_seconds", List.of(new Matcher("cluster", "=", "orders"))),
                new Selector("replicaware_routing_max_lag_seconds", List.of()));
        assertThat(p.groupingLabels()).containsExactlyInAnyOrder("cluster", "node");
        Selector lag = p.selectors().get(0);
        Selector max = p.selectors().get(1);
        assertThat(p.groupings()).containsExactlyInAnyOrder(
                new Grouping(Set.of("cluster", "node"), List.of(lag), true),
                new Grouping(Set.of("cluster"), List.of(max), true),
                new Grouping(Set.of("cluster"), List.of(lag, max), true));
    }

    @Test
    void byAfterTheArgumentAndGroupLeftLabelsAreScopedToTheirOperands() {
        Parsed p = PromQlSelectors.parse("sum(rate(a[5m])) by (node) / on (node) group_left (role) (b * on (x) c)");
        Selector a = p.selectors().get(0);
        Selector b = p.selectors().get(1);
        Selector c = p.selectors().get(2);
        assertThat(p.groupings()).containsExactlyInAnyOrder(
                new Grouping(Set.of("node"), List.of(a), true),
                new Grouping(Set.of("x"), List.of(b, c), true),
                new Grouping(Set.of("node"), List.of(a, b, c), true),
                new Grouping(Set.of("role"), List.of(a, b, c), false));
    }

    @Test
    void rangesFunctionsStringsAndNamesInBracesAreUnderstood() {
        Parsed p = PromQlSelectors.parse("sum without (instance) (rate({__name__=\"a_total\", kind=~'read|fallback', x!~`y.*`}[5m] "
                + "offset 1h)) / ignoring(kind) sum(increase(b_total{served!=\"primary\"}[1h:30s])) "
                + "and label_replace(c, \"dst\", \"$1\", \"src\", \"(.*)\") > bool 0.5");
        assertThat(p.selectors()).extracting(Selector::metric).containsExactly("a_total", "b_total", "c");
        assertThat(p.selectors().get(0).matchers()).containsExactly(new Matcher("kind", "=~", "read|fallback"),
                new Matcher("x", "!~", "y.*"));
        assertThat(p.groupingLabels()).isEmpty(); // without and ignoring name labels that need not exist
    }

    @Test
    void matchersFollowPrometheusSemantics() {
        assertThat(new Matcher("kind", "=~", "read|fallback").matches(Map.of("kind", "fallback"))).isTrue();
        assertThat(new Matcher("kind", "=~", "read").matches(Map.of("kind", "readx"))).as("anchored").isFalse();
        assertThat(new Matcher("kind", "=", "read").matches(Map.of())).isFalse();
        assertThat(new Matcher("kind", "!=", "read").matches(Map.of())).as("a missing label is empty").isTrue();
        assertThat(new Matcher("kind", "!~", "re.*").matches(Map.of("kind", "write"))).isTrue();
    }

    @Test
    void malformedExpressionsAreRefusedNamingThePosition() {
        assertThatThrownBy(() -> PromQlSelectors.parse("sum(rate(x{kind=\"read\"}[5m])"))
                .hasMessageContaining("Unbalanced parentheses");
        assertThatThrownBy(() -> PromQlSelectors.parse("x{kind==\"read\"}")).hasMessageContaining("at 6")
                .hasMessageContaining("label matcher operator");
        assertThatThrownBy(() -> PromQlSelectors.parse("x{kind=read}")).hasMessageContaining("a quoted label value");
        assertThatThrownBy(() -> PromQlSelectors.parse("x{kind=\"read\" node=\"a\"}")).hasMessageContaining("',' or '}'");
        assertThatThrownBy(() -> PromQlSelectors.parse("rates(x[5m])")).hasMessageContaining("unknown function 'rates'");
        assertThatThrownBy(() -> PromQlSelectors.parse("sum by node (x)")).hasMessageContaining("needs a label list");
        assertThatThrownBy(() -> PromQlSelectors.parse("rate(x[five])")).hasMessageContaining("a duration");
        assertThatThrownBy(() -> PromQlSelectors.parse("{kind=\"read\"}")).hasMessageContaining("without a metric name");
        assertThatThrownBy(() -> PromQlSelectors.parse("x{kind=~\"(\"}")).isInstanceOf(java.util.regex.PatternSyntaxException.class);
        assertThatThrownBy(() -> PromQlSelectors.parse("x{kind=\"read}")).hasMessageContaining("unterminated string");
        assertThatThrownBy(() -> PromQlSelectors.parse("1 + 2")).hasMessageContaining("No series selector");
    }
}
