package dev.replicaware.failover;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class JdbcUrlsTest {
    @Test
    void hostAndPortOfTheUsualUrls() {
        assertThat(JdbcUrls.host("jdbc:postgresql://db1:5433/app?ssl=false")).isEqualTo("db1");
        assertThat(JdbcUrls.port("jdbc:postgresql://db1:5433/app?ssl=false")).isEqualTo(5433);
        assertThat(JdbcUrls.host("jdbc:mysql://user:pw@10.0.0.2/app")).isEqualTo("10.0.0.2");
        assertThat(JdbcUrls.port("jdbc:mysql://user:pw@10.0.0.2/app")).isEqualTo(-1);
        assertThat(JdbcUrls.host("jdbc:postgresql://[::1]:5432/app")).isEqualTo("::1");
        assertThat(JdbcUrls.port("jdbc:postgresql://[::1]:5432/app")).isEqualTo(5432);
    }
}
