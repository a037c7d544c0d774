package dev.replicaware.config;

import dev.replicaware.ReplicaAwareDataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Every file under {@code config/bad/} is refused by {@link ReplicaAwareDataSource#fromYaml(Path)} with exactly the
 * problems its sibling {@code .expected} file lists, one {@code path (line L, column C): message} per line, in order;
 * no secret in any of them; and no pool or thread started.
 */
class YamlCorpusTest {
    /** Passwords that the corpus files give, directly or through placeholders; none may appear in a message. */
    private static final List<String> SECRETS = List.of("hunter2", "hunter3", "s3cr3t-from-property", "adm1n-from-property");

    @BeforeAll
    static void placeholders() {
        System.setProperty("replicaware.test.password", "s3cr3t-from-property");
        System.setProperty("replicaware.test.admin", "adm1n-from-property");
    }

    @AfterAll
    static void clear() {
        System.clearProperty("replicaware.test.password");
        System.clearProperty("replicaware.test.admin");
    }

    @TestFactory
    Stream<DynamicTest> everyBadFileIsRefusedWithItsExactProblems() throws IOException, URISyntaxException {
        Path dir = Path.of(getClass().getResource("/config/bad").toURI());
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.toString().endsWith(".yml")).sorted().toList();
        }
        assertThat(files).hasSizeGreaterThanOrEqualTo(30);
        return files.stream().map(file -> DynamicTest.dynamicTest(file.getFileName().toString(), () -> refused(file)));
    }

    private static void refused(Path file) throws IOException {
        Set<String> threadsBefore = replicawareThreads();
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ReplicaAwareDataSource.fromYaml(file).close());
        assertThat(e).as("%s must be refused", file.getFileName()).isNotNull();
        List<String> actual = e.problems().stream().map(ConfigException.Problem::toString).toList();
        Path expectedFile = file.resolveSibling(file.getFileName().toString().replace(".yml", ".expected"));
        if (!Files.exists(expectedFile)) {
            Path out = Path.of("target/corpus-actual").resolve(expectedFile.getFileName());
            Files.createDirectories(out.getParent());
            Files.write(out, actual, StandardCharsets.UTF_8);
            throw new AssertionError("No " + expectedFile.getFileName() + "; what was reported is in " + out);
        }
        List<String> expected = Files.readAllLines(expectedFile, StandardCharsets.UTF_8).stream()
                .filter(l -> !l.isBlank()).toList();
        assertThat(actual).as(file.getFileName().toString()).containsExactlyElementsOf(expected);
        assertThat(e.getMessage()).startsWith("Invalid configuration of Replicaware cluster")
                .contains(" in " + file, e.problems().size() == 1 ? "1 problem:" : e.problems().size() + " problems:");
        for (String secret : SECRETS) {
            assertThat(e.getMessage()).as("%s leaks a secret", file.getFileName()).doesNotContain(secret);
        }
        assertThat(replicawareThreads()).as("threads started by %s", file.getFileName()).isEqualTo(threadsBefore);
    }

    /** Threads a DataSource would start: the monitor's, the watcher's, and HikariCP's (named after the pool). */
    private static Set<String> replicawareThreads() {
        return Thread.getAllStackTraces().keySet().stream().map(Thread::getName)
                .filter(n -> n.startsWith("replicaware-") || n.contains("orders") || n.contains("housekeeper"))
                .collect(Collectors.toSet());
    }
}
