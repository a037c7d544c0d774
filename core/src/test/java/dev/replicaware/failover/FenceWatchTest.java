package dev.replicaware.failover;

import static org.assertj.core.api.Assertions.assertThat;

import dev.replicaware.config.FailoverConfig;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A fence watch waits up to 30 s for a paused server's greeting; stopping it (the DataSource closes, the fence is
 * lifted) must end its thread at once. A socket that accepts and never answers stands in for the paused server: what
 * the kernel does for a SIGSTOPped one. No database needed; both drivers the project ships tests for.
 */
class FenceWatchTest {

    @ParameterizedTest
    @ValueSource(strings = {"jdbc:postgresql://127.0.0.1:%d/db", "jdbc:mysql://127.0.0.1:%d/db"})
    void stoppingEndsAnAttemptWaitingForAServerThatNeverAnswers(String urlPattern) throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            String url = String.format(urlPattern, silent.getLocalPort());
            FailoverConfig config = new FailoverConfig(FailoverConfig.Mode.AUTOMATIC, null, Duration.ofSeconds(1), "admin", "secret");
            FenceWatch watch = new FenceWatch("c", "n", (node, connectTimeout, timeout) -> AdminSessions.openInterruptibly(node, url, config, connectTimeout, timeout), null,
                    () -> true, Throwable::toString);
            watch.start();
            try (Socket waiting = silent.accept()) { // the watch's attempt, now waiting for a greeting
                assertThat(Thread.getAllStackTraces().keySet().stream().map(Thread::getName)).contains("replicaware-c-fence-n");
                long t0 = System.nanoTime();
                watch.stop();
                assertThat(watch.awaitEnd(10_000)).as("the watch thread ended after stop()").isTrue();
                System.out.println(url + ": watch ended " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0) + " ms after stop()");
                assertThat(watch.readOnly()).isFalse();
            }
        }
    }
}
