package dev.replicaware.dialect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class GtidsTest {
    @Test
    void mariaDbPositionCountsSequenceNumbersOfEveryDomain() {
        assertThat(Gtids.mariaDbCount("")).isZero();
        assertThat(Gtids.mariaDbCount(null)).isZero();
        assertThat(Gtids.mariaDbCount("0-1-42")).isEqualTo(42);
        assertThat(Gtids.mariaDbCount("0-1-42,1-2-7")).isEqualTo(49);
        assertThatThrownBy(() -> Gtids.mariaDbCount("0-1")).hasMessageContaining("'0-1'");
    }

    @Test
    void mySqlSetCountsTransactionsOfEveryInterval() {
        String uuid = "3e11fa47-71ca-11e1-9e33-c80aa9429562";
        assertThat(Gtids.mySqlCount("")).isZero();
        assertThat(Gtids.mySqlCount(uuid + ":1-5")).isEqualTo(5);
        assertThat(Gtids.mySqlCount(uuid + ":1-5:11-18")).isEqualTo(13);
        assertThat(Gtids.mySqlCount(uuid + ":1-5,\n" + uuid.replace('3', '4') + ":1-2")).isEqualTo(7);
        assertThat(Gtids.mySqlCount(uuid + ":1-3:tag:1-2")).isEqualTo(5);
    }

    @Test
    void mySqlUnionDoesNotCountOverlapsTwice() {
        String uuid = "3e11fa47-71ca-11e1-9e33-c80aa9429562";
        assertThat(Gtids.mySqlUnionCount(uuid + ":1-100", uuid + ":90-120")).isEqualTo(120);
        assertThat(Gtids.mySqlUnionCount(uuid + ":1-100", "")).isEqualTo(100);
        assertThat(Gtids.mySqlUnionCount(uuid + ":1-10", uuid.toUpperCase() + ":5")).isEqualTo(10);
    }
}
