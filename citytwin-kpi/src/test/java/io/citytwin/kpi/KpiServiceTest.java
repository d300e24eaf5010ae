package io.citytwin.kpi;

import static org.assertj.core.api.Assertions.assertThat;

import io.citytwin.testkit.FakeClock;
import io.citytwin.testkit.InMemoryTwinRepository;
import io.citytwin.twin.Attribute;
import io.citytwin.twin.AttributeKind;
import io.citytwin.twin.Entity;
import io.citytwin.twin.EntityId;
import io.citytwin.twin.Json;
import io.citytwin.twin.Ngsi;
import io.citytwin.twin.TenantId;
import io.citytwin.twin.Twin;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The KPI consumer on the in-memory twin with a fake clock: inputs in, derived attributes and district KPIs out. */
class KpiServiceTest {
    static final TenantId T = TenantId.DEFAULT;
    static final String D1 = "urn:ngsi-ld:District:d1";
    static final String D2 = "urn:ngsi-ld:District:d2";
    static final Instant NOW = Instant.parse("2026-11-21T12:00:00Z");

    final FakeClock clock = new FakeClock(NOW);
    final List<String> problems = new ArrayList<>();
    Twin twin;
    KpiService kpi;

    static String n(String term) {
        return Ngsi.DEFAULT_VOCAB + term;
    }

    static Attribute prop(Object v, @org.jspecify.annotations.Nullable Instant at, String unit) {
        return new Attribute(
                AttributeKind.PROPERTY, Json.freeze(v), null, at, unit.isEmpty() ? null : unit, Map.of(), null, null);
    }

    static Entity entity(String id, String type, Map<String, Attribute> attrs) {
        Map<String, List<Attribute>> m = new LinkedHashMap<>();
        attrs.forEach((k, v) -> m.put(n(k), List.of(v)));
        return new Entity(EntityId.of(id), List.of(n(type)), m, null, null);
    }

    void create(String id, String type, Map<String, Attribute> attrs) {
        twin.create(T, entity(id, type, attrs));
    }

    void update(String id, Map<String, Attribute> attrs) {
        Map<String, List<Attribute>> m = new LinkedHashMap<>();
        attrs.forEach((k, v) -> m.put(n(k), List.of(v)));
        twin.appendAttributes(T, EntityId.of(id), m, false);
    }

    Attribute attr(String id, String term) {
        return twin.get(T, EntityId.of(id))
                .attribute(n(term))
                .orElseThrow(() -> new AssertionError(id + " has no " + term));
    }

    boolean has(String id, String term) {
        return twin.get(T, EntityId.of(id)).attribute(n(term)).isPresent();
    }

    Object sub(Attribute a, String term) {
        return a.subAttributes().get(n(term)).value();
    }

    @BeforeEach
    void start() {
        twin = new Twin(new InMemoryTwinRepository(clock), clock);
        create(D1, "District", Map.of("name", Attribute.property("Central")));
        create(D2, "District", Map.of("name", Attribute.property("Harbour")));
        kpi = newService();
    }

    KpiService newService() {
        return KpiService.builder()
                .twin(twin)
                .clock(clock)
                .timer(false)
                .problems((m, e) -> problems.add(m + (e == null ? "" : ": " + e)))
                .build()
                .start();
    }

    @AfterEach
    void stop() {
        kpi.close();
        assertThat(problems).isEmpty();
    }

