package io.citytwin.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import io.citytwin.twin.Attribute;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EntityStatesTest {
    private static Map<String, Attribute> attrs(Object... kv) {
        Map<String, Attribute> m = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], Attribute.property(kv[i + 1]));
        }
        return m;
    }

    @Test
    void lamp_switchedOnWithoutPower_isFailed() {
        assertThat(EntityStates.of(
                        "Streetlight", attrs("powerState", "on", "ratedPower", 100L, "powerConsumption", 0.4)))
                .isEqualTo(new EntityStates.State("failed", 3));
        assertThat(EntityStates.of(
                        "Streetlight", attrs("powerState", "on", "ratedPower", 100L, "powerConsumption", 80.0)))
                .isEqualTo(new EntityStates.State("on", 1));
        assertThat(EntityStates.of("Streetlight", attrs("powerState", "off", "powerConsumption", 0.4)))
                .isEqualTo(new EntityStates.State("off", 1));
        assertThat(EntityStates.of("Streetlight", attrs())).isEqualTo(EntityStates.UNKNOWN);
    }

    @Test
    void traffic_prefersTheDerivedLevelOfService_elseBandsOccupancy() {
        assertThat(EntityStates.of("TrafficFlowObserved", attrs("levelOfService", "E", "occupancy", 0.01)))
                .isEqualTo(new EntityStates.State("E", 2));
        // 0.04 occupancy / 6.5 m = 6.15 veh/km/lane = 9.9 pc/mi/ln: A
        assertThat(EntityStates.of("TrafficFlowObserved", attrs("occupancy", 0.04))
                        .state())
                .isEqualTo("A");
        // 0.5 occupancy: 124 pc/mi/ln: F
        assertThat(EntityStates.of("TrafficFlowObserved", attrs("occupancy", 0.5)))
                .isEqualTo(new EntityStates.State("F", 3));
        assertThat(EntityStates.of("TrafficFlowObserved", attrs("incidentDetected", true, "levelOfService", "A")))
                .isEqualTo(new EntityStates.State("incident", 3));
    }

    @Test
    void air_bandsTheAqi_orThePm25Breakpoints() {
        assertThat(EntityStates.of("AirQualityObserved", attrs("airQualityIndex", 42L))
                        .state())
                .isEqualTo("Good");
        assertThat(EntityStates.of("AirQualityObserved", attrs("airQualityIndex", 151L))
                        .state())
                .isEqualTo("Unhealthy");
        assertThat(EntityStates.of("AirQualityObserved", attrs("pm25", 9.04)).state())
                .as("truncated to 9.0: still Good")
                .isEqualTo("Good");
        assertThat(EntityStates.of("AirQualityObserved", attrs("pm25", 35.5)).state())
                .isEqualTo("Unhealthy for Sensitive Groups");
    }

    @Test
    void water_dmaLeak_andQualityLimits() {
        assertThat(EntityStates.of("DistrictMeteredArea", attrs("nightFlowRatio", 1.8))
                        .state())
                .isEqualTo("leak");
        assertThat(EntityStates.of("DistrictMeteredArea", attrs("nightFlowRatio", 1.0))
                        .state())
                .isEqualTo("ok");
        assertThat(EntityStates.of("WaterQualityObserved", attrs("limitExceedances", List.of("eColi")))
                        .severity())
                .isEqualTo(3);
        assertThat(EntityStates.of(
                                "WaterQualityObserved", attrs("limitExceedances", List.of(), "waterQualityIndex", 90L))
                        .state())
                .isEqualTo("ok");
    }

    @Test
    void localNames_ignoreTheVocabulary() {
        assertThat(EntityStates.local("https://uri.etsi.org/ngsi-ld/default-context/powerState"))
                .isEqualTo("powerState");
        assertThat(EntityStates.local("https://smartdatamodels.org/dataModel.Streetlighting/Streetlight"))
                .isEqualTo("Streetlight");
        assertThat(EntityStates.local("http://example.org/vocab#status")).isEqualTo("status");
    }
}
