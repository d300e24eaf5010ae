package io.citytwin.kpi.water;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class NightFlowTest {
    private static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");

    @Test
    void minimumRollingHour_isTheSmallestHourMeanInTheWindow() {
        Instant start = Instant.parse("2026-11-21T02:00:00Z");
        List<Instant> times = new ArrayList<>();
        double[] values = new double[120];
        for (int m = 0; m < 120; m++) {
            times.add(start.plusSeconds(60L * m + 30));
            values[m] = m < 60 ? 10 : 20; // first hour 10, second hour 20
        }
        values[30] = 0; // a single dip does not make the minimum: it is averaged over an hour
        // the first full hour (02:00:30, 03:00:30] holds 58 tens, the zero and one twenty: 600 / 60
        assertThat(NightFlow.minimumRollingHour(times, values, start).orElseThrow())
                .isCloseTo(10, within(1e-9));
    }

    @Test
    void minimumRollingHour_needsAFullHour() {
        Instant start = Instant.parse("2026-11-21T02:00:00Z");
        assertThat(NightFlow.minimumRollingHour(List.of(start.plusSeconds(60)), new double[] {5}, start))
                .isEmpty();
    }

    @Test
    void meter_closesTheNightAt04LocalTime() {
        NightFlow.Meter m = new NightFlow.Meter(SHANGHAI);
        // 2026-11-21 02:00 Shanghai = 2026-11-20T18:00Z
        Instant start = Instant.parse("2026-11-20T18:00:00Z");
        Optional<NightFlow.Night> closed = Optional.empty();
        for (int minute = -30; minute <= 150; minute++) {
            Optional<NightFlow.Night> n = m.add(start.plusSeconds(60L * minute), minute < 60 ? 8 : 6);
            if (n.isPresent()) {
                assertThat(closed).isEmpty();
                closed = n;
            }
        }
        NightFlow.Night night = closed.orElseThrow();
        assertThat(night.date()).isEqualTo(LocalDate.of(2026, 11, 21));
        assertThat(night.mnf()).isCloseTo(6, within(1e-9));
        assertThat(night.end()).isEqualTo(Instant.parse("2026-11-20T20:00:00Z"));
    }

    @Test
    void meter_silentAfterTheWindow_closesOnTheClock() {
        NightFlow.Meter m = new NightFlow.Meter(ZoneId.of("UTC"));
        Instant start = Instant.parse("2026-11-21T02:00:00Z");
        for (int minute = 0; minute < 120; minute++) {
            m.add(start.plusSeconds(60L * minute), 3);
        }
        assertThat(m.closeIfDue(Instant.parse("2026-11-21T03:59:00Z"))).isEmpty();
        assertThat(m.closeIfDue(Instant.parse("2026-11-21T04:00:00Z"))
                        .orElseThrow()
                        .mnf())
                .isCloseTo(3, within(1e-9));
        assertThat(m.closeIfDue(Instant.parse("2026-11-21T05:00:00Z"))).isEmpty();
    }

    @Test
    void baseline_isTheMedianOfThePreviousSevenNights_andRatioTheLastOverIt() {
        NightFlow.Baseline b = new NightFlow.Baseline();
        LocalDate d = LocalDate.of(2026, 11, 1);
        double[] mnf = {100, 4, 5, 6, 5, 4, 6, 5, 10}; // the first falls out (8 kept)
        for (int i = 0; i < mnf.length; i++) {
            b.put(d.plusDays(i), "m1", mnf[i]);
        }
        assertThat(b.baseline(d.plusDays(8)).orElseThrow()).isEqualTo(5);
        assertThat(b.ratio().orElseThrow()).isEqualTo(2);
        assertThat(b.baselineNights(d.plusDays(8))).isEqualTo(7);
    }

    @Test
    void baseline_sumsMeters_andMeterValuesReplaceARestoredNight() {
        NightFlow.Baseline b = new NightFlow.Baseline();
        LocalDate d = LocalDate.of(2026, 11, 1);
        b.restore(d, 9);
        b.put(d.plusDays(1), "a", 2);
        b.put(d.plusDays(1), "b", 3);
        assertThat(b.last().orElseThrow().getValue()).isEqualTo(5);
        assertThat(b.ratio().orElseThrow()).isCloseTo(5.0 / 9, within(1e-9));
        b.put(d, "a", 4);
        assertThat(b.baseline(d.plusDays(1)).orElseThrow()).isEqualTo(4);
        assertThat(NightFlow.median(new double[] {3, 1, 2, 10})).isEqualTo(2.5);
    }
}
