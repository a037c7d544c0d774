package dev.replicaware.metrics;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The series selectors and grouping labels of a PromQL expression: a tokenizer and the part of PromQL's grammar that
 * names series ({@code name{label op "value", ...}}, {@code {__name__="..."}}), labels ({@code by}, {@code without},
 * {@code on}, {@code ignoring}, {@code group_left}, {@code group_right}) and functions, so that the shipped dashboard
 * and alert rules can be checked against a real scrape. Refuses what it does not understand, naming the position.
 */
final class PromQlSelectors {

    /** One label matcher; Prometheus anchors regular expressions and treats a missing label as the empty string. */
    record Matcher(String label, String op, String value) {
        boolean matches(String actual) {
            String v = actual == null ? "" : actual;
            return switch (op) {
                case "=" -> v.equals(value);
                case "!=" -> !v.equals(value);
                case "=~" -> Pattern.matches(value, v);
                case "!~" -> !Pattern.matches(value, v);
                default -> throw new IllegalStateException(op);
            };
        }

        /** A series qualifies: the matcher holds and, for a positive one, the label is there at all. */
        boolean matches(Map<String, String> labels) {
            boolean positive = op.equals("=") || op.equals("=~");
            return matches(labels.get(label)) && (!positive || labels.containsKey(label) || value.isEmpty());
        }
    }

    record Selector(String metric, List<Matcher> matchers) { }

    /**
     * Labels an expression groups on, with the selectors they apply to: an aggregation's {@code by} applies to the
     * selectors of its argument; {@code on} to those of the enclosing parentheses (or the whole expression), both
     * sides of its operator. With {@code everySelector} false (the labels {@code group_left} copies), one side is enough.
     */
    record Grouping(Set<String> labels, List<Selector> selectors, boolean everySelector) { }

    record Parsed(List<Selector> selectors, List<Grouping> groupings) {
        Set<String> groupingLabels() {
            Set<String> all = new LinkedHashSet<>();
            groupings.forEach(g -> all.addAll(g.labels));
            return all;
        }
    }

    private static final Set<String> AGGREGATIONS = Set.of("sum", "min", "max", "avg", "group", "stddev", "stdvar", "count",
            "count_values", "bottomk", "topk", "quantile", "limitk", "limit_ratio");
    private static final Set<String> FUNCTIONS = Set.of("abs", "absent", "absent_over_time", "ceil", "changes", "clamp",
            "clamp_max", "clamp_min", "day_of_month", "day_of_week", "day_of_year", "days_in_month", "delta", "deriv", "exp",
            "floor", "histogram_quantile", "holt_winters", "hour", "idelta", "increase", "irate", "label_join",
            "label_replace", "ln", "log2", "log10", "minute", "month", "predict_linear", "rate", "resets", "round",
            "scalar", "sgn", "sort", "sort_desc", "sqrt", "time", "timestamp", "vector", "year", "avg_over_time",
            "min_over_time", "max_over_time", "sum_over_time", "count_over_time", "quantile_over_time",
            "stddev_over_time", "stdvar_over_time", "last_over_time", "present_over_time", "acos", "asin", "atan",
            "cos", "sin", "tan", "deg", "rad", "pi");
    private static final Set<String> GROUPING = Set.of("by", "without", "on", "ignoring", "group_left", "group_right");
    private static final Set<String> BINARY_WORDS = Set.of("and", "or", "unless", "bool", "atan2");
    private static final Set<String> MATCH_OPS = Set.of("=", "!=", "=~", "!~");

    private enum Kind { IDENT, NUMBER, STRING, PUNCT, END }

    private record Token(Kind kind, String text, int at) { }

    /** A pair of parentheses (or the whole expression): the selectors inside, and the labels grouped on there. */
    private static final class Scope {
        final List<Selector> selectors = new ArrayList<>();
        final boolean aggregationArgument;
        final Set<String> by = new LinkedHashSet<>();
        final Set<String> on = new LinkedHashSet<>();
        final Set<String> copied = new LinkedHashSet<>();

        Scope(boolean aggregationArgument) {
            this.aggregationArgument = aggregationArgument;
        }
    }

    private final String expr;
    private final List<Token> tokens;
    private int i;

    private PromQlSelectors(String expr) {
        this.expr = expr;
        this.tokens = tokenize(expr);
    }

    static Parsed parse(String expr) {
        return new PromQlSelectors(expr).parse();
    }

