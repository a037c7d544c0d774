package dev.replicaware.backup;

import java.time.Duration;

/**
 * One step of a backup or restore, for a progress display.
 *
 * @param phase   what runs
 * @param node    the node backed up; for a restore, null
 * @param table   the table it is at ({@code schema.table} on PostgreSQL, {@code database.table} on MySQL and MariaDB);
 *                null when the step is about no table
 * @param rows    that table's rows, as counted on the held replica; -1 when not known
 * @param elapsed time since the backup or restore began
 */
public record BackupProgress(Phase phase, String node, String table, long rows, Duration elapsed) {

    public enum Phase {
        /** The replica is taken out of read rotation and its replay paused. */
        HOLD,
        /** Rows counted and checksummed on the held replica, one table at a time. */
        CHECKSUM,
        /** The dump tool writes the table. */
        DUMP,
        /** The restore tool loads the dump. */
        RESTORE,
        /** The restored tables are counted and checksummed. */
        VERIFY,
        /** The dump ended (or failed): replay is resumed and the replica returned to rotation now. */
        RELEASE,
        /** Replay resumed, the replica back in rotation (backup), or the comparison done (restore). */
        DONE
    }

    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT, "[%6.1f s] %-8s %s%s", elapsed.toMillis() / 1000.0, phase,
                table != null ? table : node != null ? node : "", rows < 0 ? "" : " (" + rows + " rows)");
    }
}
