package dev.replicaware.config;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A configuration that cannot be used, with every problem found in one pass. Each problem names the path of the
 * setting ({@code replicas[1].url}), where it is in the file when it came from one, the value with secrets masked,
 * and what is expected:
 * <pre>
 * replicas[1].url (line 7, column 12): must be a JDBC URL starting with 'jdbc:', but was 'postgres://db2/orders'
 * </pre>
 */
public class ConfigException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    /**
     * One thing wrong with a configuration: where, and what.
     *
     * @param path    the setting, in the vocabulary of the source ({@code replicas[1].url}); empty for the document itself
     * @param message what is wrong and what is expected; secrets masked
     * @param line    the 1-based line in the source file, 0 when not from a file
     * @param column  the 1-based column in the source file, 0 when not from a file
     */
    public record Problem(String path, String message, int line, int column) {

        /** A problem without a place in a file (from the builder or a properties binder). */
        public Problem(String path, String message) {
            this(path, message, 0, 0);
        }

        /** This problem at another path and place. */
        public Problem at(String path, int line, int column) {
            return new Problem(path, message, line, column);
        }

        /** {@code path (line L, column C): message}; without a place, {@code path: message}. */
        @Override
        public String toString() {
            String where = line > 0 ? " (line " + line + ", column " + column + ")" : "";
            String head = (path == null ? "" : path) + where;
            return head.isEmpty() ? message : head.strip() + ": " + message;
        }
    }

    private final transient List<Problem> problems;
    private final String source;

    public ConfigException(String cluster, List<Problem> problems) {
        this(cluster, null, problems);
    }

    /**
     * @param source where the configuration came from (a file name), or {@code null}
     */
    public ConfigException(String cluster, String source, List<Problem> problems) {
        super(message(cluster, source, problems));
        this.problems = List.copyOf(problems);
        this.source = source;
    }

    /** Every problem found, in the order of the settings (from a file: in the order of lines). */
    public List<Problem> problems() {
        return problems;
    }

    /** Where the configuration came from, or {@code null}. */
    public String source() {
        return source;
    }

    private static String message(String cluster, String source, List<Problem> problems) {
        String who = cluster == null || cluster.isBlank() ? "Replicaware cluster" : "Replicaware cluster '" + cluster + "'";
        String from = source == null ? "" : " in " + source;
        String noun = problems.size() == 1 ? " problem" : " problems";
        return "Invalid configuration of " + who + from + ", " + problems.size() + noun + ":"
                + problems.stream().map(p -> "\n  - " + p).collect(Collectors.joining());
    }
}