    private Parsed parse() {
        List<Selector> selectors = new ArrayList<>();
        List<Grouping> groupings = new ArrayList<>();
        java.util.Deque<Scope> scopes = new java.util.ArrayDeque<>();
        scopes.push(new Scope(false));
        boolean aggregationPending = false; // seen sum/max/..., its argument's '(' not yet
        Set<String> byBefore = null;         // sum by (x) (...): the labels wait for the argument
        Scope lastClosed = null;             // sum (...) by (x): the labels go to the argument just closed
        while (peek().kind != Kind.END) {
            Token t = next();
            switch (t.kind) {
                case IDENT -> {
                    String word = t.text;
                    if (GROUPING.contains(word)) {
                        if (peek().text.equals("(")) {
                            List<String> labels = labelList();
                            switch (word) {
                                case "by" -> {
                                    if (aggregationPending) {
                                        byBefore = new LinkedHashSet<>(labels);
                                    } else if (lastClosed != null && lastClosed.aggregationArgument) {
                                        groupings.add(new Grouping(Set.copyOf(labels), List.copyOf(lastClosed.selectors), true));
                                    } else {
                                        throw error(t, "'by' after an aggregation's name or argument");
                                    }
                                }
                                case "on" -> scopes.peek().on.addAll(labels);
                                case "group_left", "group_right" -> scopes.peek().copied.addAll(labels);
                                default -> { } // without, ignoring: labels that need not exist
                            }
                        } else if (!word.startsWith("group_")) {
                            throw error(t, "'" + word + "' needs a label list in parentheses");
                        }
                    } else if (word.equals("offset")) {
                        expect(Kind.NUMBER, "a duration after offset");
                    } else if (BINARY_WORDS.contains(word) || word.equals("Inf") || word.equals("NaN")) {
                        // an operator or a number
                    } else if (AGGREGATIONS.contains(word) && (peek().text.equals("(") || GROUPING.contains(peek().text))) {
                        aggregationPending = true;
                    } else if (peek().text.equals("(")) {
                        if (!FUNCTIONS.contains(word)) {
                            throw error(t, "unknown function '" + word + "'");
                        }
                    } else {
                        List<Matcher> matchers = peek().text.equals("{") ? matchers() : List.of();
                        Selector selector = new Selector(word, matchers);
                        selectors.add(selector);
                        scopes.peek().selectors.add(selector);
                    }
                }
                case PUNCT -> {
                    switch (t.text) {
                        case "{" -> {
                            i--;
                            List<Matcher> matchers = matchers();
                            Matcher name = matchers.stream().filter(m -> m.label.equals("__name__") && m.op.equals("="))
                                    .findFirst().orElseThrow(() -> error(t, "a selector without a metric name"));
                            Selector selector = new Selector(name.value, matchers.stream().filter(m -> m != name).toList());
                            selectors.add(selector);
                            scopes.peek().selectors.add(selector);
                        }
                        case "(" -> {
                            Scope scope = new Scope(aggregationPending);
                            if (byBefore != null) {
                                scope.by.addAll(byBefore);
                            }
                            aggregationPending = false;
                            byBefore = null;
                            scopes.push(scope);
                        }
                        case ")" -> {
                            if (scopes.size() == 1) {
                                throw error(t, "')' without '('");
                            }
                            lastClosed = close(scopes.pop(), groupings);
                            scopes.peek().selectors.addAll(lastClosed.selectors);
                            continue;
                        }
                        case "[" -> range(t);
                        case "}", "]" -> throw error(t, "'" + t.text + "' without its opening bracket");
                        default -> { }
                    }
                }
                case NUMBER, STRING -> { }
                default -> throw error(t, "unexpected " + t.text);
            }
            lastClosed = null;
        }
        if (scopes.size() != 1) {
            throw new IllegalArgumentException("Unbalanced parentheses in PromQL expression: " + expr);
        }
        close(scopes.pop(), groupings);
        if (selectors.isEmpty()) {
            throw new IllegalArgumentException("No series selector in PromQL expression: " + expr);
        }
        return new Parsed(List.copyOf(selectors), List.copyOf(groupings));
    }

    private static Scope close(Scope scope, List<Grouping> groupings) {
        if (!scope.by.isEmpty()) {
            groupings.add(new Grouping(Set.copyOf(scope.by), List.copyOf(scope.selectors), true));
        }
        if (!scope.on.isEmpty()) {
            groupings.add(new Grouping(Set.copyOf(scope.on), List.copyOf(scope.selectors), true));
        }
        if (!scope.copied.isEmpty()) {
            groupings.add(new Grouping(Set.copyOf(scope.copied), List.copyOf(scope.selectors), false));
        }
        return scope;
    }

