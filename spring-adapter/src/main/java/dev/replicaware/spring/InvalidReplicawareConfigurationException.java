package dev.replicaware.spring;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The {@code replicaware.*} properties describe no usable cluster. Carries every problem at once, each under the
 * Spring property it is about; {@link ReplicawareFailureAnalyzer} turns it into start-up advice. Values in messages
 * have their secrets masked.
 */
public class InvalidReplicawareConfigurationException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    /** One thing wrong: the property ({@code replicaware.replicas[0].url}) and what is expected. */
    public record Problem(String property, String message) {
        @Override
        public String toString() {
            return property + ": " + message;
        }
    }

    private final transient List<Problem> problems;

    public InvalidReplicawareConfigurationException(String cluster, List<Problem> problems) {
        super("Invalid replicaware.* configuration" + (cluster == null || cluster.isBlank() ? "" : " of cluster '" + cluster + "'")
                + ", " + problems.size() + (problems.size() == 1 ? " problem:" : " problems:")
                + problems.stream().map(p -> "\n  - " + p).collect(Collectors.joining()));
        this.problems = List.copyOf(problems);
    }

    /** Every problem, in the order of the settings. */
    public List<Problem> problems() {
        return problems;
    }
}
