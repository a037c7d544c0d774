package dev.replicaware.config;

import dev.replicaware.ReadConsistency;
import dev.replicaware.dialect.Dialect;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.dataformat.yaml.YAMLFactory;
import tools.jackson.dataformat.yaml.YAMLParser;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * A cluster described by a YAML file, read into the same {@link ClusterConfig} the builder produces:
 *
 * <pre>
 * cluster: orders
 * username: app
 * password: ${ORDERS_DB_PASSWORD}
 * primary:  { url: "jdbc:postgresql://db1:5432/orders" }
 * replicas:
 *   - url: "jdbc:postgresql://db2:5432/orders"
 *   - { name: db3, url: "jdbc:postgresql://db3:5432/orders", weight: 2 }
 * pool:     { maximumPoolSize: 20 }
 * </pre>
 *
 * <p>Strict: an unknown key, a value of the wrong type, a bad duration or size, a missing required setting, an
 * unresolved placeholder and everything {@link ClusterConfig} refuses are reported together in one
 * {@link ConfigException}, each problem with its path and its line and column in the file:
 * {@code replicas[1].url (line 7, column 12): must be a JDBC URL starting with 'jdbc:', but was 'postgres://db2/orders'}.
 * Secrets are never echoed. Every setting is listed in {@code docs/configuration.md}; the keys are in {@link ConfigKeys}.
 *
 * @param cluster the configuration
 * @param watch   whether the file asks to be watched and reloaded on change ({@code watch: true})
 */
public record YamlConfig(ClusterConfig cluster, boolean watch) {

    /** What stands in for a placeholder's braces while the YAML is parsed: braces are flow indicators in YAML. */
    private static final char OPEN = '\uE000';
    private static final char CLOSE = '\uE001';
    private static final YAMLFactory YAML = YAMLFactory.builder().build();
    /** The key that merges the settings of an anchored mapping into another: {@code <<: *defaults}. */
    private static final String MERGE_KEY = "<<";

