package dev.replicaware.backup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * What a backup directory holds, written beside the dump as {@value #FILE_NAME}: where and when the data was taken, with
 * which tool from which server, and per table the rows and a checksum that a restored copy must reproduce.
 *
 * @param cluster       the cluster's name
 * @param node          the node the backup was taken from
 * @param role          {@code replica}, or {@code primary} when allowed
 * @param engine        {@code postgresql}, {@code mariadb} or {@code mysql}
 * @param database      the database dumped
 * @param position      where the data stands in replication: the replayed WAL position (PostgreSQL LSN) or GTID set
 * @param startedAt     when the backup began
 * @param finishedAt    when the dump ended
 * @param tool          the dump tool's path
 * @param toolVersion   what the dump tool says of its version
 * @param serverVersion the server's version
 * @param dump          the dump's name inside the directory ({@code dump}: PostgreSQL's directory format; {@code dump.sql})
 * @param tables        every base table, in name order
 */
public record BackupManifest(String cluster, String node, String role, String engine, String database, String position,
                             Instant startedAt, Instant finishedAt, String tool, String toolVersion, String serverVersion,
                             String dump, List<Table> tables) {

    /** The manifest's name inside a backup directory. */
    public static final String FILE_NAME = "manifest.json";

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /**
     * One table as counted on the held node.
     *
     * @param schema   its schema (PostgreSQL) or database (MySQL, MariaDB)
     * @param name     its name
     * @param rows     its row count
     * @param checksum the sum of the first 60 bits of each row's MD5, in decimal: order-independent, reproducible on a restore
     */
    public record Table(String schema, String name, long rows, String checksum) {
        /** {@code schema.name}. */
        public String qualifiedName() {
            return schema + "." + name;
        }
    }

    public BackupManifest {
        tables = List.copyOf(tables);
    }

    /** Rows in all tables. */
    public long rows() {
        return tables.stream().mapToLong(Table::rows).sum();
    }

    /** From the start to the end of the dump. */
    public Duration duration() {
        return Duration.between(startedAt, finishedAt);
    }

    /** Reads {@value #FILE_NAME} of a backup directory. */
    public static BackupManifest read(Path directory) throws BackupException {
        Path file = directory.resolve(FILE_NAME);
        try {
            JsonNode root = JSON.readTree(Files.readString(file));
            List<Table> tables = new ArrayList<>();
            for (JsonNode t : root.path("tables")) {
                tables.add(new Table(t.path("schema").asString(), t.path("name").asString(), t.path("rows").asLong(),
                        t.path("checksum").asString()));
            }
            return new BackupManifest(root.path("cluster").asString(), root.path("node").asString(), root.path("role").asString(),
                    root.path("engine").asString(), root.path("database").asString(), root.path("position").asString(),
                    Instant.parse(root.path("startedAt").asString()), Instant.parse(root.path("finishedAt").asString()),
                    root.path("tool").asString(), root.path("toolVersion").asString(), root.path("serverVersion").asString(),
                    root.path("dump").asString(), tables);
        } catch (IOException | JacksonException | java.time.format.DateTimeParseException e) {
            throw new BackupException("Cannot read the backup manifest " + file + ": " + e.getMessage()
                    + "; expected the " + FILE_NAME + " a Replicaware backup writes", e);
        }
    }

    /** Writes {@value #FILE_NAME} into {@code directory}. */
    void write(Path directory) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("format", 1);
        root.put("cluster", cluster);
        root.put("node", node);
        root.put("role", role);
        root.put("engine", engine);
        root.put("database", database);
        root.put("position", position);
        root.put("startedAt", startedAt.toString());
        root.put("finishedAt", finishedAt.toString());
        root.put("durationMillis", duration().toMillis());
        root.put("tool", tool);
        root.put("toolVersion", toolVersion);
        root.put("serverVersion", serverVersion);
        root.put("dump", dump);
        root.put("totalRows", rows());
        ArrayNode list = root.putArray("tables");
        for (Table t : tables) {
            ObjectNode o = list.addObject();
            o.put("schema", t.schema());
            o.put("name", t.name());
            o.put("rows", t.rows());
            o.put("checksum", t.checksum());
        }
        Files.writeString(directory.resolve(FILE_NAME), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n");
    }
}
