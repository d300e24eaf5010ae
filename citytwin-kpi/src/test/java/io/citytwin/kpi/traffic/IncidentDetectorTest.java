package io.citytwin.kpi.traffic;

import static org.assertj.core.api.Assertions.assertThat;

import io.citytwin.kpi.traffic.IncidentDetector.State;
import org.junit.jupiter.api.Test;

class IncidentDetectorTest {
    private final IncidentDetector d = new IncidentDetector(IncidentDetector.Thresholds.DEFAULTS);

    @Test
    void incident_isTentativeThenConfirmedWhenTheDifferencePersists_andClearsWhenItGoes() {
        assertThat(d.step(20, 19, 19)).isFalse();
        assertThat(d.state()).isEqualTo(State.FREE);
        // upstream jams (76 %), downstream empties (19 % -> 9.5 %): OCCDF 66.5, OCCRDF 0.88, DOCCTD 0.5
        assertThat(d.step(76, 9.5, 19)).isFalse();
        assertThat(d.state()).isEqualTo(State.TENTATIVE);
        assertThat(d.step(75, 9.5, 9.5)).isTrue(); // OCCRDF still >= 0.5: confirmed one interval later
        assertThat(d.step(77, 10, 9.5)).isTrue(); // continuing
        assertThat(d.step(20, 18, 10)).isFalse(); // OCCRDF 0.1: incident over
        assertThat(d.state()).isEqualTo(State.FREE);
    }

    @Test
    void aSingleIntervalDoesNotConfirm() {
        d.step(76, 9.5, 19);
        assertThat(d.step(20, 19, 9.5)).isFalse();
        assertThat(d.state()).isEqualTo(State.FREE);
    }

    @Test
    void recurrentCongestion_bothDetectorsFull_isNoIncident() {
        for (int i = 0; i < 10; i++) {
            assertThat(d.step(70, 65, 60)).isFalse();
        }
    }

    @Test
    void compressionWave_blocksDetectionForFiveIntervals() {
        // downstream occupancy jumps 20 -> 40 (DOCC >= 30 %, DOCCTD = -1 < -0.4): a compression wave
        d.step(50, 40, 20);
        assertThat(d.state()).isEqualTo(State.COMPRESSION);
        for (int i = 0; i < 4; i++) {
            d.step(76, 9.5, 19); // would be tentative, but suppressed
            assertThat(d.state()).isEqualTo(State.COMPRESSION);
        }
        d.step(76, 9.5, 19);
        assertThat(d.state()).isEqualTo(State.FREE);
        d.step(76, 9.5, 19);
        assertThat(d.state()).isEqualTo(State.TENTATIVE);
    }

    @Test
    void zeroOccupancies_doNotDivideByZero() {
        assertThat(d.step(0, 0, 0)).isFalse();
        assertThat(d.state()).isEqualTo(State.FREE);
    }
}
