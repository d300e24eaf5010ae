package io.citytwin.kpi.air;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EuropeanAqiTest {
    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource({
        "PM25, 5, 1",
        "PM25, 5.1, 2",
        "PM25, 15, 2",
        "PM25, 50, 3",
        "PM25, 90, 4",
        "PM25, 140, 5",
        "PM25, 140.1, 6",
        "PM10, 45, 2",
        "PM10, 270.5, 6",
        "NO2, 10, 1",
        "NO2, 25.5, 3",
        "O3, 100, 2",
        "O3, 181, 6",
        "SO2, 190, 4"
    })
    void level_bands2024(Pollutant p, double c, int level) {
        assertThat(EuropeanAqi.level(p, c)).hasValue(level);
    }

    @Test
    void station_takesTheWorstPollutant_pmOnTheDailyMean() {
        Map<Pollutant, HourlySeries> m = new EnumMap<>(Pollutant.class);
        HourlySeries pm = new HourlySeries();
        pm.add(Instant.parse("2026-11-21T00:10:00Z"), 4); // hour 0
        pm.add(Instant.parse("2026-11-21T01:10:00Z"), 30); // hour 1: 24 h mean 17 -> Moderate (3)
        m.put(Pollutant.PM25, pm);
        HourlySeries no2 = new HourlySeries();
        no2.add(Instant.parse("2026-11-21T01:10:00Z"), 20); // Fair (2)
        m.put(Pollutant.NO2, no2);
        assertThat(EuropeanAqi.compute(m)).hasValue(3);
        assertThat(EuropeanAqi.name(3)).isEqualTo("Moderate");
        assertThat(EuropeanAqi.level(Pollutant.CO, 1)).isEmpty();
    }
}