    @Test
    void airReadings_giveTheStationsAqi_andTheDistrictsWorstStation() {
        create(
                "urn:ngsi-ld:AirQualityObserved:a1",
                "AirQualityObserved",
                Map.of("refDistrict", Attribute.relationship(D1)));
        create(
                "urn:ngsi-ld:AirQualityObserved:a2",
                "AirQualityObserved",
                Map.of("refDistrict", Attribute.relationship(D1)));
        update("urn:ngsi-ld:AirQualityObserved:a1", Map.of("pm25", prop(10.0, NOW.minusSeconds(3660), "GQ")));
        update("urn:ngsi-ld:AirQualityObserved:a1", Map.of("pm25", prop(20.0, NOW.minusSeconds(60), "GQ")));
        update("urn:ngsi-ld:AirQualityObserved:a2", Map.of("pm25", prop(5.0, NOW.minusSeconds(60), "GQ")));
        kpi.flush();

        // NowCast of (20, 10) = 16.67 -> 16.6 µg/m³ -> AQI 65
        Attribute aqi = attr("urn:ngsi-ld:AirQualityObserved:a1", "airQualityIndex");
        assertThat(aqi.value()).isEqualTo(65L);
        assertThat(sub(aqi, "category")).isEqualTo("Moderate");
        assertThat(sub(aqi, "dominantPollutant")).isEqualTo("pm25");
        assertThat(aqi.observedAt()).isEqualTo(NOW.minusSeconds(60));
        assertThat(attr("urn:ngsi-ld:AirQualityObserved:a1", "europeanAirQualityIndex")
                        .value())
                .isEqualTo(2L);
        assertThat(attr("urn:ngsi-ld:AirQualityObserved:a2", "airQualityIndex").value())
                .isEqualTo(28L); // one hour (provisional): 50 / 9 * 5.0 = 27.8
        kpi.tick();
        Attribute district = attr(D1, "airQualityIndex");
        assertThat(district.value()).isEqualTo(65L);
        assertThat(sub(district, "category")).isEqualTo("Moderate");
        assertThat(district.observedAt()).isEqualTo(NOW);
        assertThat(has(D2, "airQualityIndex")).isFalse();
        KpiSnapshot s = kpi.snapshot(T);
        assertThat(s.city()).containsEntry("airQualityIndex", 65L).containsEntry("airQualityCategory", "Moderate");
        assertThat(s.districts()).extracting(KpiSnapshot.District::name).containsExactly("Central", "Harbour");
        assertThat(s.districts().get(1).values()).isEmpty();
    }

    @Test
    void ownWrites_doNotFeedBack() {
        create(
                "urn:ngsi-ld:AirQualityObserved:a1",
                "AirQualityObserved",
                Map.of("refDistrict", Attribute.relationship(D1)));
        update("urn:ngsi-ld:AirQualityObserved:a1", Map.of("pm25", prop(12.0, NOW, "GQ")));
        kpi.flush();
        kpi.flush(); // the derived write's own event
        long written = kpi.updatesWritten();
        long events = kpi.eventsProcessed();
        Instant modified =
                twin.get(T, EntityId.of("urn:ngsi-ld:AirQualityObserved:a1")).modifiedAt();
        kpi.flush();
        assertThat(kpi.updatesWritten()).isEqualTo(written).isEqualTo(1);
        assertThat(kpi.eventsProcessed()).isEqualTo(events);
        assertThat(twin.get(T, EntityId.of("urn:ngsi-ld:AirQualityObserved:a1")).modifiedAt())
                .isEqualTo(modified);
        // the same value again costs no write
        update("urn:ngsi-ld:AirQualityObserved:a1", Map.of("pm25", prop(12.0, NOW.plusSeconds(300), "GQ")));
        kpi.flush();
        kpi.flush();
        assertThat(kpi.updatesWritten()).isEqualTo(1);
    }

    @Test
    void detectors_speedRatioLevelOfServiceIncident_andTheDistrictsTravelTimeIndex() {
        create(
                "urn:ngsi-ld:RoadSegment:r1",
                "RoadSegment",
                Map.of("length", prop(1000.0, null, "MTR"), "maximumAllowedSpeed", prop(60L, null, "KMH")));
        create(
                "urn:ngsi-ld:RoadSegment:r2",
                "RoadSegment",
                Map.of("length", prop(3000.0, null, "MTR"), "maximumAllowedSpeed", prop(60L, null, "KMH")));
        String up = "urn:ngsi-ld:TrafficFlowObserved:t1";
        String down = "urn:ngsi-ld:TrafficFlowObserved:t2";
        create(
                down,
                "TrafficFlowObserved",
                Map.of(
                        "refRoadSegment", Attribute.relationship("urn:ngsi-ld:RoadSegment:r2"),
                        "refDistrict", Attribute.relationship(D1)));
        create(
                up,
                "TrafficFlowObserved",
                Map.of(
                        "refRoadSegment", Attribute.relationship("urn:ngsi-ld:RoadSegment:r1"),
                        "refDownstream", Attribute.relationship(down),
                        "refDistrict", Attribute.relationship(D1)));
        Instant t = NOW.minusSeconds(600);
        // downstream free-flowing at 19 % for two minutes, then emptied by an incident upstream: 9.5 %
        double[] downOcc = {0.19, 0.19, 0.095, 0.095, 0.095};
        double[] upOcc = {0.19, 0.19, 0.76, 0.76, 0.76};
        for (int i = 0; i < downOcc.length; i++) {
            Instant at = t.plusSeconds(60L * i);
            update(down, Map.of("occupancy", prop(downOcc[i], at, ""), "averageVehicleSpeed", prop(60.0, at, "KMH")));
            update(
                    up,
                    Map.of(
                            "occupancy",
                            prop(upOcc[i], at.plusSeconds(5), ""),
                            "averageVehicleSpeed",
                            prop(upOcc[i] > 0.5 ? 20.0 : 55.0, at.plusSeconds(5), "KMH")));
            kpi.flush();
            if (i == 2) {
                assertThat(attr(up, "incidentDetected").value()).isEqualTo(false); // tentative
            }
        }
        assertThat(attr(up, "incidentDetected").value()).isEqualTo(true);
        assertThat(attr(up, "speedRatio").value()).isEqualTo(0.33);
        assertThat(attr(up, "levelOfService").value()).isEqualTo("F"); // 76 % -> 188 veh/mi/ln
        assertThat(attr(down, "levelOfService").value()).isEqualTo("C"); // 9.5 % -> 23.5 veh/mi/ln
        assertThat(attr(down, "speedRatio").value()).isEqualTo(1.0);
        assertThat(has(down, "incidentDetected")).isFalse(); // no detector downstream of it
        kpi.tick();
        // TTI: up 60/20 = 3 over 1,000 m, down 1 over 3,000 m -> (3000 + 3000) / 4000 = 1.5
        assertThat(attr(D1, "trafficIndex").value()).isEqualTo(1.5);
    }

