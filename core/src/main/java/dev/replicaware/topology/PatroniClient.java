package dev.replicaware.topology;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads {@code GET /cluster} from Patroni's REST API. Every member reports the whole cluster (from the DCS), so the
 * first URL that answers serves; the one that answered last is asked first next time. Called only from the topology
 * monitor's threads, never from the request path.
 */
final class PatroniClient {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final String cluster;
    private final List<URI> urls;
    private final HttpClient http;
    private volatile Duration timeout;
    private volatile int preferred;

    PatroniClient(String cluster, List<String> urls, Duration timeout) {
        this.cluster = cluster;
        List<URI> u = new ArrayList<>();
        for (String url : urls) {
            String base = url.strip();
            u.add(URI.create((base.endsWith("/") ? base : base + "/") + "cluster"));
        }
        this.urls = List.copyOf(u);
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).version(HttpClient.Version.HTTP_1_1).build();
    }

    void retime(Duration timeout) {
        this.timeout = timeout;
    }

    /** The cluster as the first member that answers describes it; fails naming every URL tried and why. */
    PatroniView fetch() throws IOException {
        List<String> failures = new ArrayList<>();
        int start = preferred;
        for (int i = 0; i < urls.size(); i++) {
            int at = (start + i) % urls.size();
            URI uri = urls.get(at);
            try {
                HttpRequest request = HttpRequest.newBuilder(uri).timeout(timeout).header("Accept", "application/json").GET().build();
                HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() != 200) {
                    failures.add(uri + ": HTTP " + response.statusCode());
                    continue;
                }
                PatroniView view = parse(response.body(), uri.toString());
                preferred = at;
                return view;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while asking Patroni at " + uri, e);
            } catch (IOException | RuntimeException e) {
                failures.add(uri + ": " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
            }
        }
        throw new IOException("no Patroni REST API of cluster '" + cluster + "' answered: " + String.join("; ", failures));
    }

    /** Patroni's {@code /cluster} document; members without a name are skipped. */
    static PatroniView parse(String json, String from) {
        JsonNode root = JSON.readTree(json);
        List<PatroniView.Member> members = new ArrayList<>();
        for (JsonNode m : root.path("members")) {
            String name = m.path("name").asString("");
            if (name.isEmpty()) {
                continue;
            }
            JsonNode tags = m.path("tags");
            members.add(new PatroniView.Member(name, m.path("role").asString(""), m.path("state").asString(""),
                    m.path("host").asString(""), m.path("port").asInt(-1), m.path("timeline").asLong(-1),
                    m.path("lag").isNumber() ? m.path("lag").asLong() : -1, m.path("pending_restart").asBoolean(false),
                    tags.path("nofailover").asBoolean(false), tags.path("noloadbalance").asBoolean(false)));
        }
        return new PatroniView(members, from);
    }
}
