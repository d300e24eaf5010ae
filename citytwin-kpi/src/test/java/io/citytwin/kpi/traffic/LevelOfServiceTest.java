package io.citytwin.kpi.traffic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LevelOfServiceTest {
    @ParameterizedTest
    @CsvSource({"0, A", "11, A", "11.01, B", "18, B", "26, C", "35, D", "45, E", "45.1, F", "200, F"})
    void hcmFreewayDensityThresholds(double density, String los) {
        assertThat(LevelOfService.ofDensity(density)).isEqualTo(los);
    }

    @Test
    void densityFromOccupancy_isOccOverVehicleLength() {
        // 10 % occupancy with 6.5 m vehicles: 0.1 * 1000 / 6.5 = 15.38 veh/km = 24.76 veh/mi -> C
        double k = LevelOfService.densityFromOccupancy(0.10, 6.5);
        assertThat(k).isCloseTo(0.1 * 1000 / 6.5 * 1.609344, within(1e-9));
        assertThat(LevelOfService.ofDensity(k)).isEqualTo("C");
        assertThat(LevelOfService.densityFromFlow(1000, 50, 2).orElseThrow()).isCloseTo(10 * 1.609344, within(1e-9));
        assertThat(LevelOfService.densityFromFlow(1000, 0, 2)).isEmpty();
    }

    @Property
    void los_isMonotoneInDensity(
            @ForAll @DoubleRange(min = 0, max = 300) double a, @ForAll @DoubleRange(min = 0, max = 300) double b) {
        String lo = LevelOfService.ofDensity(Math.min(a, b));
        String hi = LevelOfService.ofDensity(Math.max(a, b));
        assertThat(lo.compareTo(hi)).isLessThanOrEqualTo(0);
    }
}