    @Test
    void waterQuality_wqiAndLimitExceedances() {
        String s = "urn:ngsi-ld:WaterQualityObserved:w1";
        create(s, "WaterQualityObserved", Map.of("refDistrict", Attribute.relationship(D2)));
        for (int i = 0; i < 4; i++) {
            Instant at = NOW.minusSeconds(3600 - 300L * i);
            update(
                    s,
                    Map.of(
                            "turbidity", prop(0.15, at, "NTU"),
                            "freeChlorine", prop(0.45, at, "M1"),
                            "pH", prop(7.5, at, ""),
                            "eColi", prop(0L, at, ""),
                            "temperature", prop(11.0, at, "CEL")));
        }
        kpi.flush();
        assertThat(attr(s, "waterQualityIndex").value()).isEqualTo(100.0);
        assertThat(attr(s, "limitExceedances").value()).isEqualTo(List.of());
        Instant bad = NOW.minusSeconds(60);
        update(s, Map.of("turbidity", prop(4.0, bad, "NTU"), "eColi", prop(50L, bad, "")));
        kpi.flush();
        assertThat(attr(s, "limitExceedances").value()).isEqualTo(List.of("eColi", "turbidity"));
        double wqi = (Double) attr(s, "waterQualityIndex").value();
        assertThat(wqi).isLessThan(60);
        kpi.tick();
        assertThat(attr(D2, "waterQualityIndex").value()).isEqualTo(wqi);
        assertThat(kpi.snapshot(T).city()).containsEntry("waterQualityIndex", wqi);
    }

    @Test
    void nightFlow_minimumOfTheNight_overTheMedianOfThePreviousSeven() {
        String dma = "urn:ngsi-ld:DistrictMeteredArea:m1";
        String meter = "urn:ngsi-ld:WaterMeter:f1";
        create(dma, "DistrictMeteredArea", Map.of("refDistrict", Attribute.relationship(D1)));
        create(
                meter,
                "WaterMeter",
                Map.of("category", Attribute.property("flow"), "refDistrictMeteredArea", Attribute.relationship(dma)));
        Instant day0 = Instant.parse("2026-11-13T00:00:00Z");
        for (int night = 0; night < 8; night++) {
            double flow = night == 7 ? 10 : 4 + night % 3; // 4,5,6,4,5,6,4 then a leak: 10
            Instant start = day0.plus(Duration.ofDays(night)).plusSeconds(2 * 3600);
            for (int m = 0; m <= 125; m += 5) {
                update(meter, Map.of("flow", prop(flow, start.plusSeconds(60L * m), "MQH")));
            }
        }
        kpi.flush();
        kpi.flush();
        assertThat(attr(dma, "minimumNightFlow").value()).isEqualTo(10.0);
        assertThat(attr(dma, "minimumNightFlow").observedAt()).isEqualTo(Instant.parse("2026-11-20T04:00:00Z"));
        Attribute ratio = attr(dma, "nightFlowRatio");
        assertThat(ratio.value()).isEqualTo(2.0); // median of 4,5,6,4,5,6,4 is 5
        assertThat(sub(ratio, "baselineNights")).isEqualTo(7L);
    }

