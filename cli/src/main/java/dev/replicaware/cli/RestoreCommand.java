package dev.replicaware.cli;

import dev.replicaware.backup.BackupException;
import dev.replicaware.backup.BackupManifest;
import dev.replicaware.backup.ReplicaBackup;
import dev.replicaware.config.Secrets;
import dev.replicaware.testkit.MariaDbCluster;
import dev.replicaware.testkit.PostgresCluster;
import dev.replicaware.testkit.ReplicatedCluster;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Proves a backup restores: loads it into a scratch server and compares every table's rows and checksum with the
 * manifest. The scratch server is started here with the testkit (MariaDB from the jar; PostgreSQL from a local install,
 * whose {@code pg_restore} matches the dump), or is an empty database given with {@code --target}.
 */
@Command(name = "restore", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Restores a backup into a scratch server and compares every table's row count and checksum with "
                + "its manifest.json.",
                "Exit codes: 0 identical; 1 a table differs (each is named); 2 the restore could not run."})
final class RestoreCommand implements Callable<Integer> {
    static final int IDENTICAL = 0;
    static final int DIFFERS = 1;
    static final int ERROR = 2;

    @Option(names = "--verify", required = true, paramLabel = "DIR", description = "The backup directory to verify.")
    Path backup;

    @Option(names = "--tools", paramLabel = "DIR",
            description = "Where pg_restore or the mariadb/mysql client is (default: the scratch server's, else the PATH).")
    Path tools;

    @Option(names = "--pg-home", paramLabel = "DIR",
            description = "The local PostgreSQL install the scratch server runs from (default: the dump tool's, else the "
                    + "newest /usr/lib/postgresql/N).")
    Path pgHome;

    @Option(names = "--target", paramLabel = "JDBC_URL",
            description = "Restore into this empty database instead of a scratch server started here.")
    String target;

    @Option(names = "--target-user", paramLabel = "USER", description = "With --target: the user to restore as.")
    String targetUser;

    @Option(names = "--target-password-env", paramLabel = "VARIABLE",
            description = "With --target: the environment variable that holds the password.")
    String targetPasswordEnv;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            BackupManifest m = BackupManifest.read(backup);
            out.printf("Verifying the backup of cluster '%s' (node %s, %s, %d tables, %d rows, taken %s)...%n", m.cluster(),
                    m.node(), m.engine(), m.tables().size(), m.rows(), m.startedAt());
            out.flush();
            List<String> differences;
            if (target != null) {
                String password = targetPasswordEnv == null ? null : System.getenv(targetPasswordEnv);
                differences = verify(out, target, targetUser, password, tools);
            } else {
                try (ReplicatedCluster scratch = startScratch(m, out)) {
                    Path toolDir = tools != null ? tools : scratch instanceof MariaDbCluster maria ? maria.binDirectory()
                            : ((PostgresCluster) scratch).binDirectory();
                    differences = verify(out, scratch.primary().jdbcUrl(), scratch.admin().username(), scratch.admin().password(),
                            toolDir);
                }
            }
            if (differences.isEmpty()) {
                out.printf("IDENTICAL: %d tables, %d rows: every count and checksum matches the manifest.%n", m.tables().size(), m.rows());
                return IDENTICAL;
            }
            for (String d : differences) {
                out.println("DIFFERS: " + d);
            }
            out.println(differences.size() + " difference(s) between the restored copy and the manifest.");
            return DIFFERS;
        } catch (BackupException | RuntimeException e) {
            err.println("Restore FAILED: " + Secrets.maskUrl(String.valueOf(e.getMessage())));
            return ERROR;
        } finally {
            out.flush();
            err.flush();
        }
    }

    private List<String> verify(PrintWriter out, String url, String user, String password, Path toolDir) throws BackupException {
        return ReplicaBackup.restoreAndVerify(backup, url, user, password, toolDir, p -> {
            out.println("  " + p);
            out.flush();
        });
    }

    private ReplicatedCluster startScratch(BackupManifest m, PrintWriter out) throws BackupException {
        switch (m.engine()) {
            case "mariadb" -> {
                out.println("Starting a scratch MariaDB server (the testkit's)...");
                out.flush();
                return MariaDbCluster.builder().replicas(0).start();
            }
            case "postgresql" -> {
                Path home = pgHome != null ? pgHome : installOf(Path.of(m.tool())).or(PostgresCluster::findLocalInstall)
                        .orElseThrow(() -> new BackupException("No local PostgreSQL install to start a scratch server from;"
                                + " give --pg-home DIR (e.g. /usr/lib/postgresql/15) or --target JDBC_URL"));
                out.println("Starting a scratch PostgreSQL server from " + home + "...");
                out.flush();
                return PostgresCluster.builder().fromLocalInstall(home).replicas(0).start();
            }
            default -> throw new BackupException("No scratch server for engine '" + m.engine() + "' here; restore into an empty"
                    + " database with --target JDBC_URL --target-user USER --target-password-env VARIABLE");
        }
    }

    /** The install a dump tool belongs to ({@code .../15/bin/pg_dump} is in {@code .../15}), if it has a server. */
    private static Optional<Path> installOf(Path tool) {
        Path home = tool.toAbsolutePath().getParent() == null ? null : tool.toAbsolutePath().getParent().getParent();
        return home != null && Files.isExecutable(home.resolve("bin/postgres")) && Files.isExecutable(home.resolve("bin/initdb"))
                ? Optional.of(home) : Optional.empty();
    }
}
