package dev.replicaware.config;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How durations and sizes are written in configuration: {@code 500ms}, {@code 2s}, {@code 1m}, {@code 1h}, {@code 1d}
 * (or ISO-8601, {@code PT2S}); {@code 512B}, {@code 64kB}, {@code 16MB}, {@code 1GB}, counted in 1024s as PostgreSQL
 * counts them. Each parser returns the value or throws an {@link IllegalArgumentException} whose message completes
 * "{@code <path>: }" and echoes the bad value.
 */
public final class ConfigValues {
    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");
    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(b|kb|mb|gb|tb)?", Pattern.CASE_INSENSITIVE);

    private ConfigValues() {}

    /** {@code 500ms}, {@code 2s}, {@code 1m}, {@code 1h}, {@code 1d}, or ISO-8601 ({@code PT0.5S}). */
    public static Duration duration(String text) {
        String t = text == null ? "" : text.strip();
        Matcher m = DURATION.matcher(t);
        if (m.matches()) {
            long n;
            try {
                n = Long.parseLong(m.group(1));
            } catch (NumberFormatException e) {
                throw badDuration(text);
            }
            return switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
        }
        if (t.length() > 1 && (t.charAt(0) == 'P' || t.charAt(0) == 'p')) {
            try {
                return Duration.parse(t);
            } catch (DateTimeParseException e) {
                throw badDuration(text);
            }
        }
        if (t.matches("\\d+")) {
            throw new IllegalArgumentException("must be a duration with a unit, like " + t + "ms or " + t + "s, but was '" + t + "'");
        }
        throw badDuration(text);
    }

    private static IllegalArgumentException badDuration(String text) {
        return new IllegalArgumentException("must be a duration like 500ms, 2s, 1m or 1h, but was '" + text + "'");
    }

    /**
     * A number of bytes: a whole number, or one with a unit {@code B}, {@code kB}, {@code MB}, {@code GB}, {@code TB}
     * (case-insensitive, 1024-based: {@code 1MB} is 1048576).
     */
    public static long size(String text) {
        String t = text == null ? "" : text.strip();
        Matcher m = SIZE.matcher(t);
        if (!m.matches()) {
            throw new IllegalArgumentException("must be a size like 16MB, 512kB or 1048576 (bytes), but was '" + text + "'");
        }
        String unit = m.group(2) == null ? "b" : m.group(2).toLowerCase(Locale.ROOT);
        int shift = switch (unit) {
            case "kb" -> 10;
            case "mb" -> 20;
            case "gb" -> 30;
            case "tb" -> 40;
            default -> 0;
        };
        try {
            long n = Long.parseLong(m.group(1));
            if (n > (Long.MAX_VALUE >> shift)) {
                throw new NumberFormatException();
            }
            return n << shift;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("is too large a size: '" + text + "'");
        }
    }

    /** True when {@code text} is a size with a unit ({@code 1MB}), not a plain number. */
    public static boolean hasSizeUnit(String text) {
        Matcher m = SIZE.matcher(text == null ? "" : text.strip());
        return m.matches() && m.group(2) != null;
    }

    /** How a duration reads in configuration: {@code 500ms}, {@code 5s}, {@code 2m}. */
    public static String format(Duration d) {
        if (d == null) {
            return ConfigKeys.NONE;
        }
        long ms = d.toMillis();
        if (ms % 3_600_000 == 0 && ms != 0) {
            return ms / 3_600_000 + "h";
        }
        if (ms % 60_000 == 0 && ms != 0) {
            return ms / 60_000 + "m";
        }
        if (ms % 1000 == 0) {
            return ms / 1000 + "s";
        }
        return ms + "ms";
    }
}
