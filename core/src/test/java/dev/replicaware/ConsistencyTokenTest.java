package dev.replicaware;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import org.junit.jupiter.api.Test;

/** The token an application carries, and the consistency that carries it. */
class ConsistencyTokenTest {

    @Test
    void aTokenSurvivesTextAndJavaSerialization() throws Exception {
        ConsistencyToken gtid = ConsistencyToken.of(42, "0-1-42,1-1-7");
        assertThat(ConsistencyToken.parse(gtid.asString())).isEqualTo(gtid);
        assertThat(gtid.asString()).matches("[A-Za-z0-9._-]+"); // cookie- and header-safe
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(gtid);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            assertThat(in.readObject()).isEqualTo(gtid);
        }
        assertThat(ConsistencyToken.later(gtid, ConsistencyToken.of(41, "0-1-41"))).isSameAs(gtid);
    }

    @Test
    void somethingElseIsNotAToken() {
        assertThatThrownBy(() -> ConsistencyToken.parse("0/16B3F28"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Not a Replicaware consistency token: '0/16B3F28'");
    }

    @Test
    void readYourWritesWithATokenIsADistinctConsistency() {
        ConsistencyToken t = ConsistencyToken.of(7, "0/7");
        assertThat(ReadConsistency.readYourWrites(t)).isEqualTo(ReadConsistency.readYourWrites(ConsistencyToken.of(7, "0/7")))
                .isNotEqualTo(ReadConsistency.READ_YOUR_WRITES);
        assertThat(ReadConsistency.readYourWrites(t).token()).isEqualTo(t);
        assertThat(ReadConsistency.parse("READ_YOUR_WRITES")).contains(ReadConsistency.READ_YOUR_WRITES);
    }
}
