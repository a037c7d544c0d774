package dev.replicaware.failover;

import dev.replicaware.dialect.AdminErrors;
import dev.replicaware.dialect.Dialect;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes one fenced former primary read-only the moment it can answer, on a daemon thread of its own,
 * {@code replicaware-<cluster>-fence-<node>}, independent of the monitor's probes and of the failover thread.
 *
 * <p>Against a paused (SIGSTOPped) server TCP connect still succeeds (the kernel's accept backlog) and the driver waits
 * for the server's greeting. An attempt made while the server is paused is therefore queued, and is the first session
 * the server serves when it resumes: the fence runs within milliseconds of the return, before any other client can
 * find the node writable for long. So each attempt may wait {@link #ATTEMPT_TIMEOUT}, long enough not to be abandoned
 * and queued again behind dead ones; a refused connection (the server is dead) is retried after 50 ms, backing off to
 * 500 ms.
 *
 * <p>The first attempt is made on the admin session {@link FencedNodes#holdSessionOn held open} on the node while it
 * was primary, where there is one: sent while the node is paused, the fence then runs before any new connection is
 * served. Once connected: {@link Dialect#fenceResumedPrimary}, which, where the node still serves as a primary, makes it
 * read-only and ends every other client session (PostgreSQL: fence, then terminate, as a transaction open across the
 * pause would otherwise commit there; MySQL/MariaDB: kill, then fence, as {@code read_only} would otherwise wait for
 * commits stuck in a semi-synchronous wait). A node that already replicates again (re-cloned meanwhile) is only set
 * read-only, which the dialect undoes when it is re-pointed or promoted, and its sessions are left alone.
 *
 * <p>Ends when done, when {@link #stop() stopped} (the fence lifted, the node removed by a reload, the DataSource
 * closed), or when {@code stillFenced} says false. Its outcome is read by {@link FencedNodes} through volatile fields.
 */
final class FenceWatch {
    private static final Logger LOG = LoggerFactory.getLogger(FenceWatch.class);
    /** How long one attempt may wait for a server to greet it (a paused one: until it resumes). */
    static final Duration ATTEMPT_TIMEOUT = Duration.ofSeconds(30);
    private static final long FIRST_RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    private static final long LAST_RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(500);
    /** How long the other sessions of a resumed primary may take to end once terminated. */
    private static final Duration END_SESSIONS_TIMEOUT = Duration.ofSeconds(5);

    private final String cluster;
    private final String node;
    private final FencedNodes.AdminSessions admin;
    /** The session held open on the node while it was primary (see {@link FencedNodes#holdSessionOn}); null when none. */
    private final Connection held;
    private final BooleanSupplier stillFenced;
    private final Function<Throwable, String> describe;
    private final Thread thread;
    private volatile boolean stopped;
    private volatile boolean readOnly;

    FenceWatch(String cluster, String node, FencedNodes.AdminSessions admin, Connection held, BooleanSupplier stillFenced,
               Function<Throwable, String> describe) {
        this.cluster = cluster;
        this.node = node;
        this.admin = admin;
        this.held = held;
        this.stillFenced = stillFenced;
        this.describe = describe;
        this.thread = new Thread(this::run, "replicaware-" + cluster + "-fence-" + node);
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /** Ends the watch: an attempt under way is interrupted (its socket closes, see {@link InterruptibleSocketFactory}). */
    void stop() {
        stopped = true;
        thread.interrupt();
    }

    /** Waits up to {@code millis} for the thread to end; true when it has. */
    boolean awaitEnd(long millis) throws InterruptedException {
        thread.join(Math.max(1, millis));
        return !thread.isAlive();
    }

    /** True once the thread has ended, read-only set or not. */
    boolean ended() {
        return !thread.isAlive();
    }

    /** True once the node was set read-only. */
    boolean readOnly() {
        return readOnly;
    }

    private void run() {
        long began = System.nanoTime();
        if (held != null) {
            // its statement is the first the node serves if it is paused: see FencedNodes.holdSessionOn
            try (Connection c = held) {
                if (!stopped && stillFenced.getAsBoolean()) {
                    fence(c, began);
                }
                return;
            } catch (SQLException | RuntimeException e) {
                if (stopped) {
                    return;
                }
                if (AdminErrors.isAccessDenied(e)) {
                    LOG.error("{} - former primary {} answers, but fencing it on the admin session held there failed ({});"
                            + " trying again on a new one", cluster, node, describe.apply(e));
                } else {
                    LOG.info("{} - the admin session held on former primary {} failed ({}); connecting anew to set it read-only",
                            cluster, node, describe.apply(e));
                }
            }
        }
        long retryNanos = 0;
        Set<String> reported = new HashSet<>();
        while (!stopped && stillFenced.getAsBoolean()) {
            long attempt = System.nanoTime();
            try (Connection c = admin.open(node, ATTEMPT_TIMEOUT, ATTEMPT_TIMEOUT)) {
                fence(c, began);
                return;
            } catch (SQLException | RuntimeException e) {
                if (stopped) {
                    return;
                }
                String message = describe.apply(e);
                if (reported.add(message)) { // once per distinct message: attempts repeat every 50-500 ms
                    if (AdminErrors.isAccessDenied(e)) { // it answered: no retry makes the grant appear
                        LOG.error("{} - former primary {} answers, but fencing it failed; retrying: {}", cluster, node, message);
                    } else {
                        LOG.info("{} - former primary {} not set read-only yet, retrying until it answers: {}", cluster, node, message);
                    }
                }
            }
            // an attempt that waited long (timed out on a server still paused) is followed at once by the next
            retryNanos = System.nanoTime() - attempt > LAST_RETRY_NANOS ? 0
                    : Math.max(FIRST_RETRY_NANOS, Math.min(retryNanos * 2, LAST_RETRY_NANOS));
            if (retryNanos > 0) {
                LockSupport.parkNanos(retryNanos); // returns at once when stop() interrupts
            }
        }
    }

    private void fence(Connection c, long began) throws SQLException {
        DatabaseMetaData meta = c.getMetaData();
        String done = Dialect.forUrl(meta.getURL()).confirm(meta).fenceResumedPrimary(c, END_SESSIONS_TIMEOUT);
        readOnly = true;
        LOG.warn("{} - former primary {} answers again; set it read-only {} ms after it was fenced; {}", cluster, node,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began), done);
    }

    @Override
    public String toString() {
        return "FenceWatch[" + cluster + ", " + node + (readOnly ? ", read-only" : stopped ? ", stopped" : "") + "]";
    }
}
