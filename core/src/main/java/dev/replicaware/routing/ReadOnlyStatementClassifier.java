package dev.replicaware.routing;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Tells whether one SQL string provably only reads, so that it may run on a replica outside a transaction. It answers
 * yes only for what it can read with certainty; anything else is "no", and the statement runs on the primary.
 *
 * <p>Yes for: {@code SELECT}, {@code WITH ... SELECT}, {@code VALUES}, a parenthesised {@code SELECT}, and the
 * {@code SHOW} forms that only describe the schema or settings every connection sets alike; one statement, with at
 * most a trailing semicolon. Every name followed by a parenthesis must be syntax of the flavor (a reserved word, or a
 * keyword in the one place the grammar gives it a parenthesis: {@code OVER (} after a call, {@code FETCH FIRST (})
 * or a built-in function of that flavor known to read only and to leave no session state. Words the flavor lets a user
 * name a function ({@code first}, {@code path}, {@code rows}, ...) are calls there, and a call to a function not on the
 * list runs on the primary.
 *
 * <p>PostgreSQL also calls functions without parentheses: {@code o.touch} is {@code touch(o)} when the row of
 * {@code o} has no column {@code touch}, and {@code (expr).name} likewise; and any operator may be user-defined. So a
 * qualified name is accepted where it names a relation (right after {@code FROM} in a query or after {@code JOIN}) or
 * with {@code .*}; elsewhere each name after a dot ({@code o.name}, {@code (o).name}, {@code s.t.c}: every one of them
 * may be a call) must be absent from the {@link AttributeFunctions} read from the primary: the functions and types
 * that notation could reach. Without that set (not read yet, or its last read failed), the statement runs on the
 * primary. An operator must be on the list of PostgreSQL's built-in operators.
 *
 * <p>No for: writes and DDL; {@code FOR UPDATE/SHARE/NO KEY UPDATE/KEY SHARE}, MariaDB's {@code LOCK IN SHARE MODE};
 * {@code SELECT ... INTO}; data-modifying CTEs; sequence functions; locks; session state (user variables, {@code :=});
 * every MySQL/MariaDB system variable ({@code @@name}: each node has its own configuration, and {@code @@port},
 * {@code @@hostname}, {@code @@server_id} name the node); functions that describe the node ({@code version()},
 * {@code inet_server_port()}, ...); catalog and statistics relations, which on a replica describe the replica
 * (PostgreSQL: {@code pg_catalog}, {@code information_schema}, any {@code pg_*} name such as {@code pg_locks} or
 * {@code pg_stat_activity}; MySQL/MariaDB: {@code information_schema}, {@code performance_schema}, {@code mysql.*},
 * {@code sys.*}); and anything not tokenised: more than one statement; executable or hint comments ({@code /*!},
 * MariaDB's {@code /*M!}, {@code /*+}), nested block comments, {@code --} not followed by a space, MySQL's {@code #};
 * in MySQL and MariaDB a backslash before a quote in a literal (where it ends depends on the server's sql_mode);
 * PostgreSQL dollar quotes and {@code E'...'} strings; non-ASCII outside literals. PostgreSQL literals are read with
 * standard_conforming_strings on, its default.
 *
 * <p>What it cannot see: the rest of the schema. A view, a column default, a built-in operator or function overloaded for a
 * user-defined type, or a cast to such a type may run user code; see docs/autocommit-reads.md.
 *
 * <p>The answers are cached per SQL string in a bounded map: applications repeat a small set of statements, so the
 * cost is a hash lookup; a map that fills up (SQL built with literals) is emptied and refilled. An answer that
 * depended on the set of attribute functions is cached with the set it was made with, and made again when the set
 * has changed since.
 */
final class ReadOnlyStatementClassifier {

    /** The SQL families whose lexical rules this classifier knows. */
    enum Flavor { POSTGRESQL, MYSQL }

    static final int DEFAULT_CACHE_SIZE = 2048;
    /** Longer statements are classified each time rather than held in the cache. */
    private static final int MAX_CACHED_LENGTH = 4096;

    private final Flavor flavor;
    private final boolean anyNode;
    private final int cacheSize;
    /** SQL to {@link Boolean}, or to a {@link OnFunctions} when the answer depended on the attribute functions. */
    private final ConcurrentHashMap<String, Object> cache;
    private final AttributeFunctions functions; // null: never known, every x.y to the primary

    /** An answer made with the set {@code basis}: valid while the set is that one. */
    private record OnFunctions(AttributeFunctions.Names basis, boolean replica) {
    }

    ReadOnlyStatementClassifier(Flavor flavor) {
        this(flavor, DEFAULT_CACHE_SIZE, null);
    }

    ReadOnlyStatementClassifier(Flavor flavor, int cacheSize) {
        this(flavor, cacheSize, null);
    }

    /** @param functions PostgreSQL: what attribute notation could call; null: unknown, every {@code x.y} refused */
    ReadOnlyStatementClassifier(Flavor flavor, int cacheSize, AttributeFunctions functions) {
        this(flavor, cacheSize, functions, false);
    }

    /**
     * @param anyNode the answer is not about where the statement may run but whether it only reads where it runs
     *                ({@link BeginDeferral}): PostgreSQL's functions that describe the node ({@code inet_server_port()},
     *                {@code pg_is_in_recovery()}, ...) are accepted too
     */
    ReadOnlyStatementClassifier(Flavor flavor, int cacheSize, AttributeFunctions functions, boolean anyNode) {
        this.anyNode = anyNode;
        this.flavor = flavor;
        this.cacheSize = cacheSize;
        this.cache = new ConcurrentHashMap<>(Math.min(cacheSize, 256));
        this.functions = functions;
    }

    /** The flavor for a dialect name ({@code postgresql}, {@code mysql}, {@code mariadb}); null for any other. */
    static Flavor flavorOf(String dialectName) {
        return switch (dialectName) {
            case "postgresql" -> Flavor.POSTGRESQL;
            case "mysql", "mariadb" -> Flavor.MYSQL;
            default -> null;
        };
    }

    /** True when {@code sql} provably only reads and leaves no state in the session. */
    boolean readsOnly(String sql) {
        if (sql == null) {
            return false;
        }
        Object cached = cache.get(sql);
        if (cached instanceof Boolean verdict) {
            return verdict;
        }
        AttributeFunctions.Names names = names();
        if (cached != null && ((OnFunctions) cached).basis == names) {
            return ((OnFunctions) cached).replica;
        }
        int verdict = verdict(sql, names);
        boolean replica = (verdict & YES) != 0;
        if (sql.length() <= MAX_CACHED_LENGTH) {
            if (cache.size() >= cacheSize) {
                cache.clear();
            }
            cache.put(sql, (verdict & ON_FUNCTIONS) != 0 ? new OnFunctions(names, replica) : Boolean.valueOf(replica));
        }
        return replica;
    }

    private AttributeFunctions.Names names() {
        return functions == null ? AttributeFunctions.Names.UNKNOWN : functions.current();
    }

    int cachedCount() {
        return cache.size();
    }

    // ---- classification ----------------------------------------------------------------------------------------

    private static final int WORD = 1;      // identifier or keyword, lower-cased
    private static final int QUOTED = 2;    // quoted identifier, its text as written
    private static final int LITERAL = 3;   // string or number; a MySQL "..." string keeps its text (ANSI_QUOTES)
    private static final int PUNCT = 4;     // one character, or :: or a parameter (?)
    private static final int OPERATOR = 5;  // PostgreSQL: a run of operator characters, as its lexer cuts it

    private record Token(int kind, String text) {
        boolean is(String word) {
            return kind == WORD && text.equals(word);
        }

        boolean isPunct(String p) {
            return kind == PUNCT && text.equals(p);
        }

        boolean isName() {
            return kind == WORD || kind == QUOTED;
        }
    }

    private static final Token PARAMETER = new Token(PUNCT, "?");
    private static final Token NUMBER = new Token(LITERAL, "0");
    private static final Token STRING = new Token(LITERAL, "'");

    /** Thrown inside the tokenizer for anything it cannot read with certainty. */
    private static final class Unreadable extends Exception {
        Unreadable() {
            super(null, null, false, false);
        }
    }

    private static final Unreadable UNREADABLE = new Unreadable();

    /** The answer with the set of attribute functions as it is now, uncached. */
    boolean classify(String sql) {
        return (verdict(sql, names()) & YES) != 0;
    }

    private static final int NO = 0;
    private static final int YES = 1;
    /** Or'ed in when the answer depended on the set of attribute functions. */
    private static final int ON_FUNCTIONS = 2;

    private int verdict(String sql, AttributeFunctions.Names names) {
        List<Token> tokens;
        try {
            tokens = tokenize(sql);
        } catch (Unreadable e) {
            return NO;
        }
        int n = tokens.size();
        if (n > 0 && tokens.get(n - 1).isPunct(";")) {
            n--;
        }
        if (n == 0) {
            return NO;
        }
        for (int i = 0; i < n; i++) {
            if (tokens.get(i).isPunct(";")) {
                return NO; // more than one statement
            }
        }
        int first = 0;
        while (first < n && tokens.get(first).isPunct("(")) {
            first++;
        }
        if (first == n) {
            return NO;
        }
        Token lead = tokens.get(first);
        if (first == 0 && lead.is("show")) {
            return harmlessShow(tokens, n) ? YES : NO;
        }
        if (!(lead.is("select") || lead.is("with") || lead.is("values"))) {
            return NO;
        }
        return bodyReadsOnly(tokens, n, names);
    }

    private int bodyReadsOnly(List<Token> tokens, int n, AttributeFunctions.Names names) {
        boolean postgres = flavor == Flavor.POSTGRESQL;
        int depth = 0;
        long queryDepths = 1; // bit d: the parenthesis at depth d holds a query (depth 0: the statement)
        int onFunctions = 0;
        for (int i = 0; i < n; i++) {
            Token t = tokens.get(i);
            Token next = i + 1 < n ? tokens.get(i + 1) : null;
            switch (t.kind) {
                case WORD -> {
                    if (REFUSED_WORDS.contains(t.text) || catalogName(t.text, next)) {
                        return NO;
                    }
                    if (t.text.equals("for") && next != null && next.kind == WORD && LOCKING_AFTER_FOR.contains(next.text)) {
                        return NO;
                    }
                    if ((t.text.equals("next") || t.text.equals("previous")) && next != null && next.is("value")) {
                        return NO; // MariaDB: NEXT VALUE FOR seq
                    }
                    if (next != null && next.isPunct("(")) {
                        if (i > 0 && tokens.get(i - 1).isPunct(".")) {
                            return NO; // a schema-qualified function: after the dot any word names one (s.values())
                        }
                        if (!notACall(tokens, i, n) && !(postgres ? POSTGRES_FUNCTIONS : MYSQL_FUNCTIONS).contains(t.text)
                                && !(postgres && anyNode && POSTGRES_NODE_FUNCTIONS.contains(t.text))) {
                            return NO; // a function not known to read only
                        }
                    }
                }
                case QUOTED -> {
                    if (next != null && next.isPunct("(") || catalogName(t.text, next)) {
                        return NO; // a quoted function name, or a catalog
                    }
                }
                case LITERAL -> {
                    if (next != null && next.isPunct("(")) {
                        return NO; // a quoted function name (MySQL reads "name" as a string)
                    }
                    if (t != STRING && t != NUMBER && catalogName(t.text, next)) {
                        return NO; // "information_schema".x under ANSI_QUOTES
                    }
                }
                case OPERATOR -> {
                    if (!POSTGRES_OPERATORS.contains(t.text)) {
                        return NO; // a user-defined operator may run any function
                    }
                }
                default -> {
                    if (t.isPunct("(")) {
                        if (++depth >= 63) {
                            return NO;
                        }
                        boolean query = next != null && (next.is("select") || next.is("with") || next.is("values"));
                        queryDepths = query ? queryDepths | 1L << depth : queryDepths & ~(1L << depth);
                    } else if (t.isPunct(")")) {
                        if (--depth < 0) {
                            return NO;
                        }
                    } else if (postgres && t.isPunct(".") && !relationOrWholeRow(tokens, i, n, depth, queryDepths)) {
                        if (next == null || !next.isName()) {
                            return NO; // (o).*, or not read with certainty
                        }
                        onFunctions = ON_FUNCTIONS; // o.name or (expr).name: a column, or a call of name(o)
                        if (names.mayCall(next.text, next.kind == QUOTED)) {
                            return NO | ON_FUNCTIONS;
                        }
                    }
                }
            }
        }
        return YES | onFunctions;
    }

    /** A catalog or statistics relation's schema or name: on a replica it describes the replica. */
    private boolean catalogName(String name, Token next) {
        if (flavor == Flavor.POSTGRESQL) {
            return name.startsWith("pg_") || name.equals("information_schema");
        }
        String lower = name.toLowerCase(Locale.ROOT);
        return lower.equals("information_schema") || lower.equals("performance_schema")
                || (lower.equals("mysql") || lower.equals("sys")) && next != null && next.isPunct(".");
    }

    /**
     * PostgreSQL, at the {@code .} at index {@code dot}: true when it qualifies a relation ({@code FROM s.t},
     * {@code JOIN s.t}) or selects a whole row ({@code o.*}); false where {@code x.name} may be a call of
     * {@code name(x)}: PostgreSQL tries a column of {@code x} first, and without the schema that cannot be proven.
     */
    private static boolean relationOrWholeRow(List<Token> tokens, int dot, int n, int depth, long queryDepths) {
        if (dot == 0 || !tokens.get(dot - 1).isName()) {
            return false; // (expr).name, arr[1].name
        }
        Token after = dot + 1 < n ? tokens.get(dot + 1) : null;
        if (after != null && after.kind == OPERATOR && after.text.equals("*")) {
            return true;
        }
        int start = dot - 1;
        while (start >= 2 && tokens.get(start - 1).isPunct(".") && tokens.get(start - 2).isName()) {
            start -= 2;
        }
        Token before = start > 0 ? tokens.get(start - 1) : null;
        if (before == null) {
            return false;
        }
        if (before.is("join")) {
            return true;
        }
        return before.is("from") && (queryDepths & 1L << depth) != 0 && !(start > 1 && tokens.get(start - 2).is("distinct"));
    }

    /**
     * True when the word at {@code i}, followed by a parenthesis, is syntax rather than a function call: a word that
     * cannot name a function in this flavor, a keyword in the one place the grammar puts a parenthesis after it, a
     * type's modifier ({@code ::varchar(10)}, {@code AS char(10)}), or a subquery ({@code IN (SELECT}).
     */
    private boolean notACall(List<Token> tokens, int i, int n) {
        String word = tokens.get(i).text;
        Token prev = i > 0 ? tokens.get(i - 1) : null;
        Token inside = i + 2 < n ? tokens.get(i + 2) : null;
        if (inside != null && (inside.is("select") || inside.is("with"))) {
            return true; // f(SELECT ...) is no call in either grammar: a subquery needs its own parentheses
        }
        if (prev != null && (prev.isPunct("::") || prev.is("as"))) {
            return true; // a type's modifier or an alias's column list
        }
        boolean postgres = flavor == Flavor.POSTGRESQL;
        if ((postgres ? POSTGRES_SYNTAX : MYSQL_SYNTAX).contains(word)) {
            return true;
        }
        if (prev == null) {
            return false;
        }
        return switch (word) {
            case "over", "filter", "against" -> prev.isPunct(")"); // count(*) OVER (, MATCH (a) AGAINST (
            case "first", "next" -> prev.is("fetch");
            case "by" -> prev.is("order") || prev.is("group") || prev.is("partition");
            case "cube", "rollup" -> prev.is("by");
            case "sets" -> prev.is("grouping");
            case "of" -> !postgres && prev.is("member");
            case "columns" -> !postgres && prev.kind == LITERAL; // JSON_TABLE(... PATH '$' COLUMNS (
            // PostgreSQL lets a user name a function like/join/...: an operator or a join only after an operand
            case "like", "ilike", "similar", "join" -> postgres && endsOperand(prev);
            default -> false;
        };
    }

    private static boolean endsOperand(Token t) {
        return switch (t.kind) {
            case WORD -> !POSTGRES_SYNTAX.contains(t.text);
            case QUOTED, LITERAL -> true;
            case PUNCT -> t.text.equals(")") || t.text.equals("]") || t.text.equals("?");
            default -> false;
        };
    }

    private boolean harmlessShow(List<Token> tokens, int n) {
        if (n < 2 || tokens.get(1).kind != WORD) {
            return false;
        }
        String what = tokens.get(1).text;
        if (flavor == Flavor.POSTGRESQL) {
            return n == 2 && HARMLESS_POSTGRES_SETTINGS.contains(what);
        }
        if (what.equals("full") && n >= 3 && tokens.get(2).kind == WORD) {
            what = tokens.get(2).text;
        }
        for (int i = 2; i < n; i++) {
            Token t = tokens.get(i);
            if (t.isName() && catalogName(t.text, i + 1 < n ? tokens.get(i + 1) : null)) {
                return false; // SHOW TABLES FROM information_schema
            }
        }
        if (what.equals("create")) {
            return n >= 3 && (tokens.get(2).is("table") || tokens.get(2).is("view"));
        }
        return HARMLESS_MYSQL_SHOW.contains(what);
    }

    // ---- tokenizer ---------------------------------------------------------------------------------------------

    private List<Token> tokenize(String sql) throws Unreadable {
        List<Token> tokens = new ArrayList<>();
        boolean mysql = flavor == Flavor.MYSQL;
        int len = sql.length();
        int i = 0;
        while (i < len) {
            char c = sql.charAt(i);
            if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f') {
                i++;
            } else if (c == '-' && i + 1 < len && sql.charAt(i + 1) == '-') {
                if (i + 2 < len && !(sql.charAt(i + 2) == ' ' || sql.charAt(i + 2) == '\t')) {
                    throw UNREADABLE; // MySQL reads "--x" as two minus signs, PostgreSQL as a comment
                }
                int end = sql.indexOf('\n', i);
                i = end < 0 ? len : end + 1;
            } else if (c == '/' && i + 1 < len && sql.charAt(i + 1) == '*') {
                char third = i + 2 < len ? sql.charAt(i + 2) : ' ';
                if (third == '!' || third == '+' || (third == 'M' || third == 'm') && i + 3 < len && sql.charAt(i + 3) == '!') {
                    throw UNREADABLE; // MySQL runs /*! ... */, MariaDB /*M! ... */, and hints may change what runs
                }
                int end = sql.indexOf("*/", i + 2);
                if (end < 0 || sql.substring(i + 2, end).contains("/*")) {
                    throw UNREADABLE; // unterminated, or nested (PostgreSQL nests, MySQL does not)
                }
                i = end + 2;
            } else if (c == '#' && mysql) {
                throw UNREADABLE; // a comment in MySQL only
            } else if (c == '\'') {
                i = quoted(sql, i, '\'', mysql);
                tokens.add(STRING);
            } else if (c == '"') {
                int end = quoted(sql, i, '"', mysql);
                // a string in MySQL's default mode, an identifier with ANSI_QUOTES: its text is kept for both
                tokens.add(new Token(mysql ? LITERAL : QUOTED, sql.substring(i + 1, end - 1)));
                i = end;
            } else if (c == '`') {
                if (!mysql) {
                    throw UNREADABLE;
                }
                int end = quoted(sql, i, '`', false);
                tokens.add(new Token(QUOTED, sql.substring(i + 1, end - 1)));
                i = end;
            } else if (!mysql && OPERATOR_CHARS.indexOf(c) >= 0) {
                i = operator(sql, i, tokens);
            } else if (c == '$') {
                int j = i + 1;
                while (j < len && Character.isDigit(sql.charAt(j))) {
                    j++;
                }
                if (mysql || j == i + 1) {
                    throw UNREADABLE; // a dollar quote, or not PostgreSQL
                }
                tokens.add(PARAMETER);
                i = j;
            } else if (c == '@') {
                throw UNREADABLE; // MySQL: a user variable (session state) or a system variable (the node's own)
            } else if (c == ':' && i + 1 < len && sql.charAt(i + 1) == '=') {
                throw UNREADABLE; // an assignment
            } else if (c == ':' && i + 1 < len && sql.charAt(i + 1) == ':') {
                tokens.add(new Token(PUNCT, "::"));
                i += 2;
            } else if (isWordStart(c)) {
                int j = i + 1;
                while (j < len && isWordChar(sql.charAt(j))) {
                    j++;
                }
                String word = sql.substring(i, j).toLowerCase(Locale.ROOT);
                if (j < len && sql.charAt(j) == '\'' && word.equals("e")) {
                    throw UNREADABLE; // PostgreSQL's escape string: backslashes end it differently
                }
                if (!mysql && j + 1 < len && sql.charAt(j) == '&' && word.equals("u")
                        && (sql.charAt(j + 1) == '"' || sql.charAt(j + 1) == '\'')) {
                    throw UNREADABLE; // U&"t\006fuch": an identifier or string with Unicode escapes
                }
                tokens.add(new Token(WORD, word));
                i = j;
            } else if (c >= '0' && c <= '9' || c == '.' && i + 1 < len && Character.isDigit(sql.charAt(i + 1))) {
                int j = i + 1;
                while (j < len && (isWordChar(sql.charAt(j)) || sql.charAt(j) == '.')) {
                    j++;
                }
                tokens.add(NUMBER);
                i = j;
            } else if (c == '?') {
                tokens.add(PARAMETER);
                i++;
            } else if (c < 128 && c > ' ' && "(),.;=<>!+-*/%|&^~[]{}:".indexOf(c) >= 0) {
                tokens.add(new Token(PUNCT, String.valueOf(c)));
                i++;
            } else {
                throw UNREADABLE; // anything else: not read with certainty
            }
        }
        return tokens;
    }

    /** PostgreSQL's operator characters; {@code ?} is left out: the JDBC driver reads it as a parameter. */
    private static final String OPERATOR_CHARS = "+-*/<>=~!@#%^&|";

    /**
     * Adds the PostgreSQL operator starting at {@code start} and answers the index after it, cut as its lexer cuts it:
     * the longest run of operator characters, ending before a comment, and not ending in {@code +} or {@code -}
     * unless it holds one of {@code ~ ! @ # % ^ & |} ({@code =-1} is {@code =} then {@code -}).
     */
    private static int operator(String sql, int start, List<Token> tokens) {
        int len = sql.length();
        int end = start;
        while (end < len && OPERATOR_CHARS.indexOf(sql.charAt(end)) >= 0
                && !(end > start && sql.startsWith("--", end)) && !(end > start && sql.startsWith("/*", end))) {
            end++;
        }
        if (end - start > 1) {
            boolean special = false;
            for (int k = start; k < end; k++) {
                special |= "~!@#%^&|".indexOf(sql.charAt(k)) >= 0;
            }
            while (!special && end - start > 1 && (sql.charAt(end - 1) == '+' || sql.charAt(end - 1) == '-')) {
                end--;
            }
        }
        tokens.add(new Token(OPERATOR, sql.substring(start, end)));
        return end;
    }

    /**
     * The index after the quoted run starting at {@code start}; a doubled quote stays inside.
     *
     * <p>Backslashes: PostgreSQL reads them as ordinary characters in {@code '...'} (standard_conforming_strings on,
     * its default since 9.1; a session that changes it is pinned by its SET). MySQL and MariaDB read {@code \x} as an
     * escape unless the server's sql_mode has NO_BACKSLASH_ESCAPES; a backslash before a quote is refused, so that
     * the literal ends at the same place in both modes (Hibernate's {@code escape '\\'} passes).
     */
    private static int quoted(String sql, int start, char quote, boolean backslashEscapes) throws Unreadable {
        int i = start + 1;
        int len = sql.length();
        while (i < len) {
            char c = sql.charAt(i);
            if (c == '\\' && backslashEscapes) {
                if (i + 1 >= len || sql.charAt(i + 1) == quote) {
                    throw UNREADABLE; // where the literal ends depends on the server's sql_mode
                }
                i += 2;
                continue;
            }
            if (c == quote) {
                if (i + 1 < len && sql.charAt(i + 1) == quote) {
                    i += 2;
                    continue;
                }
                return i + 1;
            }
            i++;
        }
        throw UNREADABLE; // unterminated
    }

    private static boolean isWordStart(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_';
    }

    private static boolean isWordChar(char c) {
        return isWordStart(c) || c >= '0' && c <= '9' || c == '$';
    }

    // ---- word lists --------------------------------------------------------------------------------------------

    private static Set<String> words(String... words) {
        return Set.copyOf(Arrays.asList(words)); // tolerates a word listed twice
    }

    /** Words that make a statement more than a read wherever they stand outside a literal. */
    private static final Set<String> REFUSED_WORDS = words(
            "insert", "update", "delete", "merge", "upsert", "into", "lock", "nextval", "currval", "setval", "lastval",
            "sql_calc_found_rows", "procedure", "outfile", "dumpfile", "call", "do", "execute", "prepare", "copy",
            "notify", "listen");

    /** {@code FOR <word>}: a locking read. */
    private static final Set<String> LOCKING_AFTER_FOR = words("update", "share", "no", "key");

    /**
     * PostgreSQL words that a parenthesis may follow without a function being called: reserved words and the
     * column-name keywords its grammar reads itself ({@code EXISTS}, {@code VALUES}, {@code ROW}, {@code BETWEEN}),
     * none of which a user can give a function. Unreserved words ({@code first}, {@code rows}, {@code zone},
     * {@code partition}, {@code path}...) can name a user's function, so they are calls unless {@link #notACall} sees
     * the one place the grammar puts a parenthesis after them.
     */
    private static final Set<String> POSTGRES_SYNTAX = words(
            "select", "from", "where", "and", "or", "not", "in", "exists", "any", "all", "some", "as", "on", "using",
            "having", "then", "else", "when", "case", "distinct", "with", "union", "intersect", "except", "between",
            "limit", "offset", "array", "row", "values", "lateral", "only", "group", "to", "interval", "cast",
            "window", "end", "order");

    /**
     * MySQL/MariaDB words that a parenthesis may follow without a function being called: words reserved in both
     * (MySQL and MariaDB call a stored function with such a name only when it is quoted or schema-qualified).
     */
    private static final Set<String> MYSQL_SYNTAX = words(
            "select", "from", "where", "and", "or", "not", "xor", "in", "exists", "all", "as", "on", "using", "having",
            "then", "else", "when", "case", "distinct", "distinctrow", "union", "between", "like", "regexp", "rlike",
            "div", "mod", "interval", "values", "with", "limit", "by", "join", "straight_join", "inner", "outer",
            "cross", "natural", "partition", "index", "key", "binary", "high_priority", "sql_small_result",
            "sql_big_result", "sql_buffer_result", "match", "recursive", "window");

    /**
     * PostgreSQL built-ins (schema pg_catalog, or its grammar's own) that read only, leave no session state and answer
     * alike on every node. Names the grammar reads itself (COALESCE, CAST, EXTRACT, types with a modifier) are here
     * too. A user's function of the same name with other argument types is not told apart (see the docs' limits).
     */
    private static final Set<String> POSTGRES_FUNCTIONS = words(
            // aggregates and windows
            "count", "sum", "avg", "min", "max", "every", "bool_and", "bool_or", "bit_and", "bit_or", "bit_xor",
            "string_agg", "array_agg", "json_agg", "jsonb_agg", "json_object_agg", "jsonb_object_agg",
            "json_arrayagg", "json_objectagg", "stddev", "stddev_pop", "stddev_samp", "variance", "var_pop",
            "var_samp", "row_number", "rank", "dense_rank", "percent_rank", "cume_dist", "ntile", "lag", "lead",
            "first_value", "last_value", "nth_value", "grouping", "percentile_cont", "percentile_disc", "mode",
            // conditionals
            "coalesce", "nullif", "greatest", "least",
            // strings
            "lower", "upper", "length", "char_length", "character_length", "octet_length", "bit_length", "substring",
            "substr", "trim", "ltrim", "rtrim", "btrim", "concat", "concat_ws", "replace", "position", "strpos",
            "left", "right", "lpad", "rpad", "repeat", "reverse", "ascii", "chr", "initcap", "split_part", "format",
            "quote_ident", "quote_literal", "regexp_replace", "regexp_like", "regexp_substr", "regexp_instr",
            "regexp_match", "regexp_matches", "starts_with", "translate", "md5", "encode", "decode", "to_hex",
            "overlay",
            // numbers
            "abs", "ceil", "ceiling", "floor", "round", "trunc", "mod", "power", "sqrt", "cbrt", "exp", "ln", "log",
            "log10", "sign", "pi", "sin", "cos", "tan", "cot", "asin", "acos", "atan", "atan2", "degrees", "radians",
            "random", "div", "width_bucket",
            // dates and times
            "now", "clock_timestamp", "statement_timestamp", "transaction_timestamp", "extract", "date_part",
            "date_trunc", "date_bin", "age", "make_date", "make_time", "make_timestamp", "make_timestamptz",
            "make_interval", "to_char", "to_date", "to_timestamp", "to_number", "date", "justify_days",
            "justify_hours", "justify_interval", "isfinite",
            // casts and types (column-name keywords: no user function takes these names)
            "cast", "varchar", "char", "character", "nchar", "numeric", "decimal", "dec", "float", "real", "time",
            "timestamp", "timestamptz", "bit", "int", "integer", "bigint", "smallint", "interval", "varbit",
            // JSON, arrays, sets
            "json_build_object", "jsonb_build_object", "json_build_array", "jsonb_build_array", "to_json", "to_jsonb",
            "json_object", "json_array", "json_value", "json_query", "json_exists", "jsonb_typeof", "json_typeof",
            "jsonb_extract_path", "jsonb_extract_path_text", "json_extract_path", "json_extract_path_text",
            "jsonb_array_length", "json_array_length", "jsonb_array_elements", "json_array_elements", "jsonb_each",
            "json_each", "jsonb_object_keys", "jsonb_path_exists", "jsonb_path_query", "jsonb_set", "array_length",
            "array_position", "array_to_string", "string_to_array", "cardinality", "unnest", "generate_series",
            "array_upper", "array_lower", "array_cat", "array_append", "array_remove",
            // uuids; the session's database and schema (set alike on both sides)
            "gen_random_uuid", "current_database", "current_schema", "current_schemas");

    /** PostgreSQL built-ins that read only and leave no state, but answer per node: accepted with {@code anyNode}. */
    private static final Set<String> POSTGRES_NODE_FUNCTIONS = words(
            "inet_server_port", "inet_server_addr", "inet_client_port", "inet_client_addr", "pg_backend_pid",
            "version", "pg_is_in_recovery", "pg_last_wal_replay_lsn", "pg_last_wal_receive_lsn",
            "pg_last_xact_replay_timestamp", "pg_current_wal_lsn", "pg_postmaster_start_time", "pg_wal_lsn_diff");

    /**
     * MySQL and MariaDB built-ins, present in both (a name only one has would call a stored function in the other),
     * that read only, leave no session state and answer alike on every node. A stored function cannot take a
     * built-in's name unless called qualified, which is refused.
     */
    private static final Set<String> MYSQL_FUNCTIONS = words(
            // aggregates and windows
            "count", "sum", "avg", "min", "max", "bit_and", "bit_or", "bit_xor", "group_concat", "json_arrayagg",
            "json_objectagg", "stddev", "stddev_pop", "stddev_samp", "std", "variance", "var_pop", "var_samp",
            "row_number", "rank", "dense_rank", "percent_rank", "cume_dist", "ntile", "lag", "lead", "first_value",
            "last_value", "nth_value",
            // conditionals
            "coalesce", "nullif", "greatest", "least", "ifnull", "if", "isnull",
            // strings
            "lower", "upper", "lcase", "ucase", "length", "char_length", "character_length", "octet_length",
            "bit_length", "substring", "substr", "mid", "trim", "ltrim", "rtrim", "concat", "concat_ws", "replace",
            "position", "locate", "instr", "left", "right", "lpad", "rpad", "repeat", "reverse", "ascii", "char",
            "space", "substring_index", "field", "find_in_set", "elt", "format", "regexp_replace", "regexp_substr",
            "regexp_instr", "md5", "sha1", "sha2", "hex", "unhex", "soundex", "strcmp", "collation", "charset",
            // numbers
            "abs", "ceil", "ceiling", "floor", "round", "truncate", "mod", "power", "pow", "sqrt", "exp", "ln", "log",
            "log10", "log2", "sign", "pi", "sin", "cos", "tan", "cot", "asin", "acos", "atan", "atan2", "degrees",
            "radians", "rand", "conv", "bin", "oct",
            // dates and times
            "now", "current_date", "current_time", "current_timestamp", "localtime", "localtimestamp",
            "utc_timestamp", "utc_date", "utc_time", "curdate", "curtime", "sysdate", "extract", "date", "time",
            "year", "month", "day", "dayofmonth", "dayofweek", "dayofyear", "dayname", "monthname", "hour", "minute",
            "second", "microsecond", "week", "weekday", "weekofyear", "yearweek", "quarter", "date_add", "date_sub",
            "adddate", "subdate", "addtime", "subtime", "datediff", "timediff", "timestampdiff", "timestampadd",
            "date_format", "time_format", "str_to_date", "unix_timestamp", "from_unixtime", "from_days", "to_days",
            "to_seconds", "last_day", "makedate", "maketime", "period_add", "period_diff", "sec_to_time",
            "time_to_sec", "convert_tz",
            // casts and types
            "cast", "convert", "binary", "decimal", "signed", "unsigned", "datetime", "timestamp",
            // JSON
            "json_object", "json_array", "json_extract", "json_value", "json_unquote", "json_contains",
            "json_length", "json_keys", "json_type", "json_table",
            // uuids; the session's database and account (set alike on both sides)
            "uuid", "uuid_short", "database", "schema", "user", "current_user", "session_user");

    /** PostgreSQL's built-in operators; any other is user-defined and runs a user's function. */
    private static final Set<String> POSTGRES_OPERATORS = words(
            "=", "<>", "!=", "<", ">", "<=", ">=", "+", "-", "*", "/", "%", "^", "|/", "||/", "@", "&", "|", "#", "~",
            "<<", ">>", "||", "~*", "!~", "!~*", "~~", "~~*", "!~~", "!~~*", "->", "->>", "#>", "#>>", "@>", "<@",
            "#-", "&&", "&<", "&>", "-|-", "<<=", ">>=", "@@", "=>");

    /** MySQL/MariaDB {@code SHOW} forms that describe the schema or the server's fixed properties. */
    private static final Set<String> HARMLESS_MYSQL_SHOW = words(
            "tables", "columns", "fields", "databases", "schemas", "triggers");

    /**
     * PostgreSQL settings that {@code SHOW} may read on a replica: the database's own (replicated with it), fixed at
     * build time, or set by the JDBC driver on every connection. Others come from each node's configuration.
     */
    private static final Set<String> HARMLESS_POSTGRES_SETTINGS = words(
            "server_encoding", "client_encoding", "integer_datetimes", "max_identifier_length", "timezone",
            "datestyle", "extra_float_digits", "lc_collate", "lc_ctype");
}
