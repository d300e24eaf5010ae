package io.citytwin.kpi.air;

import static org.assertj.core.api.Assertions.assertThat;

import io.citytwin.kpi.air.UsAqi.HazardousScale;
import io.citytwin.kpi.air.UsAqi.Metric;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class UsAqiTest {
    private static int aqi(Metric m, double c) {
        return UsAqi.subIndex(m, c, HazardousScale.TAD_2024).orElseThrow();
    }

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource({
        // PM2.5, 2024 breakpoints: row edges and truncation to 0.1
        "PM25_24H, 0.0, 0",
        "PM25_24H, 9.0, 50",
        "PM25_24H, 9.09, 50",
        "PM25_24H, 9.1, 51",
        "PM25_24H, 35.4, 100",
        "PM25_24H, 35.5, 101",
        "PM25_24H, 55.4, 150",
        "PM25_24H, 55.5, 151",
        "PM25_24H, 125.4, 200",
        "PM25_24H, 125.5, 201",
        "PM25_24H, 225.4, 300",
        "PM25_24H, 225.5, 301",
        // PM10 truncated to an integer
        "PM10_24H, 54.9, 50",
        "PM10_24H, 55, 51",
        "PM10_24H, 154, 100",
        "PM10_24H, 424, 300",
        // O3 8 h, ppm truncated to 0.001
        "O3_8H, 0.0549, 50",
        "O3_8H, 0.055, 51",
        "O3_8H, 0.070, 100",
        "O3_8H, 0.200, 300",
        // O3 1 h
        "O3_1H, 0.125, 101",
        "O3_1H, 0.404, 300",
        // CO truncated to 0.1 ppm
        "CO_8H, 4.49, 50",
        "CO_8H, 4.5, 51",
        "CO_8H, 30.4, 300",
        // SO2 / NO2 ppb truncated to an integer
        "SO2_1H, 35.9, 50",
        "SO2_1H, 36, 51",
        "SO2_1H, 304, 200",
        "SO2_24H, 305, 201",
        "NO2_1H, 53.9, 50",
        "NO2_1H, 54, 51",
        "NO2_1H, 100, 100",
        "NO2_1H, 1249, 300"
    })
    void subIndex_atBreakpointEdges(Metric metric, double c, int expected) {
        assertThat(aqi(metric, c)).isEqualTo(expected);
    }

    @Test
    void subIndex_interpolatesInsideARow() {
        // (100 - 51) / (35.4 - 9.1) * (12.0 - 9.1) + 51 = 56.4 -> 56
        assertThat(aqi(Metric.PM25_24H, 12.0)).isEqualTo(56);
        // (150 - 101) / (254 - 155) * (200 - 155) + 101 = 123.27 -> 123
        assertThat(aqi(Metric.PM10_24H, 200)).isEqualTo(123);
    }

    @Test
    void hazardous_250ugm3_is350WithTheTad2024RowAnd325WithTheSplitRows() {
        // REFERENCE.md section 1, the caveat above AQI 300
        assertThat(UsAqi.subIndex(Metric.PM25_24H, 250, HazardousScale.TAD_2024))
                .hasValue(350);
        assertThat(UsAqi.subIndex(Metric.PM25_24H, 250, HazardousScale.SPLIT)).hasValue(325);
        assertThat(UsAqi.subIndex(Metric.PM25_24H, 400, HazardousScale.SPLIT))
                .hasValue((int) Math.round((500.0 - 401) / (500.4 - 325.5) * (400 - 325.5) + 401));
    }

    @Test
    void beyondTheLastRow_is500_andTablesWithoutRowsAreEmpty() {
        assertThat(aqi(Metric.PM25_24H, 900)).isEqualTo(500);
        assertThat(aqi(Metric.NO2_1H, 5000)).isEqualTo(500);
        assertThat(UsAqi.subIndex(Metric.O3_1H, 0.1, HazardousScale.TAD_2024)).isEmpty();
        assertThat(UsAqi.subIndex(Metric.O3_8H, 0.25, HazardousScale.TAD_2024)).isEmpty();
        assertThat(UsAqi.subIndex(Metric.SO2_24H, 100, HazardousScale.TAD_2024)).isEmpty();
    }

    @Test
    void categories_haveTheEpaNames() {
        assertThat(UsAqi.Category.of(0).label()).isEqualTo("Good");
        assertThat(UsAqi.Category.of(50).label()).isEqualTo("Good");
        assertThat(UsAqi.Category.of(51).label()).isEqualTo("Moderate");
        assertThat(UsAqi.Category.of(101).label()).isEqualTo("Unhealthy for Sensitive Groups");
        assertThat(UsAqi.Category.of(151).label()).isEqualTo("Unhealthy");
        assertThat(UsAqi.Category.of(201).label()).isEqualTo("Very Unhealthy");
        assertThat(UsAqi.Category.of(301).label()).isEqualTo("Hazardous");
    }

    @Property
    void aqi_isMonotoneInConcentration(
            @ForAll @DoubleRange(min = 0, max = 600) double a,
            @ForAll @DoubleRange(min = 0, max = 600) double b,
            @ForAll HazardousScale scale) {
        double lo = Math.min(a, b);
        double hi = Math.max(a, b);
        for (Metric m : new Metric[] {Metric.PM25_24H, Metric.PM10_24H, Metric.NO2_1H}) {
            assertThat(UsAqi.subIndex(m, lo, scale).orElseThrow())
                    .isLessThanOrEqualTo(UsAqi.subIndex(m, hi, scale).orElseThrow());
        }
    }

    @Property
    void aqi_staysIn0to500(@ForAll @DoubleRange(min = -10, max = 100_000) double c) {
        assertThat(aqi(Metric.PM25_24H, c)).isBetween(0, 500);
        assertThat(aqi(Metric.CO_8H, c)).isBetween(0, 500);
    }
}
