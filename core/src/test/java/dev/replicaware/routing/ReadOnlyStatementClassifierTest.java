package dev.replicaware.routing;

import dev.replicaware.routing.ReadOnlyStatementClassifier.Flavor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import static org.assertj.core.api.Assertions.assertThat;

/** The classifier against a corpus of SQL with the expected answer per dialect (autocommit-read-corpus.txt). */
class ReadOnlyStatementClassifierTest {

    private static final ReadOnlyStatementClassifier POSTGRES = new ReadOnlyStatementClassifier(Flavor.POSTGRESQL);
    private static final ReadOnlyStatementClassifier MYSQL = new ReadOnlyStatementClassifier(Flavor.MYSQL);

    static List<Arguments> corpus() throws IOException {
        List<Arguments> cases = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(Objects.requireNonNull(
                ReadOnlyStatementClassifierTest.class.getResourceAsStream("autocommit-read-corpus.txt")), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] parts = line.split(" \\| ", 3);
                String dialect = parts[0].trim();
                boolean replica = switch (parts[1].trim()) {
                    case "replica" -> true;
                    case "primary" -> false;
                    default -> throw new IllegalStateException("corpus line with neither replica nor primary: " + line);
                };
                String sql = parts.length > 2 ? parts[2] : "";
                if (!dialect.equals("mysql")) {
                    cases.add(Arguments.of(Flavor.POSTGRESQL, replica, sql));
                }
                if (!dialect.equals("postgresql")) {
                    cases.add(Arguments.of(Flavor.MYSQL, replica, sql));
                }
            }
        }
        return cases;
    }

    @ParameterizedTest(name = "{0} {1}: {2}")
    @MethodSource("corpus")
    void classifiesAsTheCorpusSays(Flavor flavor, boolean replica, String sql) {
        ReadOnlyStatementClassifier classifier = flavor == Flavor.POSTGRESQL ? POSTGRES : MYSQL;
        assertThat(classifier.readsOnly(sql)).as("%s may run on a replica: %s", flavor, sql).isEqualTo(replica);
    }

    @Test
    void corpusHoldsAtLeastSixtyStatementsPerDialectWithBothAnswers() throws IOException {
        List<Arguments> cases = corpus();
        for (Flavor flavor : Flavor.values()) {
            long total = cases.stream().filter(a -> a.get()[0] == flavor).count();
            long reads = cases.stream().filter(a -> a.get()[0] == flavor && (Boolean) a.get()[1]).count();
            assertThat(total).as("%s cases", flavor).isGreaterThanOrEqualTo(60);
            assertThat(reads).as("%s replica cases", flavor).isGreaterThanOrEqualTo(20).isLessThan(total);
        }
    }

    @Test
    void nullIsNotARead() {
        assertThat(POSTGRES.readsOnly(null)).isFalse();
    }

    @Test
    void cacheIsBoundedAndAnswersStayRight() {
        ReadOnlyStatementClassifier small = new ReadOnlyStatementClassifier(Flavor.POSTGRESQL, 8);
        for (int i = 0; i < 100; i++) {
            assertThat(small.readsOnly("select " + i)).isTrue();
            assertThat(small.readsOnly("select nextval('s" + i + "')")).isFalse();
            assertThat(small.cachedCount()).isLessThanOrEqualTo(8);
        }
    }

    @Test
    void longStatementsAreClassifiedButNotCached() {
        ReadOnlyStatementClassifier classifier = new ReadOnlyStatementClassifier(Flavor.MYSQL);
        String longRead = "select 1" + " ".repeat(5000) + "from dual";
        assertThat(classifier.readsOnly(longRead)).isTrue();
        assertThat(classifier.readsOnly(longRead + " for update")).isFalse();
        assertThat(classifier.cachedCount()).isZero();
    }
}
