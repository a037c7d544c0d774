package dev.replicaware.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One operating-system process of a database server, with the signals the fault injection needs.
 *
 * <p>Processes are started from one long-lived daemon thread: {@code setpriv --pdeathsig} ties a child to the thread
 * that forked it, so forking from a short-lived thread would kill the server when that thread ends. A shutdown hook
 * kills whatever is still running when the JVM exits.
 */
final class ServerProcess {
    private static final ExecutorService LAUNCHER = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "replicaware-testkit-launcher");
        t.setDaemon(true);
        return t;
    });
    private static final Set<ServerProcess> RUNNING = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            for (ServerProcess p : RUNNING) {
                p.kill();
            }
        }, "replicaware-testkit-reaper"));
    }

    private final String name;
    private final Path log;
    private final Process process;

    private ServerProcess(String name, Path log, Process process) {
        this.name = name;
        this.log = log;
        this.process = process;
    }

    /** Starts {@code command} with its output appended to {@code log}. */
    static ServerProcess start(String name, List<String> command, Map<String, String> env, Path workDir, Path log) {
        ProcessBuilder pb = new ProcessBuilder(command)
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().putAll(env);
        ServerProcess sp = new ServerProcess(name, log, launch(pb, name));
        RUNNING.add(sp);
        sp.process.onExit().thenRun(() -> RUNNING.remove(sp));
        return sp;
    }

    /**
     * Runs a short command to completion, feeding it {@code stdin} (a file, or null for none); fails with its output
     * when it fails or outlives {@code timeout}.
     */
    static String run(String what, List<String> command, Map<String, String> env, Path workDir, Path stdin, Duration timeout) {
        Path out;
        try {
            out = Files.createTempFile("replicaware-exec", ".log");
        } catch (IOException e) {
            throw new TestkitException("Could not create a temp file for " + what, e);
        }
        try {
            ProcessBuilder pb = new ProcessBuilder(command)
                    .directory(workDir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(out.toFile());
            if (stdin != null) {
                pb.redirectInput(stdin.toFile());
            }
            pb.environment().putAll(env);
            Process p = launch(pb, what);
            boolean done;
            try {
                done = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
                throw new TestkitException(what + " was interrupted");
            }
            String output = Files.readString(out, StandardCharsets.UTF_8);
            if (!done) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                throw new TestkitException(what + " did not finish within " + timeout + "; its output:\n" + tail(output, 40));
            }
            if (p.exitValue() != 0) {
                throw new TestkitException(what + " failed with exit code " + p.exitValue() + "; its output:\n" + tail(output, 40));
            }
            return output;
        } catch (IOException e) {
            throw new TestkitException("Could not read the output of " + what, e);
        } finally {
            try {
                Files.deleteIfExists(out);
            } catch (IOException ignored) {
                // a temp file left behind is harmless
            }
        }
    }

    private static Process launch(ProcessBuilder pb, String what) {
        try {
            return LAUNCHER.submit(pb::start).get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw new TestkitException("Could not run " + what + " (" + pb.command().get(0) + "): " + cause.getMessage(), cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TestkitException("Interrupted while starting " + what, e);
        } catch (TimeoutException e) {
            throw new TestkitException("Starting " + what + " took more than 30 s", e);
        }
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** This process and every process it forked (PostgreSQL backends, for instance). */
    List<ProcessHandle> tree() {
        List<ProcessHandle> all = new ArrayList<>();
        all.add(process.toHandle());
        process.descendants().forEach(all::add);
        return all;
    }

    /** SIGKILL to the whole tree at once, like a machine that lost power. Returns when the server process is gone. */
    void kill() {
        List<ProcessHandle> tree = tree();
        Collections.reverse(tree);
        signal(tree, "KILL");
        tree.forEach(ProcessHandle::destroyForcibly);
        awaitExit(Duration.ofSeconds(10));
    }

    /**
     * SIGSTOP to the whole tree: a hung server whose sockets stay open. Returns once every thread of every process is
     * stopped: a signal is only queued when kill returns, and a server thread could still answer a query meanwhile.
     */
    void pause() {
        List<ProcessHandle> tree = tree();
        signal(tree, "STOP");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        for (ProcessHandle h : tree) {
            while (h.isAlive() && !stopped(h.pid())) {
                if (System.nanoTime() > deadline) {
                    throw new TestkitException(name + " (pid " + h.pid() + ") did not stop within 5 s of SIGSTOP");
                }
                Thread.onSpinWait();
            }
        }
    }

    /** Every thread of the process is stopped ({@code T}) or gone; true where /proc cannot tell. */
    private static boolean stopped(long pid) {
        Path tasks = Path.of("/proc", Long.toString(pid), "task");
        if (!Files.isDirectory(tasks)) {
            return true;
        }
        try (java.util.stream.Stream<Path> threads = Files.list(tasks)) {
            for (Path t : (Iterable<Path>) threads::iterator) {
                String stat;
                try {
                    stat = Files.readString(t.resolve("stat"));
                } catch (IOException gone) {
                    continue; // the thread exited meanwhile
                }
                // pid (comm) state ...: the state follows the last ')' since comm may hold spaces or parentheses
                char state = stat.charAt(stat.lastIndexOf(')') + 2);
                if (state != 'T' && state != 't') {
                    return false;
                }
            }
            return true;
        } catch (IOException e) {
            return !Files.isDirectory(tasks);
        }
    }

    /** SIGCONT to the whole tree. */
    void resume() {
        signal(tree(), "CONT");
    }

    /** Sends {@code signal} to the server and waits for it to exit; SIGKILL after {@code timeout}. */
    void stop(String signal, Duration timeout) {
        if (!process.isAlive()) {
            return;
        }
        resume(); // a paused server cannot shut down
        signal(List.of(process.toHandle()), signal);
        if (!awaitExit(timeout)) {
            kill();
        }
    }

    boolean awaitExit(Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !process.isAlive();
        }
    }

    /** The last {@code lines} lines of the server's log, for error messages. */
    String logTail(int lines) {
        return logTail(log, lines);
    }

    static String logTail(Path log, int lines) {
        try {
            return Files.exists(log) ? tail(Files.readString(log, StandardCharsets.UTF_8), lines) : "(no log at " + log + ")";
        } catch (IOException e) {
            return "(could not read " + log + ": " + e.getMessage() + ")";
        }
    }

    private static String tail(String text, int lines) {
        String[] all = text.split("\n");
        int from = Math.max(0, all.length - lines);
        return String.join("\n", java.util.Arrays.asList(all).subList(from, all.length));
    }

    private void signal(List<ProcessHandle> targets, String signal) {
        List<String> cmd = new ArrayList<>(List.of("kill", "-s", signal));
        for (ProcessHandle h : targets) {
            if (h.isAlive()) {
                cmd.add(Long.toString(h.pid()));
            }
        }
        if (cmd.size() == 3) {
            return;
        }
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new TestkitException("kill -s " + signal + " to " + name + " did not return within 10 s");
            }
            // A non-zero exit only means a process of the tree exited meanwhile.
        } catch (IOException e) {
            throw new TestkitException("Could not send SIG" + signal + " to " + name + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TestkitException("Interrupted while sending SIG" + signal + " to " + name, e);
        }
    }

    @Override
    public String toString() {
        return name + "(pid " + process.pid() + ")";
    }
}
