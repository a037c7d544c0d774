package dev.replicaware.testkit;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Replicated clusters in Docker containers through Testcontainers, for machines where Docker runs and the images
 * ({@value #POSTGRES_IMAGE}, {@value #MYSQL_IMAGE}) can be pulled. Needs {@code org.testcontainers:testcontainers} on
 * the classpath; the testkit declares it optional.
 *
 * <p>Faults are injected with Docker itself: {@link ReplicatedCluster#kill} is {@code docker kill},
 * {@link ReplicatedCluster#pause} is {@code docker pause}. Each node keeps its host port across a kill and a start.
 *
 * <pre>{@code
 * Assumptions.assumeTrue(ContainerClusters.dockerAvailable(), "Docker is not available");
 * try (ReplicatedCluster mysql = ContainerClusters.mysql(2)) {
 *     String url = mysql.primary().jdbcUrl();
 * }
 * }</pre>
 */
public final class ContainerClusters {
    /** The PostgreSQL image: a primary and replicas cloned from it with {@code pg_basebackup -R}. */
    public static final String POSTGRES_IMAGE = "postgres:17";
    /** The MySQL image: GTID replication with auto-positioning, replicas {@code super_read_only}. */
    public static final String MYSQL_IMAGE = "mysql:8.4";

    /** Testcontainers tries several ways to reach Docker; none should take long, but a broken daemon must not hang a build. */
    private static final long PROBE_TIMEOUT_SECONDS = 30;
    private static volatile Optional<String> unavailableReason;

    private ContainerClusters() {}

    /**
     * A PostgreSQL primary and {@code replicas} streaming replicas (0 to 4), each in its own container; returns once
     * every replica streams from the primary. Fails with a {@link TestkitException} saying why when Docker is absent.
     */
    public static ReplicatedCluster postgres(int replicas) {
        checkReplicas(replicas);
        requireDocker("PostgreSQL");
        return PostgresContainerCluster.start(replicas);
    }

    /**
     * A MySQL primary and {@code replicas} GTID replicas (0 to 4), each in its own container; returns once every
     * replica's threads run and it has applied what the primary wrote. Fails with a {@link TestkitException} saying
     * why when Docker is absent.
     */
    public static ReplicatedCluster mysql(int replicas) {
        checkReplicas(replicas);
        requireDocker("MySQL");
        return MySqlContainerCluster.start(replicas);
    }

    /**
     * Whether Testcontainers finds a working Docker daemon. Asked once per JVM, and never for longer than 30 s,
     * so tests can skip themselves cheaply where Docker is absent.
     */
    public static boolean dockerAvailable() {
        return dockerUnavailableReason().isEmpty();
    }

    /** Empty when Docker is available; otherwise why not, in a sentence for a skipped test's report. */
    static Optional<String> dockerUnavailableReason() {
        Optional<String> reason = unavailableReason;
        if (reason == null) {
            synchronized (ContainerClusters.class) {
                reason = unavailableReason;
                if (reason == null) {
                    reason = probeDocker();
                    unavailableReason = reason;
                }
            }
        }
        return reason;
    }

    private static Optional<String> probeDocker() {
        try {
            Class.forName("org.testcontainers.DockerClientFactory", false, ContainerClusters.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            return Optional.of("Testcontainers (org.testcontainers:testcontainers) is not on the classpath");
        }
        // a daemon thread, so a probe stuck on a dead socket cannot keep the JVM alive
        CompletableFuture<Optional<String>> probe = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                org.testcontainers.DockerClientFactory.instance().client();
                probe.complete(Optional.empty());
            } catch (Throwable e) {
                probe.complete(Optional.of("Testcontainers found no working Docker environment: " + e.getMessage()));
            }
        }, "replicaware-testkit-docker-probe");
        t.setDaemon(true);
        t.start();
        try {
            return probe.get(PROBE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            return Optional.of("Docker did not answer Testcontainers within " + PROBE_TIMEOUT_SECONDS + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of("Interrupted while looking for Docker");
        } catch (ExecutionException e) {
            return Optional.of("Looking for Docker failed: " + e.getCause());
        }
    }

    private static void checkReplicas(int replicas) {
        if (replicas < 0 || replicas > 4) {
            throw new IllegalArgumentException("replicas must be between 0 and 4, but was " + replicas);
        }
    }

    private static void requireDocker(String engine) {
        Optional<String> reason = dockerUnavailableReason();
        if (reason.isPresent()) {
            throw new TestkitException("Cannot start a " + engine + " container cluster: " + reason.get());
        }
    }
}
