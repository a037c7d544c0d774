package dev.replicaware.backup;

/**
 * A backup or restore refused or failed. The message names the cluster, the node and what was expected; it never holds
 * a password. Whatever failed, the replica was let go again (replay resumed, back in read rotation) before this was
 * thrown, unless the message says otherwise.
 */
public class BackupException extends Exception {
    public BackupException(String message) {
        super(message);
    }

    public BackupException(String message, Throwable cause) {
        super(message, cause);
    }
}
