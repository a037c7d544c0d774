package dev.replicaware.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Who the database servers run as. PostgreSQL refuses to run as root, so when the JVM is root the servers run as an
 * unprivileged account (by default {@code nobody}) through util-linux {@code setpriv}, with their directories owned by it.
 * Every server also gets {@code --pdeathsig KILL} where setpriv exists, so a JVM that dies without running its shutdown
 * hooks (SIGKILL) takes its servers with it.
 */
final class OsUser {
    private static final String SETPRIV = findSetpriv();
    private static final boolean ROOT = currentUid() == 0;
    private static final int[] SERVER_IDS = ROOT ? lookupServerIds() : null;

    private OsUser() {}

    static boolean isRoot() {
        return ROOT;
    }

    /** The command prefix that runs a server process as the right user and ties its life to the JVM's. */
    static List<String> serverPrefix(boolean dropRoot) {
        List<String> prefix = new ArrayList<>();
        if (SETPRIV == null) {
            if (ROOT && dropRoot) {
                throw new TestkitException("The JVM runs as root and PostgreSQL refuses to run as root, but util-linux "
                        + "'setpriv' was not found on PATH to run it as an unprivileged user; install util-linux or run as a non-root user");
            }
            return prefix;
        }
        prefix.add(SETPRIV);
        prefix.add("--pdeathsig");
        prefix.add("KILL");
        if (ROOT && dropRoot) {
            prefix.add("--reuid=" + SERVER_IDS[0]);
            prefix.add("--regid=" + SERVER_IDS[1]);
            prefix.add("--clear-groups");
        }
        prefix.add("--");
        return prefix;
    }

    /** Gives a directory tree to the server user (only needed, and only done, when the JVM is root). */
    static void handOver(Path dir, boolean dropRoot) {
        if (!ROOT || !dropRoot) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) paths::iterator) {
                Files.setAttribute(p, "unix:uid", SERVER_IDS[0], java.nio.file.LinkOption.NOFOLLOW_LINKS);
                Files.setAttribute(p, "unix:gid", SERVER_IDS[1], java.nio.file.LinkOption.NOFOLLOW_LINKS);
            }
        } catch (IOException e) {
            throw new TestkitException("Could not hand " + dir + " to uid " + SERVER_IDS[0] + ": " + e.getMessage(), e);
        }
    }

    private static int currentUid() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    return Integer.parseInt(line.substring(4).trim().split("\\s+")[1]);
                }
            }
        } catch (IOException | RuntimeException e) {
            // Not Linux, or no /proc: fall back to the user name.
        }
        return "root".equals(System.getProperty("user.name")) ? 0 : 1000;
    }

    /** uid and gid of the account servers run as under root: {@code replicaware.testkit.user}, default {@code nobody}. */
    private static int[] lookupServerIds() {
        String user = System.getProperty("replicaware.testkit.user", "nobody");
        try {
            for (String line : Files.readAllLines(Path.of("/etc/passwd"))) {
                String[] f = line.split(":");
                if (f.length > 3 && f[0].equals(user)) {
                    return new int[] {Integer.parseInt(f[2]), Integer.parseInt(f[3])};
                }
            }
        } catch (IOException e) {
            throw new TestkitException("Could not read /etc/passwd to find user '" + user + "'", e);
        }
        throw new TestkitException("The JVM runs as root and servers must run as an unprivileged user, but user '" + user
                + "' does not exist; create it or name another with -Dreplicaware.testkit.user=NAME");
    }

    private static String findSetpriv() {
        String path = System.getenv("PATH");
        List<String> dirs = new ArrayList<>(List.of("/usr/bin", "/bin", "/usr/sbin", "/sbin"));
        if (path != null) {
            dirs.addAll(0, List.of(path.split(":")));
        }
        for (String d : dirs) {
            Path p = Path.of(d, "setpriv");
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        return null;
    }
}
