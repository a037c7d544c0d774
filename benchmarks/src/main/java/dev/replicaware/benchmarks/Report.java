package dev.replicaware.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.internal.chartpart.IChart;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Where a benchmark's figures go: {@code benchmarks/results/<name>.json} (the figures and the machine they came from)
 * and {@code benchmarks/results/<name>.png} (a chart). The directory is {@code -Dresults=DIR} or
 * {@code benchmarks/results} under the working directory.
 */
final class Report {
    private static final JsonMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    private Report() {
    }

    static Path dir() {
        Path dir = Path.of(System.getProperty("results", "benchmarks/results"));
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return dir;
    }

    /** The machine, JDK and date, and how busy the machine was (the load average counts other users' work too). */
    static Map<String, Object> machine() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("date", OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.SECONDS).toString());
        m.put("cpus", Runtime.getRuntime().availableProcessors());
        m.put("memoryGiB", Math.round(((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getTotalMemorySize() / (1024.0 * 1024 * 1024) * 10) / 10.0);
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
        m.put("jdk", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        m.put("loadAverageAtEnd", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        return m;
    }

    /** Writes {@code figures} with the machine under {@code machine} to {@code <name>.json}; returns the path. */
    static Path writeJson(String name, Map<String, Object> figures) {
        Map<String, Object> all = new LinkedHashMap<>();
        all.put("benchmark", name);
        all.put("machine", machine());
        all.putAll(figures);
        Path file = dir().resolve(name + ".json");
        JSON.writeValue(file.toFile(), all);
        System.out.println("wrote " + file);
        return file;
    }

    /** Renders the charts side by side (four: two by two) into {@code <name>.png}; returns the path. */
    static Path writePng(String name, List<? extends IChart> charts) {
        System.setProperty("java.awt.headless", "true");
        Path file = dir().resolve(name + ".png");
        try {
            if (charts.size() == 1) {
                BitmapEncoder.saveBitmap(charts.get(0), file.toString(), BitmapEncoder.BitmapFormat.PNG);
            } else {
                int columns = charts.size() == 4 ? 2 : charts.size(); // four charts read better as a square
                BitmapEncoder.saveBitmap(charts, (charts.size() + columns - 1) / columns, columns, file.toString(),
                        BitmapEncoder.BitmapFormat.PNG);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        System.out.println("wrote " + file);
        return file;
    }

    static double round(double v, int decimals) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return v;
        }
        double f = Math.pow(10, decimals);
        return Math.round(v * f) / f;
    }
}
