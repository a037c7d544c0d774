package dev.replicaware.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code replicaware} executable jar: {@code demo} (the default) starts a real cluster and fails it over under load;
 * {@code status --config cluster.yml} probes a user's cluster read-only and says whether it has one primary;
 * {@code backup --config cluster.yml --out DIR} backs it up from a replica, and {@code restore --verify DIR} proves a backup restores.
 */
@Command(name = "replicaware", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Replicaware: a DataSource that splits reads from writes across a replicated database.",
        subcommands = {DemoCommand.class, StatusCommand.class, BackupCommand.class, RestoreCommand.class})
public final class Main implements Runnable {
    /** Where the library's own log goes, so that it never scrolls through the live table. */
    static final String LOG_FILE_PROPERTY = "org.slf4j.simpleLogger.logFile";

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    private Main() {}

    public static void main(String[] args) {
        routeLibraryLog();
        System.exit(run(System.out, System.err, args));
    }

    /** Runs one command line, printing to {@code out} and {@code err}; returns the exit code. */
    static int run(PrintStream out, PrintStream err, String... args) {
        CommandLine cli = new CommandLine(new Main())
                .setOut(new PrintWriter(out, true, StandardCharsets.UTF_8))
                .setErr(new PrintWriter(err, true, StandardCharsets.UTF_8))
                .setCaseInsensitiveEnumValuesAllowed(true)
                .registerConverter(java.time.Duration.class, Durations::parse);
        return cli.execute(withDefaultCommand(args));
    }

    /** No command, or only options ({@code --engine mariadb}): the demo, which is what the README's first command runs. */
    private static String[] withDefaultCommand(String[] args) {
        if (args.length > 0 && (!args[0].startsWith("-") || List.of("-h", "--help", "-V", "--version").contains(args[0]))) {
            return args;
        }
        String[] demo = new String[args.length + 1];
        demo[0] = "demo";
        System.arraycopy(args, 0, demo, 1, args.length);
        return demo;
    }

    /** No subcommand but options (e.g. {@code --engine mariadb}) is not a demo: say what there is. */
    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing command: demo, status, backup or restore");
    }

    /**
     * Unless the user chose otherwise, the library logs (WARN and up, see simplelogger.properties) to a file: the demo
     * and {@code status --watch} redraw a table in place, which log lines on the same terminal would tear.
     */
    static void routeLibraryLog() {
        if (System.getProperty(LOG_FILE_PROPERTY) == null) {
            System.setProperty(LOG_FILE_PROPERTY, logFile().toString());
        }
    }

    private static Path logFile() {
        return Path.of(System.getProperty("java.io.tmpdir"), "replicaware-cli.log");
    }

    /** Says where the library's warnings went, when they went to a file. */
    static void describeLog(Screen screen) {
        String file = System.getProperty(LOG_FILE_PROPERTY);
        if (file != null && !file.startsWith("System.")) {
            screen.line("  Replicaware's own log (warnings): " + file);
        }
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"replicaware " + (v == null ? "(development build)" : v)};
        }
    }
}
