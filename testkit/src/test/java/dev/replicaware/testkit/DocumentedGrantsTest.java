package dev.replicaware.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The grants the testkit creates its users with are the docs' own, word for word: a change to either fails here, so
 * that the failover tests always run as exactly what users are told to create.
 */
class DocumentedGrantsTest {

    private static String read(String file) throws IOException {
        Path p = Path.of("..", file); // tests run in the module's directory
        return Files.readString(p, StandardCharsets.UTF_8);
    }

    /** The ```sql block that follows {@code heading} inside the admin-privileges section of docs/failover.md. */
    private static String block(String doc, String heading) {
        int section = doc.indexOf("## Least privileges of the admin user");
        assertThat(section).as("docs/failover.md has its admin-privileges section").isNotNegative();
        int h = doc.indexOf("\n" + heading + "\n", section);
        assertThat(h).as("docs/failover.md has '%s' under its admin-privileges section", heading).isNotNegative();
        int start = doc.indexOf("```sql\n", h) + "```sql\n".length();
        int end = doc.indexOf("```", start);
        return doc.substring(start, end);
    }

    @Test
    void theAdminUsersAreCreatedWithExactlyTheDocumentedSql() throws IOException {
        String doc = read("docs/failover.md");
        assertThat(block(doc, "### PostgreSQL (16+)")).isEqualTo(DocumentedGrants.POSTGRES_ADMIN);
        assertThat(block(doc, "### MariaDB (10.11+)")).isEqualTo(DocumentedGrants.MARIADB_ADMIN);
        assertThat(block(doc, "### MySQL (8.4+)")).isEqualTo(DocumentedGrants.MYSQL_ADMIN);
    }

    @Test
    void theApplicationUsersGetTheDocumentedGrants() throws IOException {
        String settings = read("docs/configuration.md");
        assertThat(settings).contains("| PostgreSQL | `" + DocumentedGrants.POSTGRES_APP + "`")
                .contains("| MariaDB | `" + DocumentedGrants.MARIADB_APP + "`")
                .contains("| MySQL | `" + DocumentedGrants.MYSQL_APP + "`");
        String readme = read("README.md").replaceAll("\\s+", " ");
        assertThat(readme).contains("PostgreSQL `" + DocumentedGrants.POSTGRES_APP + "`")
                .contains("MariaDB `" + DocumentedGrants.MARIADB_APP + "`")
                .contains("MySQL `" + DocumentedGrants.MYSQL_APP + "`");
    }

    @Test
    void statementsPutTheClustersUserPasswordAndDatabaseInPlace() {
        assertThat(DocumentedGrants.statements(DocumentedGrants.MARIADB_ADMIN, "adm", "pw", "orders"))
                .first().isEqualTo("CREATE USER 'adm'@'%' IDENTIFIED BY 'pw'");
        assertThat(DocumentedGrants.statements(DocumentedGrants.MARIADB_ADMIN, "adm", "pw", "orders"))
                .contains("GRANT SHOW VIEW ON orders.* TO 'adm'@'%'", "GRANT RELOAD ON *.* TO 'adm'@'%'")
                .allSatisfy(s -> assertThat(s).doesNotContain("--", ";", "replicaware_admin", "…"));
        assertThat(DocumentedGrants.statements(DocumentedGrants.POSTGRES_ADMIN, "adm", "pw", "orders"))
                .contains("GRANT CONNECT ON DATABASE orders TO adm", "GRANT pg_signal_backend TO adm");
    }
}
