package dev.replicaware.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.UnaryOperator;

/**
 * Resolves {@code ${NAME}}, {@code ${NAME:default}} and {@code ${file:/run/secrets/db_password}} inside a value:
 * a Java system property of that name, else an environment variable, else the default; a file's content without its
 * trailing line break. {@code $${} is a literal {@code ${}. A value may hold several placeholders
 * ({@code jdbc:postgresql://${DB_HOST}:${DB_PORT:5432}/orders}).
 */
final class Placeholders {
    private static final String FILE = "file:";

    /** Looks a name up as a system property, then as an environment variable. */
    static final UnaryOperator<String> SYSTEM = name -> {
        String value = System.getProperty(name);
        return value != null ? value : System.getenv(name);
    };

    /** Why a value could not be resolved; the message never holds a resolved value. */
    static final class Unresolved extends Exception {
        private static final long serialVersionUID = 1L;

        Unresolved(String message) {
            super(message, null, false, false);
        }
    }

    private final UnaryOperator<String> lookup;

    Placeholders(UnaryOperator<String> lookup) {
        this.lookup = lookup;
    }

    /** True when {@code text} holds a placeholder. */
    static boolean holdsPlaceholder(String text) {
        return text != null && text.contains("${");
    }

    /** {@code text} with every placeholder replaced. */
    String resolve(String text) throws Unresolved {
        if (!holdsPlaceholder(text)) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length());
        int i = 0;
        while (i < text.length()) {
            int start = text.indexOf("${", i);
            if (start < 0) {
                out.append(text, i, text.length());
                break;
            }
            if (start > 0 && text.charAt(start - 1) == '$') {
                out.append(text, i, start - 1).append("${");
                i = start + 2;
                continue;
            }
            int end = text.indexOf('}', start);
            if (end < 0) {
                throw new Unresolved("has a '${' without its closing '}'; write '$${' for a literal '${'");
            }
            out.append(text, i, start).append(value(text.substring(start + 2, end)));
            i = end + 1;
        }
        return out.toString();
    }

    private String value(String expression) throws Unresolved {
        if (expression.startsWith(FILE)) {
            String file = expression.substring(FILE.length()).strip();
            try {
                String content = Files.readString(Path.of(file), StandardCharsets.UTF_8);
                content = content.endsWith("\r\n") ? content.substring(0, content.length() - 2)
                        : content.endsWith("\n") ? content.substring(0, content.length() - 1) : content;
                Secrets.readFromFile(content); // a secret whatever key it is used in
                return content;
            } catch (IOException | RuntimeException e) {
                throw new Unresolved("the file " + file + " named by ${" + FILE + file + "} cannot be read ("
                        + e.getClass().getSimpleName() + ")");
            }
        }
        int colon = expression.indexOf(':');
        String name = (colon < 0 ? expression : expression.substring(0, colon)).strip();
        if (name.isEmpty()) {
            throw new Unresolved("has a placeholder without a name; write ${NAME} or ${NAME:default}");
        }
        String value = lookup.apply(name);
        if (value != null) {
            return value;
        }
        if (colon >= 0) {
            return expression.substring(colon + 1);
        }
        throw new Unresolved("the placeholder ${" + name + "} is not set: set the environment variable or system property "
                + name + ", or give a default with ${" + name + ":default}");
    }
}
