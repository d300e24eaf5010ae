package io.citytwin.kpi.air;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class NowCastTest {
    private static final double N = Double.NaN;

    @Test
    void pm_weightsHoursByTheirRange_withAFloorOfOneHalf() {
        // w* = 10/20 = 0.5: (20 + 0.5*10) / 1.5
        assertThat(NowCast.pm(new double[] {20, 10}).orElseThrow()).isCloseTo(25 / 1.5, within(1e-9));
        // w* = 0.25 is floored at 0.5 for PM: (40 + 0.5*10) / 1.5 = 30
        assertThat(NowCast.pm(new double[] {40, 10}).orElseThrow()).isCloseTo(30, within(1e-9));
        // O3 takes w = w* = 0.25: (40 + 0.25*10) / 1.25 = 34
        assertThat(NowCast.of(new double[] {40, 10}, 12, 0).orElseThrow()).isCloseTo(34, within(1e-9));
    }

    @Test
    void pm_skipsMissingHoursButKeepsTheirPowerOfW() {
        // hours 1 and 3 valid: w* = 10/20 = 0.5; (20 + 0.25*10) / (1 + 0.25)
        assertThat(NowCast.pm(new double[] {20, N, 10, N}).orElseThrow()).isCloseTo(22.5 / 1.25, within(1e-9));
    }

    @Test
    void pm_needsTwoOfTheThreeNewestHours() {
        assertThat(NowCast.pm(new double[] {20, N, N, 10, 10})).isEmpty();
        assertThat(NowCast.pm(new double[] {N, 20, 10})).isPresent();
        assertThat(NowCast.pm(new double[] {15})).isEmpty();
    }

    @Test
    void constantHours_giveThatValue_andZerosGiveZero() {
        double[] twelve = new double[12];
        Arrays.fill(twelve, 17.3);
        assertThat(NowCast.pm(twelve).orElseThrow()).isCloseTo(17.3, within(1e-9));
        assertThat(NowCast.pm(new double[12]).orElseThrow()).isZero();
    }

    @Property
    void nowCast_liesBetweenTheSmallestAndLargestHour(
            @ForAll @Size(min = 3, max = 12) List<@DoubleRange(min = 0, max = 500) Double> values) {
        double[] hours = values.stream().mapToDouble(Double::doubleValue).toArray();
        double min = Arrays.stream(hours).min().orElseThrow();
        double max = Arrays.stream(hours).max().orElseThrow();
        assertThat(NowCast.pm(hours).orElseThrow()).isBetween(min - 1e-9, max + 1e-9);
    }
}
