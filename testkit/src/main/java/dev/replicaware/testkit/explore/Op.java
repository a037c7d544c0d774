package dev.replicaware.testkit.explore;

/**
 * One operation of the history: its invocation and completion as a client saw them.
 *
 * @param instance   the application instance
 * @param generation which DataSource of that instance (a restart makes a new one)
 * @param type       what it did
 * @param id         the row written, or for a read the row it expected to see
 * @param invoked    System.nanoTime() at invocation
 * @param completed  System.nanoTime() at completion
 * @param ok         true when the commit (or the read) returned without error
 * @param found      for a read: whether the row was there
 * @param error      the error's shape when not ok
 */
record Op(int instance, int generation, Type type, long id, long invoked, long completed, boolean ok, boolean found, String error) {
    enum Type { WRITE, LONG_WRITE, READ }

    boolean isWrite() {
        return type != Type.READ;
    }
}
