package io.citytwin.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SimulationTest {
    static final City CITY = CityGenerator.generate(CitySpec.of(CitySize.SMALL, 11));
    static final Instant T0 = Instant.parse("2026-11-17T06:00:00Z");

    static Simulation sim(List<Fault> faults) {
        return new Simulation(new Behaviour(CITY, ZoneId.of("Europe/Berlin"), new FaultPlan(faults)));
    }

    @Test
    void everyReportingThing_isADevice_withAUniqueIdAndToken() {
        Simulation s = sim(List.of());
        int expected = CITY.lamps().size()
                + CITY.cabinets().size()
                + CITY.detectors().size()
                + CITY.waterMeters().size()
                + CITY.waterQualityStations().size()
                + CITY.airStations().size()
                + CITY.energyMeters().size()
                + CITY.parkingSpots().size()
                + CITY.chargers().size()
                + CITY.wasteContainers().size()
                + CITY.vehicles().size();
        assertThat(s.devices()).hasSize(expected);
        assertThat(new HashSet<>(s.devices().stream().map(SimDevice::id).toList()))
                .hasSize(expected);
        assertThat(s.devices()).allSatisfy(d -> assertThat(d.token()).matches("[0-9a-f]{32}"));
        assertThat(new HashSet<>(s.devices().stream().map(SimDevice::token).toList()))
                .hasSize(expected);
        assertThat(s.devices().get(0).id()).matches("Streetlight-[a-z0-9-]+");
    }

    @Test
    void oneHourInTicksOrInOneStep_givesTheSameMessages_eachDeviceAtItsPeriod() {
        Simulation s = sim(List.of());
        List<Telemetry> oneStep = s.due(T0, T0.plus(Duration.ofHours(1)));
        List<Telemetry> ticks = new ArrayList<>();
        for (int m = 0; m < 60; m++) {
            ticks.addAll(s.due(T0.plus(Duration.ofMinutes(m)), T0.plus(Duration.ofMinutes(m + 1))));
        }
        assertThat(key(ticks)).containsExactlyInAnyOrderElementsOf(key(oneStep));
        Map<String, Integer> perDevice = new HashMap<>();
        for (Telemetry t : oneStep) {
            perDevice.merge(t.device().id(), 1, Integer::sum);
        }
        for (SimDevice d : s.devices()) {
            long expected = Duration.ofHours(1).toMillis() / d.period().toMillis();
            assertThat(perDevice.getOrDefault(d.id(), 0)).as(d.id()).isEqualTo((int) expected);
        }
    }

    @Test
    void silentAndMalformedDevices_areTheGroundTruthsFaults() {
        City.Detector d = CITY.detectors().get(0);
        City.AirStation a = CITY.airStations().get(0);
        Instant end = T0.plus(Duration.ofHours(1));
        Simulation s = sim(List.of(
                new Fault("f1", Fault.Type.DEVICE_SILENT, d.id(), T0, end),
                new Fault("f2", Fault.Type.MALFORMED_PAYLOAD, a.id(), T0, end)));
        List<Telemetry> msgs = s.due(T0, end);
        assertThat(msgs).noneMatch(t -> t.device().entityId().equals(d.id()));
        List<Telemetry> air =
                msgs.stream().filter(t -> t.device().entityId().equals(a.id())).toList();
        assertThat(air).isNotEmpty().allMatch(t -> t.malformed() != null);
    }

    @Test
    void payload_isJsonWithTheDeviceTimestamp() {
        Telemetry t = sim(List.of()).due(T0, T0.plus(Duration.ofMinutes(1))).stream()
                .filter(x -> x.device().entityType().equals("TrafficFlowObserved"))
                .findFirst()
                .orElseThrow();
        String json = new String(t.payload(), StandardCharsets.UTF_8);
        assertThat(json).startsWith("{\"intensity\":").contains("\"ts\":\"" + t.observedAt() + "\"");
    }

    private static List<String> key(List<Telemetry> ts) {
        return ts.stream()
                .map(t -> t.device().id() + "@" + t.observedAt() + "=" + t.fields())
                .toList();
    }
}
