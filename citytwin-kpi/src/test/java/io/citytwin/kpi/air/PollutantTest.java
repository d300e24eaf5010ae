package io.citytwin.kpi.air;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class PollutantTest {
    @Test
    void units_convertToMicrogramsPerCubicMetre_at25C() {
        assertThat(Pollutant.NO2.canonical(100, "61").orElseThrow()).isCloseTo(188, within(1e-9));
        assertThat(Pollutant.O3.canonical(0.05, "59").orElseThrow()).isCloseTo(98, within(1e-9));
        assertThat(Pollutant.CO.canonical(1, "59").orElseThrow()).isCloseTo(1.145, within(1e-9)); // mg/m3
        assertThat(Pollutant.CO.canonical(1145, "GQ").orElseThrow()).isCloseTo(1.145, within(1e-9));
        assertThat(Pollutant.PM25.canonical(12, "GQ")).hasValue(12.0);
        assertThat(Pollutant.PM25.canonical(12, "61")).isEmpty();
        assertThat(Pollutant.NO2.canonical(1, "XYZ")).isEmpty();
        assertThat(Pollutant.NO2.ppb(188)).isCloseTo(100, within(1e-9));
        assertThat(Pollutant.CO.ppm(1.145)).isCloseTo(1, within(1e-9));
    }

    @Test
    void terms_matchCaseInsensitively() {
        assertThat(Pollutant.ofTerm("PM2.5")).hasValue(Pollutant.PM25);
        assertThat(Pollutant.ofTerm("NO2")).hasValue(Pollutant.NO2);
        assertThat(Pollutant.ofTerm("temperature")).isEmpty();
    }
}
