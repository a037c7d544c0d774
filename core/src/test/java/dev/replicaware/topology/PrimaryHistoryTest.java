package dev.replicaware.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class PrimaryHistoryTest {
    private static final long S = 1_000_000_000L;

    @Test
    void noSamplesMeansUnknownLag() {
        assertThat(new PrimaryHistory(8).lagSeconds(10, 5 * S)).isNaN();
    }

    @Test
    void idlePrimaryAndCaughtUpReplicaMeansZeroLagHoweverLongTheIdle() {
        PrimaryHistory h = new PrimaryHistory(8);
        h.record(0, 1000);
        h.record(1 * S, 1000);
        assertThat(h.lagSeconds(1000, 600 * S)).isZero();
    }

    @Test
    void steadyWritesGiveTheDelayBehindThePrimary() {
        PrimaryHistory h = new PrimaryHistory(64);
        // 100 bytes per second, a sample every half second
        for (int i = 0; i <= 20; i++) {
            h.record(i * S / 2, i * 50L);
        }
        // at t = 10 s the primary is at 1000; a replica that replayed up to 800 is 2 s behind
        assertThat(h.lagSeconds(800, 10 * S)).isCloseTo(2.0, within(1e-9));
        // between samples: 825 was reached at 8.25 s
        assertThat(h.lagSeconds(825, 10 * S)).isCloseTo(1.75, within(1e-9));
    }

    @Test
    void aReplicaOlderThanEverySampleGetsTheAgeOfTheOldest() {
        PrimaryHistory h = new PrimaryHistory(4);
        for (int i = 0; i < 10; i++) {
            h.record(i * S, 100L * (i + 1));
        }
        // only the samples of 6..9 s remain
        assertThat(h.lagSeconds(50, 10 * S)).isCloseTo(4.0, within(1e-9));
    }

    @Test
    void aPositionGoingBackwardsStartsANewHistory() {
        PrimaryHistory h = new PrimaryHistory(8);
        h.record(0, 5000);
        h.record(S, 6000);
        h.record(2 * S, 10); // a new primary with positions of its own
        assertThat(h.latestPosition()).isEqualTo(10);
        assertThat(h.lagSeconds(10, 3 * S)).isZero();
        assertThat(h.lagSeconds(5, 3 * S)).isCloseTo(1.0, within(1e-9));
    }

    @Test
    void capacityMustHoldTwoSamples() {
        assertThatThrownBy(() -> new PrimaryHistory(1)).hasMessage("capacity must be at least 2, but was 1");
    }
}
