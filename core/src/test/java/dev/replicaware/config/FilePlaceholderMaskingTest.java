package dev.replicaware.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What a ${file:...} placeholder read is treated as a secret, whatever key it is used in. */
class FilePlaceholderMaskingTest {

    private static Path file(Path dir, String name, String content) throws IOException {
        Path f = dir.resolve(name);
        Files.writeString(f, content + "\n");
        return f;
    }

    @Test
    void aFileValueInANonSecretKeyIsNotEchoedInErrors(@TempDir Path dir) throws IOException {
        Path url = file(dir, "url", "postgres://db9/url-from-file");
        Path interval = file(dir, "interval", "interval-from-file");
        Path weight = file(dir, "weight", "q9");
        String yaml = "cluster: c\n"
                + "primary: { url: '${file:" + url + "}' }\n"
                + "replicas: [ { url: 'jdbc:postgresql://db2/c', weight: '${file:" + weight + "}' } ]\n"
                + "health: { interval: '${file:" + interval + "}' }\n";
        assertThatThrownBy(() -> YamlConfig.parse(yaml, "c.yml", n -> null))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("primary.url")
                .hasMessageContaining("health.interval")
                .hasMessageContaining("replicas[0].weight")
                .hasMessageNotContaining("url-from-file")
                .hasMessageNotContaining("interval-from-file")
                .hasMessageNotContaining("'q9'");
    }

    @Test
    void aFileValueIsNotShownByToStringMaskedUrlsOrNodeNames(@TempDir Path dir) throws IOException {
        Path user = file(dir, "user", "user-from-file");
        Path host = file(dir, "host", "host-from-file");
        ClusterConfig c = YamlConfig.parse("cluster: c\n"
                + "username: '${file:" + user + "}'\n"
                + "primary: { url: 'jdbc:postgresql://${file:" + host + "}:5432/c' }\n", "c.yml", n -> null).cluster();
        assertThat(c.username()).isEqualTo("user-from-file");
        assertThat(c.primary().name()).as("not host:port, which is the file's").isEqualTo("primary");
        assertThat(c.toString()).doesNotContain("user-from-file").doesNotContain("host-from-file").contains("c");
        assertThat(Secrets.maskUrl(c.primary().url())).doesNotContain("host-from-file").startsWith("jdbc:postgresql://");
    }
}
