package dev.replicaware.config;

import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Internal: masks passwords before a value reaches a message, log line or {@code toString()}.
 * Not API; it may change without notice.
 */
public final class Secrets {
    /** What a masked secret reads as. */
    public static final String MASK = "****";

    /** URL parameters whose value is a secret: {@code password=}, {@code sslpassword=}, {@code sslkeyPassword=}, {@code pwd=}... */
    private static final Pattern URL_PARAMETER = Pattern.compile(
            "(?i)([A-Za-z0-9_.-]*(?:password|passwd|pwd|secret|token)[A-Za-z0-9_.-]*\\s*=\\s*)([^&;,)\\s]*)");
    /** User information in an authority: {@code //user:secret@host}. */
    private static final Pattern USER_INFO = Pattern.compile("(//[^/@:?&;]*:)([^@/?&;]*)(@)");

    /**
     * What {@code ${file:...}} placeholders read, in this process: a file is where secrets are kept, so its content is
     * masked wherever it appears, whichever key it was used in (a URL, a user name, a duration that failed to parse).
     */
    private static final Set<String> READ_FROM_FILES = ConcurrentHashMap.newKeySet();
    /** Shorter contents are masked only where quoted as a whole value ('x'): masking every "x" would garble messages. */
    private static final int MIN_FREE_STANDING = 3;

    private Secrets() {}

    /** Notes the content a {@code ${file:...}} placeholder read, so that {@link #scrub} masks it from now on. */
    static void readFromFile(String content) {
        if (content != null && !content.isEmpty()) {
            READ_FROM_FILES.add(content);
        }
    }

    /** {@code text} with the content of every file a placeholder read replaced by {@value #MASK}. */
    public static String scrub(String text) {
        if (text == null || text.isEmpty() || READ_FROM_FILES.isEmpty()) {
            return text;
        }
        String out = text;
        for (String secret : READ_FROM_FILES) {
            out = secret.length() >= MIN_FREE_STANDING ? out.replace(secret, MASK) : out.replace("'" + secret + "'", "'" + MASK + "'");
        }
        return out;
    }

    /** The URL with every password-bearing parameter and user-info password replaced by {@value #MASK}. */
    public static String maskUrl(String url) {
        if (url == null || url.isEmpty()) {
            return url;
        }
        String masked = URL_PARAMETER.matcher(url).replaceAll("$1" + Matcher.quoteReplacement(MASK));
        return scrub(USER_INFO.matcher(masked).replaceAll("$1" + Matcher.quoteReplacement(MASK) + "$3"));
    }

    /** True when a setting of this name holds a secret ({@code password}, {@code dataSource.sslpassword}...). */
    public static boolean isSecretKey(String key) {
        if (key == null) {
            return false;
        }
        String k = key.toLowerCase(Locale.ROOT);
        return k.contains("password") || k.contains("passwd") || k.endsWith("pwd") || k.contains("secret") || k.contains("token");
    }

    /** The value as it may be shown: masked when the key holds a secret, URL-masked otherwise. */
    public static String maskValue(String key, String value) {
        if (value == null) {
            return null;
        }
        return isSecretKey(key) ? MASK : maskUrl(value);
    }

    /** {@value #MASK} for a set password, {@code null} for none: what a {@code toString()} shows. */
    static String maskPassword(String password) {
        return password == null ? null : MASK;
    }
}
