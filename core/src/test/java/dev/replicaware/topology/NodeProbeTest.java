package dev.replicaware.topology;

import dev.replicaware.dialect.Dialect;
import dev.replicaware.dialect.Probe;
import dev.replicaware.dialect.Role;
import dev.replicaware.testkit.stub.StubDriver;
import dev.replicaware.testkit.stub.StubServer;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/** The probe of one node, on the stub driver: what the request path may ask it while it waits on its server. */
class NodeProbeTest {

    /**
     * Read-your-writes asks for a node's dialect on every write commit (and on reads that must see one). A probe waits
     * on its server up to the probe timeout (a paused or unreachable node: seconds), so the dialect must not be behind
     * the probe's lock: the request path takes no locks.
     */
    @Test
    void dialectAnswersWhileAProbeWaitsOnTheServer() throws Exception {
        StubDriver.register();
        StubServer server = StubServer.named("node-probe-test");
        HeldProbe dialect = new HeldProbe();
        NodeProbe probe = new NodeProbe(server.url(), "app", "secret", dialect, Duration.ofSeconds(5));
        CompletableFuture<Probe> inFlight = CompletableFuture.supplyAsync(() -> {
            try {
                return probe.probe();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        try {
            if (!dialect.entered.await(30, TimeUnit.SECONDS)) {
                fail("the probe never reached the server; it ended with " + inFlight.handle((p, e) -> p != null ? p : e).getNow(null));
            }
            CompletableFuture<Dialect> asked = CompletableFuture.supplyAsync(probe::dialect);
            Dialect answer;
            try {
                answer = asked.get(10, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                fail("dialect() waited for the probe in flight (still waiting on its server after 10 s)");
                return;
            }
            assertThat(answer).isSameAs(dialect);
            assertThat(inFlight).as("the probe is still waiting on its server").isNotDone();
        } finally {
            dialect.release.countDown();
            inFlight.handle((p, e) -> null).get(30, TimeUnit.SECONDS);
            probe.close();
        }
    }

    /** A dialect whose probe waits, as on a server that does not answer, until the test releases it. */
    private static final class HeldProbe extends Dialect {
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);

        @Override
        public String name() {
            return "held";
        }

        @Override
        public String positionUnit() {
            return "none";
        }

        @Override
        public boolean comparesPositions() {
            return false;
        }

        @Override
        public Probe probe(Connection connection) throws java.sql.SQLException {
            entered.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return new Probe(Role.UNKNOWN, Probe.NO_POSITION, Probe.NO_POSITION, Probe.NO_POSITION, false, Double.NaN);
        }

        @Override
        public String serverIdentitySql() {
            return "SELECT 1";
        }
    }
}
