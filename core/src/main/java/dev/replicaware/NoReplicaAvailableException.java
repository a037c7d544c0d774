package dev.replicaware;

import java.sql.SQLTransientConnectionException;

/**
 * No replica could give a read-only connection and falling back to the primary is off. The message names the cluster
 * and each replica with why it could not serve; the first failure is the cause, the others are suppressed.
 */
public class NoReplicaAvailableException extends SQLTransientConnectionException {
    private static final long serialVersionUID = 1L;

    public NoReplicaAvailableException(String message, Throwable cause) {
        super(message, "08001", cause);
    }
}
