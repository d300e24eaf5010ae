package io.citytwin.kpi.air;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StationAqiTest {
    private static final Instant T0 = Instant.parse("2026-11-21T00:00:00Z");

    private static HourlySeries hourly(double... newestLast) {
        HourlySeries s = new HourlySeries();
        for (int i = 0; i < newestLast.length; i++) {
            Instant hour = T0.plus(Duration.ofHours(i));
            s.add(hour.plusSeconds(60), newestLast[i]);
            s.add(hour.plusSeconds(1800), newestLast[i]);
        }
        return s;
    }

    @Test
    void pm25_usesTheNowCastOfTheHourlyMeans() {
        Map<Pollutant, HourlySeries> m = new EnumMap<>(Pollutant.class);
        m.put(Pollutant.PM25, hourly(10, 20)); // NowCast (20 + 0.5*10)/1.5 = 16.67 -> 16.6 -> AQI 65
        StationAqi.Result r =
                StationAqi.compute(m, UsAqi.HazardousScale.TAD_2024).orElseThrow();
        assertThat(r.aqi()).isEqualTo((int) Math.round((100.0 - 51) / (35.4 - 9.1) * (16.6 - 9.1) + 51));
        assertThat(r.category()).isEqualTo(UsAqi.Category.MODERATE);
        assertThat(r.dominant()).isEqualTo(Pollutant.PM25);
        assertThat(r.provisional()).isFalse();
    }

    @Test
    void oneHourOnly_isProvisional() {
        Map<Pollutant, HourlySeries> m = new EnumMap<>(Pollutant.class);
        m.put(Pollutant.PM25, hourly(12.0));
        StationAqi.Result r =
                StationAqi.compute(m, UsAqi.HazardousScale.TAD_2024).orElseThrow();
        assertThat(r.aqi()).isEqualTo(56);
        assertThat(r.provisional()).isTrue();
    }

    @Test
    void theHighestSubIndexWins_andNamesTheDominantPollutant() {
        Map<Pollutant, HourlySeries> m = new EnumMap<>(Pollutant.class);
        m.put(Pollutant.PM25, hourly(5, 5, 5));
        // NO2 in µg/m³: 200 µg/m³ = 106.4 ppb -> 106 ppb -> (150-101)/(360-101)*(106-101)+101 = 101.9 -> 102
        m.put(Pollutant.NO2, hourly(30, 30, 200));
        StationAqi.Result r =
                StationAqi.compute(m, UsAqi.HazardousScale.TAD_2024).orElseThrow();
        assertThat(r.dominant()).isEqualTo(Pollutant.NO2);
        assertThat(r.aqi()).isEqualTo(102);
        assertThat(r.subIndices()).containsKeys(Pollutant.PM25, Pollutant.NO2);
    }

    @Test
    void ozone_takesTheOneHourTableWhenItIsHigher() {
        Map<Pollutant, HourlySeries> m = new EnumMap<>(Pollutant.class);
        // 8-hour mean 102.5 µg/m³ = 0.052 ppm (AQI 48); the newest hour 400 µg/m³ = 0.204 ppm (1-hour AQI 200)
        m.put(Pollutant.O3, hourly(60, 60, 60, 60, 60, 60, 60, 400));
        StationAqi.Result r =
                StationAqi.compute(m, UsAqi.HazardousScale.TAD_2024).orElseThrow();
        assertThat(r.aqi()).isEqualTo(200);
    }

    @Test
    void noReadings_noAqi() {
        assertThat(StationAqi.compute(Map.of(), UsAqi.HazardousScale.TAD_2024)).isEmpty();
    }
}
