package io.citytwin.kpi.water;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class DrinkingWaterLimitsTest {
    @Test
    void gb5749_namesTheExceededParameters_sorted() {
        Map<String, Double> contaminated =
                Map.of("turbidity", 4.2, "freeChlorine", 0.04, "pH", 7.5, "eColi", 37.0, "temperature", 30.0);
        assertThat(DrinkingWaterLimits.GB_5749_2022.exceeded(contaminated))
                .containsExactly("eColi", "freeChlorine", "turbidity");
        assertThat(DrinkingWaterLimits.GB_5749_2022.exceeded(
                        Map.of("turbidity", 0.15, "freeChlorine", 0.45, "pH", 7.5, "eColi", 0.0)))
                .isEmpty();
    }

    @Test
    void limitEdges_areWithin() {
        DrinkingWaterLimits gb = DrinkingWaterLimits.GB_5749_2022;
        assertThat(gb.exceeded(Map.of("turbidity", 1.0, "pH", 6.5, "freeChlorine", 0.05)))
                .isEmpty();
        assertThat(gb.exceeded(Map.of("turbidity", 1.01, "pH", 8.51))).containsExactly("pH", "turbidity");
    }

    @Test
    void nitrate_gbAsNitrogen_whoAsNitrate() {
        // 47 mg/L NO3- is 10.6 mg/L as N: beyond GB's 10 mg/L N, within WHO's 50 mg/L NO3-
        assertThat(DrinkingWaterLimits.GB_5749_2022.exceeded(Map.of("NO3", 47.0)))
                .containsExactly("NO3");
        assertThat(DrinkingWaterLimits.WHO_GDWQ.exceeded(Map.of("nitrate", 47.0)))
                .isEmpty();
        // WHO has no minimum residual at the tap in the reference, only the 5 mg/L guideline value
        assertThat(DrinkingWaterLimits.WHO_GDWQ.exceeded(Map.of("freeChlorine", 0.01)))
                .isEmpty();
        assertThat(DrinkingWaterLimits.WHO_GDWQ.exceeded(Map.of("freeChlorine", 5.5)))
                .containsExactly("freeChlorine");
    }
}
