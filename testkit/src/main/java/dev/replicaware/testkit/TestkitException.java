package dev.replicaware.testkit;

/** A cluster could not be built, started or driven as asked. The message says which node and why. */
public final class TestkitException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public TestkitException(String message) {
        super(message);
    }

    public TestkitException(String message, Throwable cause) {
        super(message, cause);
    }
}