    /** {@code [5m]}, {@code [1h:30s]}: durations only. */
    private void range(Token open) {
        expect(Kind.NUMBER, "a duration in a range");
        if (peek().text.equals(":")) {
            next();
            if (peek().kind == Kind.NUMBER) {
                next();
            }
        }
        if (!next().text.equals("]")) {
            throw error(open, "a range is a duration in brackets, like [5m]");
        }
    }

    private List<String> labelList() {
        next(); // (
        List<String> labels = new ArrayList<>();
        while (!peek().text.equals(")")) {
            labels.add(expect(Kind.IDENT, "a label name").text);
            if (peek().text.equals(",")) {
                next();
            } else if (!peek().text.equals(")")) {
                throw error(peek(), "',' or ')' in a label list");
            }
        }
        next();
        return labels;
    }

    private List<Matcher> matchers() {
        next(); // {
        List<Matcher> matchers = new ArrayList<>();
        while (!peek().text.equals("}")) {
            String label = expect(Kind.IDENT, "a label name").text;
            Token op = next();
            if (op.kind != Kind.PUNCT || !MATCH_OPS.contains(op.text)) {
                throw error(op, "a label matcher operator (=, !=, =~, !~)");
            }
            String value = expect(Kind.STRING, "a quoted label value").text;
            if (op.text.endsWith("~")) {
                Pattern.compile(value); // a bad regex fails here, as it would in Prometheus
            }
            matchers.add(new Matcher(label, op.text, value));
            if (peek().text.equals(",")) {
                next();
            } else if (!peek().text.equals("}")) {
                throw error(peek(), "',' or '}' between label matchers");
            }
        }
        next();
        return matchers;
    }

    private Token peek() {
        return tokens.get(i);
    }

    private Token next() {
        Token t = tokens.get(i);
        if (t.kind != Kind.END) {
            i++;
        }
        return t;
    }

    private Token expect(Kind kind, String what) {
        Token t = next();
        if (t.kind != kind) {
            throw error(t, what);
        }
        return t;
    }

    private IllegalArgumentException error(Token t, String what) {
        return new IllegalArgumentException("PromQL expression at " + t.at + " ('" + t.text + "'): expected " + what + ", in: " + expr);
    }

    private static List<Token> tokenize(String s) {
        List<Token> out = new ArrayList<>();
        int p = 0;
        while (p < s.length()) {
            char c = s.charAt(p);
            if (Character.isWhitespace(c)) {
                p++;
            } else if (c == '#') {
                while (p < s.length() && s.charAt(p) != '\n') {
                    p++;
                }
            } else if (Character.isLetter(c) || c == '_') { // a name starting with ':' (recording rules) is not needed here
                int start = p;
                while (p < s.length() && (Character.isLetterOrDigit(s.charAt(p)) || s.charAt(p) == '_' || s.charAt(p) == ':')) {
                    p++;
                }
                out.add(new Token(Kind.IDENT, s.substring(start, p), start));
            } else if (Character.isDigit(c) || c == '.' && p + 1 < s.length() && Character.isDigit(s.charAt(p + 1))) {
                int start = p;
                while (p < s.length() && (Character.isLetterOrDigit(s.charAt(p)) || s.charAt(p) == '.')) {
                    p++;
                }
                out.add(new Token(Kind.NUMBER, s.substring(start, p), start));
            } else if (c == '"' || c == '\'' || c == '`') {
                int start = p++;
                StringBuilder value = new StringBuilder();
                while (true) {
                    if (p >= s.length()) {
                        throw new IllegalArgumentException("PromQL expression at " + start + ": unterminated string, in: " + s);
                    }
                    char d = s.charAt(p++);
                    if (d == c) {
                        break;
                    }
                    if (d == '\\' && c != '`' && p < s.length()) {
                        char e = s.charAt(p++);
                        value.append(switch (e) {
                            case 'n' -> '\n';
                            case 't' -> '\t';
                            default -> e;
                        });
                    } else {
                        value.append(d);
                    }
                }
                out.add(new Token(Kind.STRING, value.toString(), start));
            } else {
                String two = p + 1 < s.length() ? s.substring(p, p + 2) : "";
                String op = switch (two) {
                    case "==", "!=", "=~", "!~", "<=", ">=" -> two;
                    default -> String.valueOf(c);
                };
                if ("(){}[],=<>+-*/%^@:".indexOf(op.charAt(0)) < 0 && op.length() == 1) {
                    throw new IllegalArgumentException("PromQL expression at " + p + ": unexpected character '" + c + "', in: " + s);
                }
                out.add(new Token(Kind.PUNCT, op, p));
                p += op.length();
            }
        }
        out.add(new Token(Kind.END, "end of expression", s.length()));
        return out;
    }
}
