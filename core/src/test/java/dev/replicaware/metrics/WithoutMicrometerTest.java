package dev.replicaware.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Micrometer is optional: a JVM without it on the class path routes, monitors and reports topology all the same. */
class WithoutMicrometerTest {

    @Test
    void theDataSourceWorksWithoutMicrometerOnTheClassPath() throws Exception {
        String full = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        String without = Arrays.stream(full.split(File.pathSeparator))
                .filter(e -> !e.contains("micrometer") && !e.contains("HdrHistogram") && !e.contains("LatencyUtils"))
                .collect(Collectors.joining(File.pathSeparator));
        assertThat(without).isNotEqualTo(full);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-cp", without, NoMicrometerMain.class.getName()).redirectErrorStream(true).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).contains("micrometer absent: true").contains("served by replica1");
    }

    /** Runs in the child JVM. */
    static final class NoMicrometerMain {
        public static void main(String[] args) throws Exception {
            boolean absent;
            try {
                Class.forName("io.micrometer.core.instrument.MeterRegistry");
                absent = false;
            } catch (ClassNotFoundException e) {
                absent = true;
            }
            System.out.println("micrometer absent: " + absent);
            dev.replicaware.testkit.stub.StubServer primary = dev.replicaware.testkit.stub.StubServer.named("nm-primary");
            dev.replicaware.testkit.stub.StubServer replica = dev.replicaware.testkit.stub.StubServer.named("nm-replica1");
            try (var ds = new dev.replicaware.ReplicaAwareDataSource(dev.replicaware.config.ClusterConfig.builder("nm")
                    .primary("primary", primary.url()).replica("replica1", replica.url()).build());
                 var c = ds.getConnection()) {
                c.setReadOnly(true);
                try (var s = c.createStatement()) {
                    s.execute("SELECT 1");
                }
                System.out.println("served by " + c.unwrap(dev.replicaware.ReplicaAwareConnection.class).servingNode().orElseThrow());
                System.out.println(ds.topology());
            }
        }
    }
}
