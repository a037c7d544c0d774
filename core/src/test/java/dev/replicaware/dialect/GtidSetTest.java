package dev.replicaware.dialect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** GTID positions compare sequence by sequence, never as sums. */
class GtidSetTest {
    private static final String A = "3e11fa47-71ca-11e1-9e33-c80aa9429562";
    private static final String B = "4e11fa47-71ca-11e1-9e33-c80aa9429562";

    @Test
    void aMariaDbPositionCoversAGtidOfItsDomainUpToItsSequenceOnTheSameServersHistory() {
        GtidSet replica = GtidSet.mariaDb("0-1-42,7-2-1000000");
        assertThat(replica.covers(GtidSet.mariaDb("0-1-42"))).isTrue();
        assertThat(replica.covers(GtidSet.mariaDb("0-1-41,7-2-5"))).isTrue();
        // a replica that received more of an old primary's history than the promoted one: numbered ahead, yet without
        // the new primary's commits
        assertThat(replica.covers(GtidSet.mariaDb("0-3-41"))).as("another server id, same domain").isFalse();
        assertThat(replica.covers(GtidSet.mariaDb("7-1-5"))).as("another server id in domain 7").isFalse();
        assertThat(replica.covers(GtidSet.mariaDb("0-1-43"))).as("domain 0 is behind, however far domain 7 is").isFalse();
        assertThat(replica.covers(GtidSet.mariaDb("5-1-1"))).as("a domain it has none of").isFalse();
        assertThat(replica.covers(GtidSet.mariaDb(""))).isTrue();
        assertThatThrownBy(() -> GtidSet.mariaDb("0-1")).hasMessageContaining("'0-1'");
    }

    @Test
    void aMySqlSetCoversWhatItHoldsSourceBySource() {
        GtidSet replica = GtidSet.mySql(A + ":1-100:105,\n" + B + ":1-5");
        assertThat(replica.covers(GtidSet.mySql(A + ":1-100"))).isTrue();
        assertThat(replica.covers(GtidSet.mySql(A.toUpperCase() + ":50-60:105"))).isTrue();
        assertThat(replica.covers(GtidSet.mySql(A + ":101"))).as("a gap").isFalse();
        assertThat(replica.covers(GtidSet.mySql(B + ":1-6"))).as("B is behind, however far A is").isFalse();
        assertThat(replica.covers(GtidSet.mySql(A + ":tag:1"))).as("a tagged sequence it has none of").isFalse();
        assertThat(replica.covers(GtidSet.mySql(""))).isTrue();
        // a MariaDB GTID is no MySQL set: read as one it would be empty, which every replica covers
        assertThatThrownBy(() -> GtidSet.mySql("0-1-42")).hasMessageContaining("'0-1-42'");
    }

    @Test
    void aUnionHoldsBoth() {
        GtidSet u = GtidSet.mariaDb("0-1-10").union(GtidSet.mariaDb("0-1-5,1-1-3"));
        assertThat(u.covers(GtidSet.mariaDb("0-1-10,1-1-3"))).isTrue();
        assertThat(u.covers(GtidSet.mariaDb("0-1-11"))).isFalse();
        // per domain the later last GTID's server: the replica moved on to the new primary's history
        GtidSet moved = GtidSet.mariaDb("0-1-10").union(GtidSet.mariaDb("0-2-12"));
        assertThat(moved.covers(GtidSet.mariaDb("0-2-12"))).isTrue();
        assertThat(moved.covers(GtidSet.mariaDb("0-1-10"))).isFalse();
        GtidSet m = GtidSet.mySql(A + ":1-10").union(GtidSet.mySql(A + ":11-20:30"));
        assertThat(m.covers(GtidSet.mySql(A + ":1-20:30"))).isTrue();
        assertThat(m.covers(GtidSet.mySql(A + ":21"))).isFalse();
        assertThat(m.toString()).isEqualTo(A + ":1-20:30");
    }
}
