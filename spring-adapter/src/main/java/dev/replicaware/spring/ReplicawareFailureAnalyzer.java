package dev.replicaware.spring;

import java.util.stream.Collectors;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Start-up advice for bad {@code replicaware.*} settings: one line per property, naming it and what is expected, as
 * Spring Boot prints for its own binding failures.
 */
final class ReplicawareFailureAnalyzer extends AbstractFailureAnalyzer<InvalidReplicawareConfigurationException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, InvalidReplicawareConfigurationException cause) {
        String description = "The Replicaware DataSource could not be created from the replicaware.* properties:\n"
                + cause.problems().stream()
                        .map(p -> "\n    Property: " + p.property() + "\n    Reason: " + p.message() + "\n")
                        .collect(Collectors.joining());
        String action = "Correct " + (cause.problems().size() == 1 ? "this property" : "these properties")
                + " in your application.yml or application.properties (or the environment variables that set them). "
                + "Each key is documented in your IDE and under replicaware.* in the configuration metadata.";
        return new FailureAnalysis(description, action, cause);
    }
}
