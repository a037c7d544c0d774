package dev.replicaware;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The rules between packages of docs/architecture.md, read from the sources: each package uses only those below it. */
class PackageRulesTest {
    private static final String ROOT = "dev.replicaware";
    /** The root's public value types, which every layer may name; the DataSource itself only the root and metrics. */
    private static final Set<String> ROOT_VALUE_TYPES = Set.of("ReadConsistency", "ConsistencyToken", "ReplicaAwareConnection",
            "NoPrimaryAvailableException", "NoReplicaAvailableException");
    private static final Map<String, Set<String>> MAY_USE = Map.of(
            "dialect", Set.of(),
            "config", Set.of("dialect"),
            "topology", Set.of("config", "dialect"),
            "routing", Set.of("topology", "config", "dialect"),
            "failover", Set.of("topology", "config", "dialect"),
            "jdbc", Set.of("jdbc.delegate", "routing", "topology", "config", "dialect"),
            "jdbc.delegate", Set.of(),
            "", Set.of("jdbc", "jdbc.delegate", "routing", "failover", "topology", "config", "dialect"),
            "metrics", Set.of("", "failover", "routing", "topology", "config", "dialect"),
            "backup", Set.of("", "topology", "config", "dialect"));
    private static final Pattern PACKAGE = Pattern.compile("^package ([\\w.]+);", Pattern.MULTILINE);
    private static final Pattern REFERENCE = Pattern.compile("\\bdev\\.replicaware((?:\\.[a-z]\\w*)*)\\.([A-Z]\\w*)");

    @Test
    void eachPackageUsesOnlyThePackagesBelowIt() throws IOException {
        List<String> violations = new ArrayList<>();
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                String source = Files.readString(file).replaceAll("(?s)/\\*.*?\\*/", "").replaceAll("//[^\n]*", "");
                Matcher p = PACKAGE.matcher(source);
                if (!p.find()) {
                    continue;
                }
                String from = relative(p.group(1));
                Set<String> allowed = MAY_USE.get(from);
                assertThat(allowed).as("the rules name package '%s' (%s)", from, file).isNotNull();
                Matcher r = REFERENCE.matcher(source);
                while (r.find()) {
                    String to = relative(ROOT + r.group(1));
                    boolean ok = to.equals(from) || allowed.contains(to)
                            || (to.isEmpty() && ROOT_VALUE_TYPES.contains(r.group(2)));
                    if (!ok) {
                        violations.add(file.getFileName() + " (" + from + ") uses " + to + "." + r.group(2));
                    }
                }
            }
        }
        assertThat(violations).as("references against the rules of docs/architecture.md").isEmpty();
    }

    private static String relative(String pkg) {
        return pkg.equals(ROOT) ? "" : pkg.substring(ROOT.length() + 1);
    }
}
