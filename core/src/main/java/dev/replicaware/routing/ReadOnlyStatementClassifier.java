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
 * {@code SHOW} forms that only describe the schema or the server's fixed settings; one statement, with at most a
 * trailing semicolon. Every function called must be on a list of built-ins known to read only and to leave no session
 * state; a MySQL/MariaDB system variable ({@code @@name}) must be on a list of those that do not depend on the node's
 * role or on the session's last statement.
 *
 * <p>No for: writes and DDL; {@code FOR UPDATE/SHARE/NO KEY UPDATE/KEY SHARE}, MariaDB's {@code LOCK IN SHARE MODE};
 * {@code SELECT ... INTO}; data-modifying CTEs; sequence functions ({@code nextval}, {@code currval}, {@code setval},
 * {@code lastval}, MariaDB's {@code NEXT VALUE FOR}); locks ({@code pg_advisory_*}, {@code GET_LOCK},
 * {@code RELEASE_LOCK}); session state ({@code set_config}, {@code LAST_INSERT_ID}, {@code FOUND_ROWS},
 * {@code SQL_CALC_FOUND_ROWS}, user variables {@code @v} and {@code :=}); {@code txid_current} and anything that needs
 * a writable node; and any function not on the list, user-defined or unknown (it may write, lock or change session
 * state; {@code pg_sleep} and {@code SLEEP} are left off the list too: harmless, but nothing gained by sending them
 * away). Also no for: more than one statement; executable or hint comments ({@code /*!}, MariaDB's {@code /*M!}, {@code /*+}), nested block
 * comments, {@code --} not followed by a space, MySQL's {@code #}; in MySQL and MariaDB a backslash before a quote in
 * a literal (where it ends depends on the server's sql_mode); PostgreSQL dollar quotes and {@code E'...'} strings;
 * non-ASCII outside literals; anything not tokenised above. PostgreSQL literals are read with
 * standard_conforming_strings on, its default.
 *
 * <p>The answers are cached per SQL string in a bounded map: applications repeat a small set of statements, so the
 * cost is a hash lookup; a map that fills up (SQL built with literals) is emptied and refilled.
 */
final class ReadOnlyStatementClassifier {

    /** The SQL families whose lexical rules this classifier knows. */
    enum Flavor { POSTGRESQL, MYSQL }

    static final int DEFAULT_CACHE_SIZE = 2048;
    /** Longer statements are classified each time rather than held in the cache. */
    private static final int MAX_CACHED_LENGTH = 4096;

    private final Flavor flavor;
    private final int cacheSize;
    private final ConcurrentHashMap<String, Boolean> cache;

    ReadOnlyStatementClassifier(Flavor flavor) {
        this(flavor, DEFAULT_CACHE_SIZE);
    }

    ReadOnlyStatementClassifier(Flavor flavor, int cacheSize) {
        this.flavor = flavor;
        this.cacheSize = cacheSize;
        this.cache = new ConcurrentHashMap<>(Math.min(cacheSize, 256));
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
        Boolean cached = cache.get(sql);
        if (cached != null) {
            return cached;
        }
        boolean verdict = classify(sql);
        if (sql.length() <= MAX_CACHED_LENGTH) {
            if (cache.size() >= cacheSize) {
                cache.clear();
            }
            cache.put(sql, verdict);
        }
        return verdict;
    }

    int cachedCount() {
        return cache.size();
    }

    // ---- classification ----------------------------------------------------------------------------------------

    private static final int WORD = 1;      // identifier or keyword, lower-cased
    private static final int QUOTED = 2;    // quoted identifier
    private static final int LITERAL = 3;   // string or number
    private static final int PUNCT = 4;     // one character, or :: or a parameter
    private static final int SYSVAR = 5;    // MySQL @@name, lower-cased without scope

    private record Token(int kind, String text) {
        boolean is(String word) {
            return kind == WORD && text.equals(word);
        }

        boolean isPunct(String p) {
            return kind == PUNCT && text.equals(p);
        }
    }

    /** Thrown inside the tokenizer for anything it cannot read with certainty. */
    private static final class Unreadable extends Exception {
        Unreadable() {
            super(null, null, false, false);
        }
    }

    private static final Unreadable UNREADABLE = new Unreadable();

    boolean classify(String sql) {
        List<Token> tokens;
        try {
            tokens = tokenize(sql);
        } catch (Unreadable e) {
            return false;
        }
        int n = tokens.size();
        if (n > 0 && tokens.get(n - 1).isPunct(";")) {
            n--;
        }
        if (n == 0) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            if (tokens.get(i).isPunct(";")) {
                return false; // more than one statement
            }
        }
        int first = 0;
        while (first < n && tokens.get(first).isPunct("(")) {
            first++;
        }
        if (first == n) {
            return false;
        }
        Token lead = tokens.get(first);
        if (first == 0 && lead.is("show")) {
            return harmlessShow(tokens, n);
        }
        if (!(lead.is("select") || lead.is("with") || lead.is("values"))) {
            return false;
        }
        return bodyReadsOnly(tokens, n);
    }

    private boolean bodyReadsOnly(List<Token> tokens, int n) {
        for (int i = 0; i < n; i++) {
            Token t = tokens.get(i);
            Token next = i + 1 < n ? tokens.get(i + 1) : null;
            switch (t.kind) {
                case WORD -> {
                    if (REFUSED_WORDS.contains(t.text)) {
                        return false;
                    }
                    if (t.text.equals("for") && next != null && next.kind == WORD && LOCKING_AFTER_FOR.contains(next.text)) {
                        return false;
                    }
                    if ((t.text.equals("next") || t.text.equals("previous")) && next != null && next.is("value")) {
                        return false; // MariaDB: NEXT VALUE FOR seq
                    }
                    if (next != null && next.isPunct("(") && !KEYWORDS_BEFORE_PARENTHESIS.contains(t.text)) {
                        boolean qualified = i > 0 && tokens.get(i - 1).isPunct(".");
                        if (qualified || !READ_ONLY_FUNCTIONS.contains(t.text)) {
                            return false; // a function not known to read only, or a schema-qualified one
                        }
                    }
                }
                case QUOTED, LITERAL -> {
                    if (next != null && next.isPunct("(")) {
                        return false; // a quoted function name (MySQL reads "name" as a string)
                    }
                }
                case SYSVAR -> {
                    if (!HARMLESS_SYSTEM_VARIABLES.contains(t.text)) {
                        return false;
                    }
                }
                default -> {
                    // literals and punctuation read nothing
                }
            }
        }
        return true;
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
        if (what.equals("create")) {
            return n >= 3 && (tokens.get(2).is("table") || tokens.get(2).is("view"));
        }
        if (what.equals("table")) {
            return n >= 3 && tokens.get(2).is("status");
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
            } else if (c == '#') {
                if (mysql) {
                    throw UNREADABLE; // a comment in MySQL only
                }
                tokens.add(new Token(PUNCT, "#"));
                i++;
            } else if (c == '\'') {
                i = quoted(sql, i, '\'', mysql);
                tokens.add(new Token(LITERAL, "'"));
            } else if (c == '"') {
                i = quoted(sql, i, '"', mysql);
                tokens.add(new Token(mysql ? LITERAL : QUOTED, "\"")); // a string in MySQL's default mode
            } else if (c == '`') {
                if (!mysql) {
                    throw UNREADABLE;
                }
                i = quoted(sql, i, '`', false);
                tokens.add(new Token(QUOTED, "`"));
            } else if (c == '$') {
                int j = i + 1;
                while (j < len && Character.isDigit(sql.charAt(j))) {
                    j++;
                }
                if (mysql || j == i + 1) {
                    throw UNREADABLE; // a dollar quote, or not PostgreSQL
                }
                tokens.add(new Token(PUNCT, "?"));
                i = j;
            } else if (c == '@') {
                if (!mysql) {
                    tokens.add(new Token(PUNCT, "@")); // PostgreSQL: an operator
                    i++;
                    continue;
                }
                if (i + 1 >= len || sql.charAt(i + 1) != '@') {
                    throw UNREADABLE; // a user variable: session state
                }
                int start = i + 2;
                int j = start;
                while (j < len && (isWordChar(sql.charAt(j)) || sql.charAt(j) == '.')) {
                    j++;
                }
                String name = sql.substring(start, j).toLowerCase(Locale.ROOT);
                if (name.startsWith("session.")) {
                    name = name.substring(8);
                } else if (name.startsWith("global.")) {
                    name = name.substring(7);
                }
                tokens.add(new Token(SYSVAR, name));
                i = j;
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
                tokens.add(new Token(WORD, word));
                i = j;
            } else if (c >= '0' && c <= '9' || c == '.' && i + 1 < len && Character.isDigit(sql.charAt(i + 1))) {
                int j = i + 1;
                while (j < len && (isWordChar(sql.charAt(j)) || sql.charAt(j) == '.')) {
                    j++;
                }
                tokens.add(new Token(LITERAL, "0"));
                i = j;
            } else if (c < 128 && c > ' ' && "(),.;=<>!+-*/%|&^~?[]{}:".indexOf(c) >= 0) {
                tokens.add(new Token(PUNCT, String.valueOf(c)));
                i++;
            } else {
                throw UNREADABLE; // anything else: not read with certainty
            }
        }
        return tokens;
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

    /** Keywords that a parenthesis may follow without a function being called. */
    private static final Set<String> KEYWORDS_BEFORE_PARENTHESIS = words(
            "select", "from", "join", "on", "using", "where", "and", "or", "not", "in", "exists", "any", "all", "some",
            "as", "over", "filter", "within", "values", "lateral", "having", "by", "then", "else", "when", "is",
            "distinct", "with", "union", "intersect", "except", "between", "like", "ilike", "escape", "case", "limit",
            "offset", "array", "row", "cube", "rollup", "sets", "recursive", "materialized", "ordinality", "rows",
            "range", "groups", "preceding", "following", "end", "similar", "to", "fetch", "first", "next", "only",
            "ties", "asc", "desc", "nulls", "last", "outer", "inner", "left", "right", "full", "cross", "natural",
            "straight_join", "unique", "tablesample", "repeatable", "interval", "at", "zone", "collate", "of",
            "partition", "order", "group", "window", "respect", "ignore", "null", "true", "false", "unknown", "div",
            "mod", "xor", "regexp", "rlike", "sounds", "binary", "escape", "high_priority", "sql_no_cache",
            "sql_cache", "sql_buffer_result", "sql_small_result", "sql_big_result", "member", "json_table", "columns",
            "path", "exists");

    /**
     * Built-in functions that read only and leave no session state, in PostgreSQL, MySQL or MariaDB. A name that one
     * family lacks fails there with an error, as it would on the primary. Type names appear because casts call them.
     */
    private static final Set<String> READ_ONLY_FUNCTIONS = words(
            // aggregates and windows
            "count", "sum", "avg", "min", "max", "every", "bool_and", "bool_or", "bit_and", "bit_or", "bit_xor",
            "string_agg", "group_concat", "array_agg", "json_agg", "jsonb_agg", "json_object_agg", "jsonb_object_agg",
            "json_arrayagg", "json_objectagg", "stddev", "stddev_pop", "stddev_samp", "std", "variance", "var_pop",
            "var_samp", "row_number", "rank", "dense_rank", "percent_rank", "cume_dist", "ntile", "lag", "lead",
            "first_value", "last_value", "nth_value", "grouping", "percentile_cont", "percentile_disc", "mode",
            // conditionals
            "coalesce", "nullif", "greatest", "least", "ifnull", "if", "isnull", "nvl", "nvl2",
            // strings
            "lower", "upper", "lcase", "ucase", "length", "char_length", "character_length", "octet_length",
            "bit_length", "substring", "substr", "mid", "trim", "ltrim", "rtrim", "btrim", "concat", "concat_ws",
            "replace", "position", "locate", "instr", "strpos", "left", "right", "lpad", "rpad", "repeat", "reverse",
            "ascii", "chr", "char", "space", "initcap", "split_part", "substring_index", "field", "find_in_set",
            "elt", "format", "quote_ident", "quote_literal", "regexp_replace", "regexp_like", "regexp_substr",
            "regexp_instr", "regexp_match", "regexp_matches", "starts_with", "translate", "md5", "sha1", "sha2",
            "hex", "unhex", "encode", "decode", "to_hex", "overlay", "soundex", "strcmp", "collation", "charset",
            // numbers
            "abs", "ceil", "ceiling", "floor", "round", "trunc", "truncate", "mod", "power", "pow", "sqrt", "cbrt",
            "exp", "ln", "log", "log10", "log2", "sign", "pi", "sin", "cos", "tan", "cot", "asin", "acos", "atan",
            "atan2", "degrees", "radians", "random", "rand", "div", "width_bucket", "conv", "bin", "oct",
            // dates and times
            "now", "current_date", "current_time", "current_timestamp", "localtime", "localtimestamp",
            "clock_timestamp", "statement_timestamp", "transaction_timestamp", "utc_timestamp", "utc_date",
            "utc_time", "curdate", "curtime", "sysdate", "extract", "date_part", "date_trunc", "date_bin", "age",
            "make_date", "make_time", "make_timestamp", "make_timestamptz", "make_interval", "to_char", "to_date",
            "to_timestamp", "to_number", "date", "time", "year", "month", "day", "dayofmonth", "dayofweek",
            "dayofyear", "dayname", "monthname", "hour", "minute", "second", "microsecond", "week", "weekday",
            "weekofyear", "yearweek", "quarter", "date_add", "date_sub", "adddate", "subdate", "addtime", "subtime",
            "datediff", "timediff", "timestampdiff", "timestampadd", "date_format", "time_format", "str_to_date",
            "unix_timestamp", "from_unixtime", "from_days", "to_days", "to_seconds", "last_day", "makedate",
            "maketime", "period_add", "period_diff", "sec_to_time", "time_to_sec", "convert_tz", "justify_days",
            "justify_hours", "justify_interval", "isfinite",
            // casts and types
            "cast", "convert", "varchar", "char", "character", "nchar", "numeric", "decimal", "dec", "float",
            "double", "real", "time", "timestamp", "timestamptz", "bit", "varbinary", "binary", "int", "integer",
            "bigint", "smallint", "signed", "unsigned", "datetime", "interval", "varbit",
            // JSON, arrays, sets
            "json_build_object", "jsonb_build_object", "json_build_array", "jsonb_build_array", "to_json", "to_jsonb",
            "json_object", "json_array", "json_extract", "json_value", "json_query", "json_unquote", "json_contains",
            "json_length", "json_keys", "json_type", "jsonb_typeof", "json_typeof", "jsonb_extract_path",
            "jsonb_extract_path_text", "json_extract_path", "json_extract_path_text", "jsonb_array_length",
            "json_array_length", "jsonb_array_elements", "json_array_elements", "jsonb_each", "json_each",
            "jsonb_object_keys", "jsonb_path_exists", "jsonb_path_query", "jsonb_set", "array_length",
            "array_position", "array_to_string", "string_to_array", "cardinality", "unnest", "generate_series",
            "array_upper", "array_lower", "array_cat", "array_append", "array_remove",
            // uuids
            "gen_random_uuid", "uuid", "uuid_short",
            // the server and the session's fixed identity
            "version", "current_database", "current_schema", "current_schemas", "current_user", "session_user",
            "current_role", "user", "database", "schema", "inet_server_port", "inet_server_addr");

    /** MySQL/MariaDB system variables whose value is the same whether read on the primary or on a replica's session. */
    private static final Set<String> HARMLESS_SYSTEM_VARIABLES = words(
            "port", "hostname", "server_id", "version", "version_comment", "version_compile_os",
            "version_compile_machine", "innodb_version", "max_allowed_packet", "lower_case_table_names", "time_zone",
            "system_time_zone", "sql_mode", "character_set_client", "character_set_connection",
            "character_set_results", "character_set_server", "character_set_database", "collation_connection",
            "collation_server", "collation_database", "transaction_isolation", "tx_isolation", "auto_increment_increment",
            "auto_increment_offset", "net_write_timeout", "wait_timeout", "interactive_timeout", "max_execution_time",
            "div_precision_increment", "default_week_format", "lc_time_names", "group_concat_max_len");

    /** MySQL/MariaDB {@code SHOW} forms that describe the schema or the server's fixed properties. */
    private static final Set<String> HARMLESS_MYSQL_SHOW = words(
            "tables", "columns", "fields", "index", "indexes", "keys", "databases", "schemas", "collation",
            "character", "charset", "engines", "triggers", "events", "plugins");

    /** PostgreSQL settings that {@code SHOW} may read on a replica: fixed per server, or set only by SET (which taints). */
    private static final Set<String> HARMLESS_POSTGRES_SETTINGS = words(
            "server_version", "server_version_num", "server_encoding", "client_encoding",
            "standard_conforming_strings", "integer_datetimes", "max_identifier_length", "timezone", "datestyle",
            "intervalstyle", "search_path", "lc_collate", "lc_ctype", "lc_messages", "lc_monetary", "lc_numeric",
            "lc_time", "extra_float_digits", "bytea_output");
}
