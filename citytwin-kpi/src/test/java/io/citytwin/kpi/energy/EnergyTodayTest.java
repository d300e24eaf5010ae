package io.citytwin.kpi.energy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class EnergyTodayTest {
    private static final ZoneId UTC = ZoneId.of("UTC");

    @Test
    void trapezoidOnObservedAt() {
        EnergyToday e = new EnergyToday(UTC, Duration.ofHours(1));
        Instant t = Instant.parse("2026-11-21T10:00:00Z");
        e.add(t, 2);
        e.add(t.plusSeconds(900), 4); // (2 + 4) / 2 * 0.25 h = 0.75 kWh
        e.add(t.plusSeconds(1800), 4); // + 1.0
        assertThat(e.kwh()).isCloseTo(1.75, within(1e-12));
        assertThat(e.add(t.plusSeconds(900), 100)).isFalse(); // late: ignored
        assertThat(e.kwhOn(LocalDate.of(2026, 11, 21))).isCloseTo(1.75, within(1e-12));
        assertThat(e.kwhOn(LocalDate.of(2026, 11, 22))).isZero();
    }

    @Test
    void midnight_splitsTheIntervalWithTheInterpolatedPower() {
        ZoneId shanghai = ZoneId.of("Asia/Shanghai");
        EnergyToday e = new EnergyToday(shanghai, Duration.ofHours(1));
        // 23:45 and 00:15 local (UTC+8): 15 minutes on each side of midnight, power 2 -> 6 kW, 4 kW at midnight
        e.add(Instant.parse("2026-11-21T15:45:00Z"), 2);
        e.add(Instant.parse("2026-11-21T16:15:00Z"), 6);
        assertThat(e.day()).hasValue(LocalDate.of(2026, 11, 22));
        assertThat(e.kwh()).isCloseTo((4 + 6) / 2.0 * 0.25, within(1e-12));
    }

    @Test
    void gapsLongerThanMaxGap_areNotIntegrated() {
        EnergyToday e = new EnergyToday(UTC, Duration.ofHours(1));
        Instant t = Instant.parse("2026-11-21T10:00:00Z");
        e.add(t, 2);
        e.add(t.plusSeconds(3 * 3600), 2);
        assertThat(e.kwh()).isZero();
        e.add(t.plusSeconds(4 * 3600), 2);
        assertThat(e.kwh()).isCloseTo(2, within(1e-12));
    }

    @Test
    void restore_continuesTheDay() {
        EnergyToday e = new EnergyToday(UTC, Duration.ofHours(1));
        Instant t = Instant.parse("2026-11-21T10:00:00Z");
        e.restore(LocalDate.of(2026, 11, 21), 12.5, t, 2);
        e.add(t.plusSeconds(1800), 2);
        assertThat(e.kwh()).isCloseTo(13.5, within(1e-12));
    }

    @Property
    void constantPower_givesPowerTimesHours(
            @ForAll @DoubleRange(min = 0, max = 1000) double kw, @ForAll @IntRange(min = 2, max = 90) int readings) {
        EnergyToday e = new EnergyToday(UTC, Duration.ofHours(1));
        Instant t = Instant.parse("2026-11-21T00:00:00Z");
        for (int i = 0; i < readings; i++) {
            e.add(t.plusSeconds(900L * i), kw);
        }
        assertThat(e.kwh()).isCloseTo(kw * 0.25 * (readings - 1), within(1e-6 * (1 + kw * readings)));
    }
}
