package dev.replicaware;

import java.sql.SQLTransientConnectionException;

/**
 * No node can take a write now: the primary is down, none has been promoted yet, or two nodes both claim to be
 * primary and writes fail closed. SQLState {@code 08006}: frameworks that retry on connection errors may retry.
 */
public class NoPrimaryAvailableException extends SQLTransientConnectionException {
    private static final long serialVersionUID = 1L;

    public NoPrimaryAvailableException(String message) {
        super(message, "08006");
    }
}
