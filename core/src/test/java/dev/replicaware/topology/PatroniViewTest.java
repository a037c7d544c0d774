package dev.replicaware.topology;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Reading Patroni's {@code GET /cluster}, as Patroni 3.0 writes it. */
class PatroniViewTest {
    static final String CLUSTER = """
            {"members": [
              {"name": "pg0", "role": "leader", "state": "running", "api_url": "http://10.0.0.1:8008/patroni",
               "host": "10.0.0.1", "port": 5432, "timeline": 3, "pending_restart": true},
              {"name": "pg1", "role": "sync_standby", "state": "streaming", "api_url": "http://10.0.0.2:8008/patroni",
               "host": "10.0.0.2", "port": 5432, "timeline": 3, "lag": 0, "tags": {"nofailover": true}},
              {"name": "pg2", "role": "replica", "state": "running", "host": "10.0.0.3", "port": 5433, "timeline": 2,
               "lag": "unknown", "tags": {"noloadbalance": true, "clonefrom": true}},
              {"role": "replica"}
            ], "scope": "demo"}
            """;

    @Test
    void membersRolesTagsAndLagAreRead() {
        PatroniView v = PatroniClient.parse(CLUSTER, "http://10.0.0.1:8008/cluster");
        assertThat(v.members()).extracting(PatroniView.Member::name).containsExactly("pg0", "pg1", "pg2");
        assertThat(v.leader().name()).isEqualTo("pg0");
        PatroniView.Member pg0 = v.members().get(0);
        assertThat(pg0.pendingRestart()).isTrue();
        assertThat(pg0.timeline()).isEqualTo(3);
        assertThat(pg0.lag()).isEqualTo(-1);
        PatroniView.Member pg1 = v.members().get(1);
        assertThat(pg1.leader()).isFalse();
        assertThat(pg1.nofailover()).isTrue();
        assertThat(pg1.noloadbalance()).isFalse();
        assertThat(pg1.lag()).isZero();
        PatroniView.Member pg2 = v.members().get(2);
        assertThat(pg2.noloadbalance()).isTrue();
        assertThat(pg2.lag()).as("'unknown' lag").isEqualTo(-1);
        assertThat(pg2.port()).isEqualTo(5433);
        assertThat(v.toString()).isEqualTo("Patroni[pg0 leader running pending_restart, pg1 sync_standby streaming nofailover, "
                + "pg2 replica running noloadbalance]");
    }

    @Test
    void aLagOrTimelineChangeDoesNotChangeRoutingButARoleOrTagDoes() {
        PatroniView v = PatroniClient.parse(CLUSTER, "a");
        assertThat(v.sameRouting(PatroniClient.parse(CLUSTER.replace("\"lag\": 0", "\"lag\": 4096").replace("\"timeline\": 2", "\"timeline\": 3"), "b")))
                .isTrue();
        assertThat(v.sameRouting(PatroniClient.parse(CLUSTER.replace("\"noloadbalance\": true", "\"noloadbalance\": false"), "b"))).isFalse();
        assertThat(v.sameRouting(PatroniClient.parse(CLUSTER.replace("\"role\": \"leader\"", "\"role\": \"replica\""), "b"))).isFalse();
        assertThat(v.sameRouting(null)).isFalse();
    }

    @Test
    void aNodeIsMatchedByTheHostAndPortOfItsJdbcUrl() {
        assertThat(PatroniSource.address("jdbc:postgresql://10.0.0.3:5433/app?ssl=true")).isEqualTo("10.0.0.3:5433");
        assertThat(PatroniSource.address("jdbc:postgresql://db1/app")).isEqualTo("db1:5432");
        assertThat(PatroniSource.address("jdbc:postgresql://[::1]:5433/app")).isEqualTo("[::1]:5433");
    }
}
