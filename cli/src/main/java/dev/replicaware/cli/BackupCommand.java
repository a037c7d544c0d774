package dev.replicaware.cli;

import dev.replicaware.ReplicaAwareDataSource;
import dev.replicaware.backup.BackupException;
import dev.replicaware.backup.BackupManifest;
import dev.replicaware.backup.ReplicaBackup;
import dev.replicaware.config.ClusterConfig;
import dev.replicaware.config.ConfigException;
import dev.replicaware.config.FailoverConfig;
import dev.replicaware.config.Secrets;
import dev.replicaware.config.YamlConfig;
import dev.replicaware.dialect.Role;
import dev.replicaware.topology.NodeStatus;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Takes a backup from the freshest replica of a cluster's YAML file with {@link ReplicaBackup}. The DataSource it
 * builds follows the file except that it never promotes ({@code failover.mode} external): a backup run must not fail a
 * cluster over. A shutdown hook (Ctrl-C) kills the dump and waits for replay to resume before the JVM exits.
 */
@Command(name = "backup", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Backs up a cluster from its freshest replica: takes it out of read rotation, pauses its replay, "
                + "runs the database's dump tool (pg_dump -Fd -j N; mariadb-dump/mysqldump --single-transaction) and writes "
                + "a manifest with each table's rows and checksum; replay resumes and the replica returns to rotation "
                + "whatever happens.",
                "Exit codes: 0 backup written; 1 refused or failed (the message says why); 2 the configuration is invalid "
                        + "or unreadable."})
final class BackupCommand implements Callable<Integer> {
    static final int OK = 0;
    static final int FAILED = 1;
    static final int CONFIG_ERROR = 2;

    @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE",
            description = "The cluster's YAML file, as ReplicaAwareDataSource.fromYaml reads it.")
    Path config;

    @Option(names = {"-o", "--out"}, required = true, paramLabel = "DIR",
            description = "The directory for the dump and manifest.json; empty or new.")
    Path out;

    @Option(names = "--max-lag", paramLabel = "DURATION",
            description = "How far behind the chosen replica may be (default: routing.maxLag of the file, else 10s).")
    Duration maxLag;

    @Option(names = "--allow-primary", description = "Back up the primary when no replica qualifies.")
    boolean allowPrimary;

    @Option(names = {"-j", "--jobs"}, defaultValue = "2", paramLabel = "N",
            description = "Parallel dump jobs, pg_dump's -j (default: ${DEFAULT-VALUE}).")
    int jobs;

    @Option(names = "--tools", paramLabel = "DIR",
            description = "Where the dump tool is, e.g. /usr/lib/postgresql/17/bin (default: the PATH).")
    Path tools;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ClusterConfig cluster;
        try {
            cluster = neverPromoting(YamlConfig.read(config).cluster());
        } catch (ConfigException | UncheckedIOException e) {
            err.println(Secrets.maskUrl(e.getMessage()));
            err.flush();
            return CONFIG_ERROR;
        }
        try (ReplicaAwareDataSource ds = new ReplicaAwareDataSource(cluster)) {
            awaitLagKnown(ds, cluster);
            ReplicaBackup.Builder b = ReplicaBackup.builder(ds).to(out).allowPrimary(allowPrimary).jobs(jobs).toolDirectory(tools)
                    .onProgress(p -> {
                        stdout.println("  " + p);
                        stdout.flush();
                    });
            if (maxLag != null) {
                b.maxLag(maxLag);
            }
            ReplicaBackup backup = b.build();
            Thread hook = new Thread(() -> {
                err.println("Interrupted: killing the dump, resuming replay and returning the replica to rotation...");
                err.flush();
                try {
                    if (!backup.abort(Duration.ofSeconds(45))) {
                        err.println("WARNING: the backup did not finish its clean-up in 45 s; check that replay runs on the replica");
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                err.flush();
            }, "replicaware-backup-abort");
            Runtime.getRuntime().addShutdownHook(hook);
            try {
                stdout.println("Backing up cluster '" + cluster.name() + "' into " + out + " ...");
                stdout.flush();
                BackupManifest m = backup.run();
                stdout.printf(java.util.Locale.ROOT, "Backup of cluster '%s' written to %s: node %s (%s) at position %s, %d tables,"
                                + " %d rows in %.1f s with %s.%n", m.cluster(), out, m.node(), m.role(), m.position(),
                        m.tables().size(), m.rows(), m.duration().toMillis() / 1000.0, m.toolVersion());
                stdout.println("Replay resumed on " + m.node() + "; it is back in read rotation. Verify with: replicaware restore --verify " + out);
                return OK;
            } catch (BackupException e) {
                err.println("Backup FAILED: " + e.getMessage());
                return FAILED;
            } finally {
                stdout.flush();
                err.flush();
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException shuttingDown) {
                    // the hook runs: it waits for this backup's clean-up, which is done
                }
            }
        }
    }

    /** The file's cluster with failover external: the backup follows what the servers say and promotes nothing. */
    static ClusterConfig neverPromoting(ClusterConfig c) {
        FailoverConfig f = c.failover();
        FailoverConfig external = new FailoverConfig(FailoverConfig.Mode.EXTERNAL, f.maxLagOnFailover(), f.writeWait(),
                f.adminUsername(), f.adminPassword(), false, f.patroni());
        return new ClusterConfig(c.name(), c.primary(), c.replicas(), c.username(), c.password(), c.pool(), c.routing(),
                c.health(), external);
    }

    /** A replica's lag needs two probes (the primary's samples first): wait for them, at most two rounds and timeouts. */
    private static void awaitLagKnown(ReplicaAwareDataSource ds, ClusterConfig cluster) throws InterruptedException {
        long deadline = System.nanoTime() + cluster.health().interval().multipliedBy(3)
                .plus(cluster.health().timeout().multipliedBy(2)).toNanos();
        while (System.nanoTime() < deadline && !ds.topology().nodes().stream()
                .filter(s -> s.role() == Role.REPLICA && s.state().serves()).allMatch(BackupCommand::lagKnown)) {
            Thread.sleep(20);
        }
    }

    private static boolean lagKnown(NodeStatus s) {
        return !Double.isNaN(s.lagSeconds());
    }
}
