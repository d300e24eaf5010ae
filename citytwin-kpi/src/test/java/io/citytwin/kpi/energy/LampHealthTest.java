package io.citytwin.kpi.energy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LampHealthTest {
    @Test
    void aLampOnDrawingUnderAFifthOfItsExpectedPower_hasFailed() {
        // 60 W at 50 %: P_exp = 0.5 + 59.5 * 0.5 = 30.25 W; a fifth is 6.05 W
        assertThat(LampHealth.powerFailed(0.6, 60, 0.5)).hasValue(true);
        assertThat(LampHealth.powerFailed(6.0, 60, 0.5)).hasValue(true);
        assertThat(LampHealth.powerFailed(6.1, 60, 0.5)).hasValue(false);
        assertThat(LampHealth.powerFailed(30, 60, 0.5)).hasValue(false);
        assertThat(LampHealth.powerFailed(30, 60, Double.NaN)).hasValue(false); // d = 1: a fifth of 60 W is 12 W
        assertThat(LampHealth.powerFailed(30, Double.NaN, 1)).isEmpty();
    }

    @Test
    void statesAndStatuses() {
        assertThat(LampHealth.isOn("on")).isTrue();
        assertThat(LampHealth.isOn("off")).isFalse();
        assertThat(LampHealth.isOn(true)).isTrue();
        assertThat(LampHealth.failedStatus("defectiveLamp")).isTrue();
        assertThat(LampHealth.failedStatus("ok")).isFalse();
    }
}