    /** Reads the file, resolving placeholders from system properties and environment variables. */
    public static YamlConfig read(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the Replicaware configuration " + file + ": " + e.getMessage(), e);
        }
        return parse(text, file.toString(), Placeholders.SYSTEM);
    }

    /** Reads YAML text; {@code source} names it in messages and may be null. */
    public static YamlConfig read(Reader reader, String source) {
        StringBuilder text = new StringBuilder();
        char[] buffer = new char[8192];
        try {
            for (int n; (n = reader.read(buffer)) >= 0; ) {
                text.append(buffer, 0, n);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the Replicaware configuration" + (source == null ? "" : " " + source), e);
        }
        return parse(text.toString(), source, Placeholders.SYSTEM);
    }

    /** Reads UTF-8 YAML; {@code source} names it in messages and may be null. */
    public static YamlConfig read(InputStream in, String source) {
        try {
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), source, Placeholders.SYSTEM);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the Replicaware configuration" + (source == null ? "" : " " + source), e);
        }
    }

    /** Parses {@code text}, looking placeholders up with {@code lookup}. */
    static YamlConfig parse(String text, String source, UnaryOperator<String> lookup) {
        return new Loader(source, new Placeholders(lookup)).load(text);
    }

    // ---- a YAML tree that remembers where each value was ----

    private sealed interface Y permits YMap, YList, YScalar {
        int line();

        int column();

        default String kind() {
            return this instanceof YMap ? "a mapping" : this instanceof YList ? "a list" : "a single value";
        }
    }

    private record Entry(String key, int line, int column, Y value) {}

    private record YMap(List<Entry> entries, int line, int column) implements Y {
        Entry get(String key) {
            for (Entry e : entries) {
                if (e.key.equals(key)) {
                    return e;
                }
            }
            return null;
        }
    }

    private record YList(List<Y> items, int line, int column) implements Y {}

    /** A scalar; {@code text} null for YAML's null. */
    private record YScalar(String text, int line, int column) implements Y {}

    private record Place(int line, int column) {}

    /** One reading of one file: the problems found, where each path is, and the secrets not to show. */
    private static final class Loader {
        private final String source;
        private final Placeholders placeholders;
        private final List<ConfigException.Problem> problems = new ArrayList<>();
        private final Map<String, Place> places = new HashMap<>();
        private final List<String> secrets = new ArrayList<>();
        private final Map<String, Y> anchors = new HashMap<>(); // &name: the value it marks, for the aliases (*name) after it
        private String[] lines = new String[0];
        private String path = "";
        private String clusterName;

        Loader(String source, Placeholders placeholders) {
            this.source = source;
            this.placeholders = placeholders;
        }

        YamlConfig load(String text) {
            String protectedText = protectPlaceholders(text);
            lines = protectedText.split("\r?\n", -1);
            Y root = parseTree(protectedText);
            if (root == null) {
                throw fail(null);
            }
            if (!(root instanceof YMap map)) {
                problem("", root, "the file must be a mapping of settings starting with 'cluster:', but is " + root.kind());
                throw fail(null);
            }
            places.put("", new Place(map.line, map.column));
            YamlConfig result = cluster(map);
            if (!problems.isEmpty()) {
                throw fail(clusterName);
            }
            return result;
        }

        // ---- the tree ----

        /** Braces of {@code ${...}} are flow indicators in YAML: swap them for characters of the same width. */
        private static String protectPlaceholders(String text) {
            StringBuilder b = new StringBuilder(text);
            for (int i = text.indexOf("${"); i >= 0; i = text.indexOf("${", i + 1)) {
                int end = text.indexOf('}', i);
                int eol = text.indexOf('\n', i);
                if (end > 0 && (eol < 0 || end < eol)) {
                    b.setCharAt(i + 1, OPEN);
                    b.setCharAt(end, CLOSE);
                }
            }
            return b.toString();
        }

        private static String restore(String s) {
            return s == null ? null : s.replace(OPEN, '{').replace(CLOSE, '}');
        }

        private Y parseTree(String text) {
            try (JsonParser p = YAML.createParser(ObjectReadContext.empty(), new StringReader(text))) {
                JsonToken first = p.nextToken();
                if (first == null) {
                    problem("", 1, 1, "the file is empty; it must describe a cluster, starting with 'cluster:'");
                    return null;
                }
                Y root = read(p, first);
                JsonToken more = p.nextToken();
                if (more != null) {
                    TokenStreamLocation at = p.currentTokenLocation();
                    problem("", at.getLineNr(), at.getColumnNr(), "holds a second YAML document; a file describes one cluster");
                }
                return root;
            } catch (JacksonException e) {
                TokenStreamLocation at = e.getLocation();
                problem(path, at == null ? 0 : at.getLineNr(), at == null ? 0 : at.getColumnNr(), "is not valid YAML: " + syntax(e));
                return null;
            }
        }

        /** What the YAML parser says is wrong, without the excerpt of the line it quotes (which may hold a secret). */
        private static String syntax(JacksonException e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof MarkedYamlEngineException m) {
                    String context = m.getContext();
                    return (context == null ? "" : context + ", ") + m.getProblem();
                }
            }
            String message = e.getOriginalMessage();
            int eol = message == null ? -1 : message.indexOf('\n');
            return message == null ? e.getClass().getSimpleName() : eol < 0 ? message : message.substring(0, eol);
        }

        /**
         * The value at {@code token}. The parser hands an alias over as a string holding the anchor's name: it is
         * replaced here by the value the anchor marked, so that {@code username: *user} is the user, not "user".
         */
        private Y read(JsonParser p, JsonToken token) {
            TokenStreamLocation at = p.currentTokenLocation();
            int line = at.getLineNr();
            int column = at.getColumnNr();
            if (p instanceof YAMLParser yaml && yaml.isCurrentAlias()) {
                String name = p.getString();
                Y anchored = anchors.get(name);
                if (anchored == null) {
                    problem(path, line, column, "is the alias *" + name + ", but no anchor &" + name + " marks a value before it");
                    return new YScalar(null, line, column);
                }
                return anchored instanceof YScalar s ? new YScalar(s.text, line, column) : anchored;
            }
            // the parser names the anchor of a mapping or a list, not of a single value; that one is read where it stands
            Object id = token == JsonToken.START_OBJECT || token == JsonToken.START_ARRAY ? p.getObjectId() : null;
            String anchor = id != null ? id.toString() : anchorAt(line, column);
            Y y = readValue(p, token, line, column);
            if (anchor != null) {
                anchors.put(anchor, y);
            }
            return y;
        }

        /** The name of the anchor ({@code &name}) written at this place of the file, or null. */
        private String anchorAt(int line, int column) {
            if (line < 1 || line > lines.length || column < 1 || column > lines[line - 1].length()
                    || lines[line - 1].charAt(column - 1) != '&') {
                return null;
            }
            String l = lines[line - 1];
            int end = column;
            while (end < l.length() && !Character.isWhitespace(l.charAt(end)) && ",[]{}".indexOf(l.charAt(end)) < 0) {
                end++;
            }
            return end > column ? l.substring(column, end) : null;
        }

        private Y readValue(JsonParser p, JsonToken token, int line, int column) {
            String outer = path;
            if (token == JsonToken.START_OBJECT) {
                List<Entry> entries = new ArrayList<>();
                List<YMap> merged = new ArrayList<>();
                for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
                    TokenStreamLocation keyAt = p.currentTokenLocation();
                    String key = restore(p.currentName());
                    path = join(outer, key);
                    Y value = read(p, p.nextToken());
                    if (key.equals(MERGE_KEY)) {
                        merge(value, merged);
                        continue;
                    }
                    Entry seen = entries.stream().filter(e -> e.key.equals(key)).findFirst().orElse(null);
                    if (seen != null) {
                        problem(path, keyAt.getLineNr(), keyAt.getColumnNr(), "is set twice; it was first set on line " + seen.line);
                    } else {
                        entries.add(new Entry(key, keyAt.getLineNr(), keyAt.getColumnNr(), value));
                    }
                }
                for (YMap m : merged) { // the mapping's own keys win, then the first merged mapping's
                    for (Entry e : m.entries) {
                        if (entries.stream().noneMatch(own -> own.key.equals(e.key))) {
                            entries.add(e);
                        }
                    }
                }
                path = outer;
                return new YMap(entries, line, column);
            }
            if (token == JsonToken.START_ARRAY) {
                List<Y> items = new ArrayList<>();
                for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
                    path = outer + "[" + items.size() + "]";
                    items.add(read(p, t));
                }
                path = outer;
                return new YList(items, line, column);
            }
            return new YScalar(token == JsonToken.VALUE_NULL ? null : restore(p.getString()), line, column);
        }

        /** {@code <<: *defaults} or {@code <<: [*a, *b]}: the mappings whose settings this one takes unless it sets them. */
        private void merge(Y value, List<YMap> merged) {
            if (value instanceof YMap map) {
                merged.add(map);
            } else if (value instanceof YList list && list.items.stream().allMatch(i -> i instanceof YMap)) {
                list.items.forEach(i -> merged.add((YMap) i));
            } else if (!isNull(value) || !reported(path)) {
                problem(path, value, "must be an alias of a mapping, like <<: *defaults, or a list of them, but is " + value.kind());
            }
        }

        // ---- the cluster ----

        private YamlConfig cluster(YMap root) {
            checkKeys(root, "", ConfigKeys.CLUSTER_KEYS, "is not a setting");
            String name = text(root, ConfigKeys.CLUSTER, "");
            clusterName = name;
            if (name == null && !reported(ConfigKeys.CLUSTER)) {
                problem(ConfigKeys.CLUSTER, root, "is missing; name the cluster (it names pools, threads and metrics), like 'cluster: orders'");
            }
            String username = text(root, ConfigKeys.USERNAME, "");
            String password = text(root, ConfigKeys.PASSWORD, "");
            NodeConfig primary = null;
            Entry primaryEntry = root.get(ConfigKeys.PRIMARY);
            if (primaryEntry == null || primaryEntry.value instanceof YScalar s && s.text == null) {
                problem(ConfigKeys.PRIMARY, root, "is missing; a cluster needs one primary, like 'primary: { url: \"jdbc:postgresql://db1:5432/app\" }'");
            } else {
                primary = node(primaryEntry.value, ConfigKeys.PRIMARY);
            }
            List<NodeConfig> replicas = new ArrayList<>();
            Entry replicasEntry = root.get(ConfigKeys.REPLICAS);
            if (replicasEntry != null && !isNull(replicasEntry.value)) {
                if (replicasEntry.value instanceof YList list) {
                    for (int i = 0; i < list.items.size(); i++) {
                        replicas.add(node(list.items.get(i), ConfigKeys.REPLICAS + "[" + i + "]"));
                    }
                } else {
                    problem(ConfigKeys.REPLICAS, replicasEntry.value, "must be a list of nodes, each starting with '- ', but is "
                            + replicasEntry.value.kind());
                }
            }
            Map<String, String> pool = pool(root.get(ConfigKeys.POOL), ConfigKeys.POOL);
            String family = primary == null ? null : family(primary.url());

            ClusterConfig.Builder builder = ClusterConfig.builder(name).primary(primary).username(username).password(password).pool(pool);
            replicas.forEach(builder::replica);
            routing(section(root, ConfigKeys.ROUTING, ConfigKeys.ROUTING_KEYS), builder);
            builder.health(health(section(root, ConfigKeys.HEALTH, ConfigKeys.HEALTH_KEYS)));
            builder.failover(failover(section(root, ConfigKeys.FAILOVER, ConfigKeys.FAILOVER_KEYS), family));
            Boolean watch = bool(root, ConfigKeys.WATCH, "");

            ClusterConfig config = null;
            try {
                config = builder.build();
            } catch (ConfigException e) {
                for (ConfigException.Problem p : e.problems()) {
                    String at = ConfigKeys.fromRecordPath(p.path());
                    if (!covered(at)) {
                        Place place = place(at);
                        problems.add(p.at(at, place.line, place.column));
                    }
                }
            }
            return new YamlConfig(config, watch != null && watch);
        }

        private NodeConfig node(Y y, String at) {
            places.put(at, new Place(y.line(), y.column()));
            if (!(y instanceof YMap map)) {
                problem(at, y, "must be a mapping with at least a url, like { url: \"jdbc:postgresql://db1:5432/app\" }, but is " + y.kind());
                return new NodeConfig(null, null, null, null, Map.of(), NodeConfig.DEFAULT_WEIGHT);
            }
            checkKeys(map, at, ConfigKeys.NODE_KEYS, "is not a setting of a node");
            String name = text(map, ConfigKeys.NAME, at);
            String url = text(map, ConfigKeys.URL, at);
            if (name == null && url != null && readsAFile(map.get(ConfigKeys.URL))) {
                // the default name, host:port, would carry the file's content into pool names, metric tags and logs
                name = at.equals(ConfigKeys.PRIMARY) ? "primary"
                        : "replica" + (Integer.parseInt(at.substring(at.indexOf('[') + 1, at.indexOf(']'))) + 1);
            }
            if (url == null && !reported(join(at, ConfigKeys.URL))) {
                problem(join(at, ConfigKeys.URL), map, "is missing; every node needs the JDBC URL of its server");
            }
            Integer weight = integer(map, ConfigKeys.WEIGHT, at);
            Integer priority = integer(map, ConfigKeys.PRIORITY, at);
            Integer replicationPort = integer(map, ConfigKeys.REPLICATION_PORT, at);
            return new NodeConfig(name, url, text(map, ConfigKeys.USERNAME, at), text(map, ConfigKeys.PASSWORD, at),
                    pool(map.get(ConfigKeys.POOL), join(at, ConfigKeys.POOL)),
                    weight == null ? NodeConfig.DEFAULT_WEIGHT : weight, priority == null ? 0 : priority,
                    text(map, ConfigKeys.REPLICATION_HOST, at), replicationPort == null ? 0 : replicationPort);
        }

        private Map<String, String> pool(Entry entry, String at) {
            Map<String, String> pool = new LinkedHashMap<>();
            if (entry == null || isNull(entry.value)) {
                return pool;
            }
            places.put(at, new Place(entry.value.line(), entry.value.column()));
            if (!(entry.value instanceof YMap map)) {
                problem(at, entry.value, "must be a mapping of HikariCP settings, like { maximumPoolSize: 20 }, but is " + entry.value.kind());
                return pool;
            }
            List<String> known = new ArrayList<>(ConfigKeys.poolKeys());
            known.add(ConfigKeys.DATA_SOURCE_PROPERTIES);
            for (Entry e : map.entries) {
                String key = e.key;
                String where = join(at, key);
                places.put(where, new Place(e.value.line(), e.value.column()));
                if (key.equals(ConfigKeys.DATA_SOURCE_PROPERTIES)) {
                    if (isNull(e.value)) {
                        continue;
                    }
                    if (!(e.value instanceof YMap properties)) {
                        problem(where, e.value, "must be a mapping of driver properties, like { ssl: true }, but is " + e.value.kind());
                        continue;
                    }
                    for (Entry property : properties.entries) {
                        String value = scalar(property, join(where, property.key));
                        if (value != null) {
                            pool.put(ConfigKeys.DATA_SOURCE_PREFIX + property.key, value);
                        }
                    }
                } else if (key.startsWith(ConfigKeys.DATA_SOURCE_PREFIX) || ClusterConfig.RESERVED_POOL_KEYS.contains(key)) {
                    String value = scalar(e, where);
                    pool.put(key, value == null ? "" : value);
                } else if (!known.contains(key)) {
                    String near = ConfigKeys.nearest(key, known);
                    problem(where, e.line, e.column, "is not a HikariCP setting; " + (near != null ? "did you mean '" + near + "'?"
                            : "see HikariCP's settings, or give driver properties under dataSourceProperties"));
                } else {
                    String value = scalar(e, where);
                    if (value != null && ConfigKeys.POOL_DURATION_KEYS.contains(key) && !value.strip().matches("-?\\d+")) {
                        try {
                            value = Long.toString(ConfigValues.duration(value).toMillis());
                        } catch (IllegalArgumentException ex) {
                            problem(where, e.value, "must be milliseconds or a duration like 30s, but was " + shown(key, value));
                            continue;
                        }
                    }
                    if (value != null) {
                        pool.put(key, value);
                    }
                }
            }
            return pool;
        }

        private void routing(YMap routing, ClusterConfig.Builder builder) {
            if (routing == null) {
                return;
            }
            String at = ConfigKeys.ROUTING;
            String strategy = text(routing, ConfigKeys.LOAD_BALANCE, at);
            if (strategy != null) {
                Optional<RoutingConfig.Strategy> parsed = RoutingConfig.Strategy.parse(strategy);
                if (parsed.isPresent()) {
                    builder.strategy(parsed.get());
                } else {
                    problem(join(at, ConfigKeys.LOAD_BALANCE), routing.get(ConfigKeys.LOAD_BALANCE).value, "must be one of "
                            + RoutingConfig.Strategy.names() + ", but was '" + strategy + "'");
                }
            }
            String consistency = text(routing, ConfigKeys.READ_CONSISTENCY, at);
            if (consistency != null) {
                ReadConsistency parsed = ReadConsistency.parse(consistency).orElse(null);
                if (parsed == null) {
                    try {
                        parsed = ReadConsistency.boundedStaleness(ConfigValues.duration(consistency));
                    } catch (IllegalArgumentException e) {
                        problem(join(at, ConfigKeys.READ_CONSISTENCY), routing.get(ConfigKeys.READ_CONSISTENCY).value,
                                "must be primary, any, or a staleness bound like 2s, but was '" + consistency + "'");
                    }
                }
                if (parsed != null) {
                    builder.readConsistency(parsed);
                }
            }
            Entry maxLag = routing.get(ConfigKeys.MAX_LAG);
            if (maxLag != null && maxLag.value instanceof YScalar s && s.text != null
                    && s.text.strip().toLowerCase(Locale.ROOT).equals(ConfigKeys.NONE)) {
                places.put(join(at, ConfigKeys.MAX_LAG), new Place(s.line, s.column));
                builder.maxLag(null);
            } else {
                Duration d = duration(routing, ConfigKeys.MAX_LAG, at, ", or none");
                if (d != null) {
                    builder.maxLag(d);
                }
            }
            Boolean deferBegin = bool(routing, ConfigKeys.DEFER_BEGIN, at);
            if (deferBegin != null) {
                builder.deferBegin(deferBegin);
            }
            Boolean fallback = bool(routing, ConfigKeys.FALLBACK_TO_PRIMARY, at);
            if (fallback != null) {
                builder.fallbackToPrimary(fallback);
            }
            Duration backoff = duration(routing, ConfigKeys.FAILURE_BACKOFF, at, "");
            if (backoff != null) {
                builder.failureBackoff(backoff);
            }
            String autocommitReads = text(routing, ConfigKeys.AUTOCOMMIT_READS, at);
            if (autocommitReads != null) {
                Optional<RoutingConfig.AutocommitReads> parsed = RoutingConfig.AutocommitReads.parse(autocommitReads);
                if (parsed.isPresent()) {
                    builder.autocommitReads(parsed.get());
                } else {
                    problem(join(at, ConfigKeys.AUTOCOMMIT_READS), routing.get(ConfigKeys.AUTOCOMMIT_READS).value,
                            "must be primary or replica, but was '" + autocommitReads + "'");
                }
            }
            String readYourWrites = text(routing, ConfigKeys.READ_YOUR_WRITES, at);
            if (readYourWrites != null) {
                Optional<RoutingConfig.ReadYourWrites> parsed = RoutingConfig.ReadYourWrites.parse(readYourWrites);
                if (parsed.isPresent()) {
                    builder.readYourWrites(parsed.get());
                } else {
                    problem(join(at, ConfigKeys.READ_YOUR_WRITES), routing.get(ConfigKeys.READ_YOUR_WRITES).value,
                            "must be instance, session or off, but was '" + readYourWrites + "'");
                }
            }
            Duration readYourWritesTimeout = duration(routing, ConfigKeys.READ_YOUR_WRITES_TIMEOUT, at, "");
            if (readYourWritesTimeout != null) {
                builder.readYourWritesTimeout(readYourWritesTimeout);
            }
            String readYourWritesWait = text(routing, ConfigKeys.READ_YOUR_WRITES_WAIT, at);
            if (readYourWritesWait != null) {
                Optional<RoutingConfig.ReadYourWritesWait> parsed = RoutingConfig.ReadYourWritesWait.parse(readYourWritesWait);
                if (parsed.isPresent()) {
                    builder.readYourWritesWait(parsed.get());
                } else {
                    problem(join(at, ConfigKeys.READ_YOUR_WRITES_WAIT), routing.get(ConfigKeys.READ_YOUR_WRITES_WAIT).value,
                            "must be never or always, but was '" + readYourWritesWait + "'");
                }
            }
        }

        private HealthConfig health(YMap health) {
            if (health == null) {
                return HealthConfig.DEFAULTS;
            }
            String at = ConfigKeys.HEALTH;
            Duration interval = duration(health, ConfigKeys.INTERVAL, at, "");
            Duration timeout = duration(health, ConfigKeys.TIMEOUT, at, "");
            Integer failures = integer(health, ConfigKeys.FAILURES_BEFORE_DOWN, at);
            Integer successes = integer(health, ConfigKeys.SUCCESSES_BEFORE_UP, at);
            return new HealthConfig(interval == null ? HealthConfig.DEFAULT_INTERVAL : interval,
                    timeout == null ? HealthConfig.DEFAULT_TIMEOUT : timeout,
                    failures == null ? HealthConfig.DEFAULT_FAILURES_BEFORE_DOWN : failures,
                    successes == null ? HealthConfig.DEFAULT_SUCCESSES_BEFORE_UP : successes);
        }

        private FailoverConfig failover(YMap failover, String family) {
            if (failover == null) {
                return FailoverConfig.DEFAULTS;
            }
            String at = ConfigKeys.FAILOVER;
            FailoverConfig.Mode mode = null;
            String modeText = text(failover, ConfigKeys.MODE, at);
            if (modeText != null) {
                mode = FailoverConfig.Mode.parse(modeText).orElse(null);
                if (mode == null) {
                    problem(join(at, ConfigKeys.MODE), failover.get(ConfigKeys.MODE).value,
                            "must be one of automatic, external, disabled, but was '" + modeText + "'");
                }
            }
            Long maxLag = null;
            String lagText = text(failover, ConfigKeys.MAX_LAG_ON_FAILOVER, at);
            if (lagText != null) {
                Y where = failover.get(ConfigKeys.MAX_LAG_ON_FAILOVER).value;
                String path = join(at, ConfigKeys.MAX_LAG_ON_FAILOVER);
                if ("mysql".equals(family) && ConfigValues.hasSizeUnit(lagText)) {
                    problem(path, where, "counts transactions on a MySQL or MariaDB cluster (GTID positions): give a whole number, like 100, but was '"
                            + lagText + "'");
                } else {
                    try {
                        maxLag = ConfigValues.size(lagText);
                    } catch (IllegalArgumentException e) {
                        problem(path, where, "mysql".equals(family)
                                ? "must be a whole number of transactions, like 100, but was '" + lagText + "'" : e.getMessage());
                    }
                }
            }
            Duration writeWait = duration(failover, ConfigKeys.WRITE_WAIT, at, "");
            Boolean rejoin = bool(failover, ConfigKeys.REJOIN, at);
            return new FailoverConfig(mode, maxLag, writeWait, text(failover, ConfigKeys.ADMIN_USERNAME, at),
                    text(failover, ConfigKeys.ADMIN_PASSWORD, at), rejoin != null && rejoin,
                    patroni(failover.get(ConfigKeys.PATRONI)));
        }

        /** {@code failover.patroni: { urls: [http://db1:8008, ...] }}; a single URL is taken as a list of one. */
        private PatroniConfig patroni(Entry section) {
            if (section == null || isNull(section.value)) {
                return PatroniConfig.NONE;
            }
            String at = join(ConfigKeys.FAILOVER, ConfigKeys.PATRONI);
            places.put(at, new Place(section.value.line(), section.value.column()));
            if (!(section.value instanceof YMap patroni)) {
                problem(at, section.value, "must be a mapping, like patroni: { urls: [http://db1:8008] }, but is " + section.value.kind());
                return PatroniConfig.NONE;
            }
            checkKeys(patroni, at, ConfigKeys.PATRONI_KEYS, "is not a setting of " + at);
            Entry e = patroni.get(ConfigKeys.URLS);
            if (e == null || isNull(e.value)) {
                return PatroniConfig.NONE;
            }
            String where = join(at, ConfigKeys.URLS);
            List<String> urls = new ArrayList<>();
            if (e.value instanceof YList list) {
                places.put(where, new Place(list.line(), list.column()));
                for (int i = 0; i < list.items.size(); i++) {
                    Y item = list.items.get(i);
                    String url = scalar(new Entry(ConfigKeys.URLS, item.line(), item.column(), item), where + "[" + i + "]");
                    if (url != null) {
                        urls.add(url.strip());
                    }
                }
            } else {
                String url = scalar(e, where);
                if (url != null) {
                    urls.add(url.strip());
                }
            }
            return new PatroniConfig(urls);
        }

        private static String family(String url) {
            if (url == null) {
                return null;
            }
            String name = Dialect.forUrl(url).name();
            return name.equals("mariadb") ? "mysql" : name;
        }

        // ---- values ----

        /** A mapping under {@code key}, its keys checked; null when absent, null, or not a mapping (reported). */
        private YMap section(YMap parent, String key, List<String> keys) {
            Entry e = parent.get(key);
            if (e == null || isNull(e.value)) {
                return null;
            }
            places.put(key, new Place(e.value.line(), e.value.column()));
            if (!(e.value instanceof YMap map)) {
                problem(key, e.value, "must be a mapping of settings, like " + key + ": { " + keys.get(0) + ": ... }, but is " + e.value.kind());
                return null;
            }
            checkKeys(map, key, keys, "is not a setting of " + key);
            return map;
        }

        private void checkKeys(YMap map, String at, List<String> known, String unknownMessage) {
            for (Entry e : map.entries) {
                String where = join(at, e.key);
                places.put(where, new Place(e.value.line(), e.value.column()));
                if (!known.contains(e.key)) {
                    String near = ConfigKeys.nearest(e.key, known);
                    problem(where, e.line, e.column, unknownMessage + "; " + (near != null ? "did you mean '" + near + "'?"
                            : "expected one of " + String.join(", ", known)));
                }
            }
        }

        /** The text of a scalar setting, placeholders resolved; null when absent, null, or wrong (reported). */
        private String text(YMap map, String key, String at) {
            Entry e = map.get(key);
            return e == null ? null : scalar(e, join(at, key));
        }

        private String scalar(Entry e, String where) {
            places.put(where, new Place(e.value.line(), e.value.column()));
            if (!(e.value instanceof YScalar s)) {
                problem(where, e.value, "must be a single value, but is " + e.value.kind());
                return null;
            }
            if (s.text == null) {
                return null;
            }
            try {
                String value = placeholders.resolve(s.text);
                if (Secrets.isSecretKey(e.key)) {
                    secrets.add(value);
                }
                return value;
            } catch (Placeholders.Unresolved u) {
                problem(where, s, u.getMessage());
                return null;
            }
        }

        private Integer integer(YMap map, String key, String at) {
            String text = text(map, key, at);
            if (text == null) {
                return null;
            }
            try {
                return Integer.parseInt(text.strip());
            } catch (NumberFormatException e) {
                problem(join(at, key), map.get(key).value, "must be a whole number, but was " + shown(key, text));
                return null;
            }
        }

        private Boolean bool(YMap map, String key, String at) {
            String text = text(map, key, at);
            if (text == null) {
                return null;
            }
            String t = text.strip().toLowerCase(Locale.ROOT);
            if (t.equals("true") || t.equals("false")) {
                return Boolean.parseBoolean(t);
            }
            problem(join(at, key), map.get(key).value, "must be true or false, but was " + shown(key, text));
            return null;
        }

        private Duration duration(YMap map, String key, String at, String alternative) {
            String text = text(map, key, at);
            if (text == null) {
                return null;
            }
            try {
                return ConfigValues.duration(text);
            } catch (IllegalArgumentException e) {
                String message = e.getMessage();
                problem(join(at, key), map.get(key).value, alternative.isEmpty() ? message
                        : message.replaceFirst(", but was", alternative + ", but was"));
                return null;
            }
        }

        private static boolean readsAFile(Entry e) {
            return e != null && e.value instanceof YScalar s && s.text != null && s.text.contains("${file:");
        }

        private static boolean isNull(Y y) {
            return y instanceof YScalar s && s.text == null;
        }

        private static String shown(String key, String value) {
            return Secrets.isSecretKey(key) ? "a value that is not shown (it is a secret)" : "'" + Secrets.maskUrl(value) + "'";
        }

        private static String join(String at, String key) {
            return at.isEmpty() ? key : at + "." + key;
        }

        // ---- problems ----

        private void problem(String at, Y where, String message) {
            problem(at, where.line(), where.column(), message);
        }

        private void problem(String at, int line, int column, String message) {
            problems.add(new ConfigException.Problem(at, message, line, column));
        }

        private boolean reported(String at) {
            return problems.stream().anyMatch(p -> p.path().equals(at));
        }

        /** True when the file's own reading already reported {@code at} or a setting that holds it. */
        private boolean covered(String at) {
            for (ConfigException.Problem p : problems) {
                String reported = p.path();
                if (at.equals(reported) || (!reported.isEmpty() && (at.startsWith(reported + ".") || at.startsWith(reported + "[")))) {
                    return true;
                }
            }
            return false;
        }

        /** Where {@code at} is in the file, or where the nearest setting that holds it is. */
        private Place place(String at) {
            String p = at;
            while (true) {
                Place place = places.get(p);
                if (place != null) {
                    return place;
                }
                int cut = Math.max(p.lastIndexOf('.'), p.lastIndexOf('['));
                if (cut <= 0) {
                    return places.getOrDefault("", new Place(1, 1));
                }
                p = p.substring(0, cut);
            }
        }

        private ConfigException fail(String cluster) {
            List<ConfigException.Problem> sorted = new ArrayList<>();
            for (ConfigException.Problem p : problems) {
                sorted.add(new ConfigException.Problem(p.path(), scrub(p.message()), p.line(), p.column()));
            }
            sorted.sort(Comparator.comparingInt((ConfigException.Problem p) -> p.line() == 0 ? Integer.MAX_VALUE : p.line())
                    .thenComparingInt(ConfigException.Problem::column));
            return new ConfigException(cluster, source, sorted);
        }

        /** Belt and braces: a secret's value never reaches a message, whatever path led it there. */
        private String scrub(String message) {
            String out = Secrets.scrub(message);
            for (String s : secrets) {
                if (s != null && s.length() >= 3) {
                    out = out.replace(s, Secrets.MASK);
                }
            }
            return out;
        }
    }
}