    @Test
    void lampsAndEnergy_countedPerDistrict_viaTheCabinet() {
        String cabinet = "urn:ngsi-ld:StreetlightControlCabinet:c1";
        create(cabinet, "StreetlightControlCabinet", Map.of("refDistrict", Attribute.relationship(D2)));
        for (int i = 1; i <= 3; i++) {
            create(
                    "urn:ngsi-ld:Streetlight:l" + i,
                    "Streetlight",
                    Map.of(
                            "ratedPower", prop(60L, null, "WTT"),
                            "refStreetlightControlCabinet", Attribute.relationship(cabinet)));
        }
        Instant at = NOW.minusSeconds(120);
        update(
                "urn:ngsi-ld:Streetlight:l1",
                Map.of(
                        "powerState",
                        prop("on", at, ""),
                        "illuminanceLevel",
                        prop(0.5, at, ""),
                        "powerConsumption",
                        prop(30.2, at, "WTT")));
        update(
                "urn:ngsi-ld:Streetlight:l2",
                Map.of(
                        "powerState",
                        prop("on", at, ""),
                        "illuminanceLevel",
                        prop(0.5, at, ""),
                        "powerConsumption",
                        prop(0.6, at, "WTT")));
        update(
                "urn:ngsi-ld:Streetlight:l3",
                Map.of("powerState", prop("off", at, ""), "powerConsumption", prop(0.5, at, "WTT")));
        String meter = "urn:ngsi-ld:EnergyMeter:e1";
        create(meter, "EnergyMeter", Map.of("refDistrict", Attribute.relationship(D2)));
        update(meter, Map.of("activePower", prop(2.0, Instant.parse("2026-11-21T10:00:00Z"), "KWT")));
        update(meter, Map.of("activePower", prop(4.0, Instant.parse("2026-11-21T10:15:00Z"), "KWT")));
        update(cabinet, Map.of("activePower", prop(1.0, Instant.parse("2026-11-21T10:00:00Z"), "KWT")));
        update(cabinet, Map.of("activePower", prop(1.0, Instant.parse("2026-11-21T11:00:00Z"), "KWT")));
        kpi.flush();
        Attribute energy = attr(meter, "energyToday");
        assertThat(energy.value()).isEqualTo(0.75);
        assertThat(energy.unitCode()).isEqualTo("KWH");
        kpi.tick();
        assertThat(attr(D2, "lampsOn").value()).isEqualTo(1L);
        assertThat(attr(D2, "lampsFailed").value()).isEqualTo(1L);
        assertThat(attr(D2, "energyToday").value()).isEqualTo(1.75);
        // the failure stays counted when the lamp is switched off at dawn
        update(
                "urn:ngsi-ld:Streetlight:l2",
                Map.of("powerState", prop("off", NOW, ""), "powerConsumption", prop(0.5, NOW, "WTT")));
        kpi.flush();
        clock.advance(Duration.ofMinutes(1));
        kpi.tick();
        assertThat(attr(D2, "lampsFailed").value()).isEqualTo(1L);
        assertThat(attr(D2, "lampsOn").value()).isEqualTo(1L);
        // the next day starts from zero
        clock.set(Instant.parse("2026-11-22T00:30:00Z"));
        kpi.tick();
        assertThat(attr(D2, "energyToday").value()).isEqualTo(0.0);
    }

    @Test
    void districtKpis_atMostOncePerInterval() {
        create("urn:ngsi-ld:EnergyMeter:e1", "EnergyMeter", Map.of("refDistrict", Attribute.relationship(D1)));
        update("urn:ngsi-ld:EnergyMeter:e1", Map.of("activePower", prop(2.0, NOW.minusSeconds(60), "KWT")));
        kpi.flush();
        kpi.tick();
        Instant first = attr(D1, "energyToday").observedAt();
        clock.advance(Duration.ofSeconds(30));
        kpi.tick();
        assertThat(attr(D1, "energyToday").observedAt()).isEqualTo(first);
        clock.advance(Duration.ofSeconds(30));
        kpi.tick();
        assertThat(attr(D1, "energyToday").observedAt()).isEqualTo(NOW.plusSeconds(60));
    }

    @Test
    void restart_continuesEnergyTodayFromTheTwin() {
        String meter = "urn:ngsi-ld:EnergyMeter:e1";
        create(meter, "EnergyMeter", Map.of("refDistrict", Attribute.relationship(D1)));
        update(meter, Map.of("activePower", prop(2.0, Instant.parse("2026-11-21T10:00:00Z"), "KWT")));
        update(meter, Map.of("activePower", prop(2.0, Instant.parse("2026-11-21T11:00:00Z"), "KWT")));
        kpi.flush();
        assertThat(attr(meter, "energyToday").value()).isEqualTo(2.0);
        kpi.close();
        kpi = newService(); // a new service rebuilds from the twin
        update(meter, Map.of("activePower", prop(2.0, Instant.parse("2026-11-21T11:30:00Z"), "KWT")));
        kpi.flush();
        assertThat(attr(meter, "energyToday").value()).isEqualTo(3.0);
    }

