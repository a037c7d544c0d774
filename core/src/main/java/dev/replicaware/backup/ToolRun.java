package dev.replicaware.backup;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * One run of a database tool (dump, restore, {@code --version}): its output, standard error included, is read line by
 * line and handed to a listener; the last lines are kept for the message of a failure. {@link #destroy()} ends the
 * tool and every process it started (pg_dump's parallel workers).
 */
final class ToolRun {
    private static final int TAIL = 15;
    private final Process process;
    private final Deque<String> tail = new ArrayDeque<>();

    private ToolRun(Process process) {
        this.process = process;
    }

    static ToolRun start(List<String> command, Map<String, String> environment, Path stdin) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().putAll(environment);
        pb.environment().put("LC_ALL", "C");
        if (stdin != null) {
            pb.redirectInput(stdin.toFile());
        } else {
            pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        }
        return new ToolRun(pb.start());
    }

    /** Reads the output to its end, each line to {@code lines}; then waits for the exit code. */
    int await(Consumer<String> lines) throws InterruptedException {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                synchronized (tail) {
                    tail.addLast(line);
                    if (tail.size() > TAIL) {
                        tail.removeFirst();
                    }
                }
                lines.accept(line);
            }
        } catch (IOException e) {
            // the process died and its pipe with it: the exit code tells
        }
        return process.waitFor();
    }

    /** The last lines of output, for a failure's message. */
    String tail() {
        synchronized (tail) {
            return String.join("\n", tail);
        }
    }

    long pid() {
        return process.pid();
    }

    /** Ends the tool and its children. */
    void destroy() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }

    /** {@code tool --version}'s output, first line. */
    static String version(Path tool) throws IOException, InterruptedException {
        ToolRun run = start(List.of(tool.toString(), "--version"), Map.of(), null);
        StringBuilder out = new StringBuilder();
        int code = run.await(l -> {
            if (out.length() == 0) {
                out.append(l.strip());
            }
        });
        if (code != 0) {
            throw new IOException(tool + " --version exited with " + code + ": " + run.tail());
        }
        return out.toString();
    }

    /**
     * The major version a tool's {@code --version} names: {@code pg_dump (PostgreSQL) 15.18} is 15;
     * {@code mariadb-dump from 11.4.5-MariaDB, client 10.19} and {@code mysqldump Ver 10.19 Distrib 10.11.6-MariaDB} are the
     * server versions they come from (11, 10); {@code mysqldump Ver 8.4.0} is 8. -1 when none is found.
     */
    static int toolMajor(String version) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?:Distrib|from) (\\d+)\\.").matcher(version);
        if (m.find()) {
            return Integer.parseInt(m.group(1));
        }
        m = java.util.regex.Pattern.compile("(\\d+)\\.\\d+").matcher(version);
        return m.find() ? Integer.parseInt(m.group(1)) : -1;
    }

    /** The major version of a server's version string: {@code 18.1}, {@code 11.4.5-MariaDB-log}, {@code 8.4.0}. */
    static int serverMajor(String version) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("^(\\d+)").matcher(version.strip());
        return m.find() ? Integer.parseInt(m.group(1)) : -1;
    }
}
