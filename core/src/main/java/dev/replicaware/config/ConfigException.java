package dev.replicaware.config;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A configuration that cannot be used, with every problem found in one pass. Each problem names the path of the
 * setting ({@code replicas[1].url}), the value with secrets masked, and what is expected.
 */
public class ConfigException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    /** One thing wrong with a configuration: where, and what. */
    public record Problem(String path, String message) {
        @Override
        public String toString() {
            return path + ": " + message;
        }
    }

    private final transient List<Problem> problems;

    public ConfigException(String cluster, List<Problem> problems) {
        super(message(cluster, problems));
        this.problems = List.copyOf(problems);
    }

    /** Every problem found, in the order of the settings. */
    public List<Problem> problems() {
        return problems;
    }

    private static String message(String cluster, List<Problem> problems) {
        String who = cluster == null || cluster.isBlank() ? "Replicaware cluster" : "Replicaware cluster '" + cluster + "'";
        String noun = problems.size() == 1 ? " problem" : " problems";
        return "Invalid configuration of " + who + ", " + problems.size() + noun + ":"
                + problems.stream().map(p -> "\n  - " + p).collect(Collectors.joining());
    }
}