    @Test
    void restart_withHistory_continuesNowCastAndTheNightBaseline() {
        io.citytwin.testkit.history.InMemoryHistoryStore store = new io.citytwin.testkit.history.InMemoryHistoryStore();
        io.citytwin.history.HistoryWriter history =
                new io.citytwin.history.HistoryWriter(twin.events(), store, (m, e) -> problems.add(m)).start();
        String a1 = "urn:ngsi-ld:AirQualityObserved:a1";
        create(a1, "AirQualityObserved", Map.of("refDistrict", Attribute.relationship(D1)));
        // three hours of PM2.5 (10, 40, 20 µg/m³), then the service restarts
        update(a1, Map.of("pm25", prop(10.0, NOW.minusSeconds(2 * 3600 + 60), "GQ")));
        update(a1, Map.of("pm25", prop(40.0, NOW.minusSeconds(3600 + 60), "GQ")));
        update(a1, Map.of("pm25", prop(20.0, NOW.minusSeconds(60), "GQ")));
        String dma = "urn:ngsi-ld:DistrictMeteredArea:m1";
        String meter = "urn:ngsi-ld:WaterMeter:f1";
        create(dma, "DistrictMeteredArea", Map.of("refDistrict", Attribute.relationship(D1)));
        create(meter, "WaterMeter", Map.of("refDistrictMeteredArea", Attribute.relationship(dma)));
        Instant day0 = Instant.parse("2026-11-14T02:00:00Z");
        for (int night = 0; night < 3; night++) {
            for (int m = 0; m <= 125; m += 5) {
                update(
                        meter,
                        Map.of(
                                "flow",
                                prop(4.0, day0.plus(Duration.ofDays(night)).plusSeconds(60L * m), "MQH")));
            }
            kpi.flush(); // nights are a day apart: each night's write is its own
        }
        kpi.flush();
        kpi.flush();
        history.flush();
        assertThat(attr(dma, "nightFlowRatio").value()).isEqualTo(1.0);
        kpi.close();
        history.close();

        kpi = KpiService.builder()
                .twin(twin)
                .clock(clock)
                .timer(false)
                .history(store)
                .problems((m, e) -> problems.add(m + (e == null ? "" : ": " + e)))
                .build()
                .start(twin.events().endOffset()); // nothing replayed from the log: all from twin and history
        update(a1, Map.of("pm25", prop(20.0, NOW.minusSeconds(30), "GQ")));
        for (int m = 0; m <= 125; m += 5) { // a fourth night at double the flow
            update(meter, Map.of("flow", prop(8.0, day0.plus(Duration.ofDays(3)).plusSeconds(60L * m), "MQH")));
        }
        kpi.flush();
        // NowCast of (20, 40, 10): w* = 0.25 -> 0.5: (20 + 20 + 2.5) / 1.75 = 24.28 -> 24.2 µg/m³ -> AQI 77
        Attribute aqi = attr(a1, "airQualityIndex");
        assertThat(aqi.value()).isEqualTo(Math.round((100.0 - 51) / (35.4 - 9.1) * (24.2 - 9.1) + 51));
        assertThat(aqi.subAttributes()).doesNotContainKey(n("provisional"));
        Attribute ratio = attr(dma, "nightFlowRatio");
        assertThat(ratio.value()).isEqualTo(2.0);
        assertThat(sub(ratio, "baselineNights")).isEqualTo(3L);
    }

    @Test
    void deletedEntities_leaveTheRollUp() {
        create("urn:ngsi-ld:Streetlight:l1", "Streetlight", Map.of("refDistrict", Attribute.relationship(D1)));
        update("urn:ngsi-ld:Streetlight:l1", Map.of("powerState", prop("on", NOW, "")));
        kpi.flush();
        kpi.refresh();
        assertThat(kpi.snapshot(T).city()).containsEntry("lampsOn", 1L);
        twin.delete(T, EntityId.of("urn:ngsi-ld:Streetlight:l1"));
        kpi.flush();
        kpi.refresh();
        assertThat(kpi.snapshot(T).city()).doesNotContainKey("lampsOn");
    }
}
