package dev.replicaware;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Watches one configuration file and runs a callback when its content changes, on one named daemon thread. It watches
 * the file's directory, since editors and Kubernetes replace files rather than write them in place, and compares
 * contents, so touching the file or changing a neighbour does nothing.
 */
final class ConfigFileWatcher implements AutoCloseable {
    /** Events that follow within this time are one change: editors write a file in several steps. */
    private static final long SETTLE_MILLIS = 100;

    private final Path file;
    private final WatchService service;
    private final Runnable onChange;
    private String content;

    private ConfigFileWatcher(Path file, WatchService service, Runnable onChange) {
        this.file = file;
        this.service = service;
        this.onChange = onChange;
        this.content = read(file);
    }

    static ConfigFileWatcher start(Path file, String threadName, Runnable onChange) {
        Path absolute = file.toAbsolutePath();
        Path directory = Objects.requireNonNull(absolute.getParent(), "directory of " + file);
        try {
            WatchService service = directory.getFileSystem().newWatchService();
            directory.register(service, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY,
                    StandardWatchEventKinds.ENTRY_DELETE);
            ConfigFileWatcher watcher = new ConfigFileWatcher(absolute, service, onChange);
            Thread thread = new Thread(watcher::run, threadName);
            thread.setDaemon(true);
            thread.start();
            return watcher;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot watch the configuration " + file + ": " + e.getMessage(), e);
        }
    }

    Path file() {
        return file;
    }

    private void run() {
        try {
            while (true) {
                WatchKey key = service.take();
                do {
                    key.pollEvents();
                    key.reset();
                    key = service.poll(SETTLE_MILLIS, TimeUnit.MILLISECONDS);
                } while (key != null);
                String now = read(file);
                if (now != null && !now.equals(content)) {
                    content = now;
                    onChange.run();
                }
            }
        } catch (ClosedWatchServiceException | InterruptedException e) {
            // closed: the DataSource is closing
        }
    }

    /** The file's content, or null while it is missing (between a delete and a create). */
    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return null;
        }
    }

    @Override
    public void close() {
        try {
            service.close();
        } catch (IOException e) {
            // closing anyway
        }
    }
}
