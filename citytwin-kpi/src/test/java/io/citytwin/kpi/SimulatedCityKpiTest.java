package io.citytwin.kpi;

import static org.assertj.core.api.Assertions.assertThat;

import io.citytwin.sim.Behaviour;
import io.citytwin.sim.City;
import io.citytwin.sim.CityEntities;
import io.citytwin.sim.CityGenerator;
import io.citytwin.sim.CitySize;
import io.citytwin.sim.CitySpec;
import io.citytwin.sim.Fault;
import io.citytwin.sim.FaultPlan;
import io.citytwin.sim.SimDevice;
import io.citytwin.sim.Simulation;
import io.citytwin.sim.Telemetry;
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
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The KPIs on what the simulator really sends: the small city's entities (CityEntities) and its devices' readings
 * (Simulation, with injected faults) applied to the twin as the ingest pipeline does, then the derived attributes
 * checked against the faults' ground truth.
 */
class SimulatedCityKpiTest {
    static final TenantId T = TenantId.DEFAULT;
    static final ZoneId UTC = ZoneId.of("UTC");
    static final City CITY = CityGenerator.generate(CitySpec.of(CitySize.SMALL, 7));
    static final Instant LEAK_NIGHT = Instant.parse("2026-11-17T00:00:00Z");
    static final Instant RUSH = Instant.parse("2026-11-17T07:00:00Z"); // a Tuesday
    static final Instant INCIDENT = Instant.parse("2026-11-17T08:00:00Z");

    static FakeClock clock = new FakeClock(Instant.parse("2026-11-09T00:00:00Z"));
    static Twin twin;
    static KpiService kpi;
    static Simulation sim;
    static City.Dma leakingDma;
    static City.WaterQualityStation contaminated;
    static City.AirStation polluted;
    static City.Detector incident;
    static City.Lamp failedLamp;
    static Instant night;

    @BeforeAll
    static void simulate() {
        leakingDma = CITY.dmas().get(0);
        contaminated = CITY.waterQualityStations().get(0);
        polluted = CITY.airStations().get(0);
        incident = CITY.detectors().stream()
                .filter(d -> d.downstream() != null)
                .findFirst()
                .orElseThrow();
        failedLamp = CITY.lamps().get(0);
        Behaviour probe = new Behaviour(CITY, UTC, FaultPlan.none());
        Instant t = Instant.parse("2026-11-16T12:00:00Z");
        while (probe.dimming(t) == 0) {
            t = t.plus(Duration.ofMinutes(30));
        }
        night = t.plus(Duration.ofHours(2)); // well into the night, wherever the city is
        List<Fault> faults = List.of(
                new Fault(
                        "f1", Fault.Type.WATER_LEAK, leakingDma.id(), LEAK_NIGHT, LEAK_NIGHT.plus(Duration.ofHours(5))),
                new Fault(
                        "f2",
                        Fault.Type.CONTAMINATION,
                        contaminated.id(),
                        RUSH.plusSeconds(1800),
                        INCIDENT.plusSeconds(3600)),
                new Fault(
                        "f3",
                        Fault.Type.POLLUTION_EPISODE,
                        polluted.id(),
                        RUSH.minusSeconds(3600),
                        INCIDENT.plusSeconds(3600)),
                new Fault("f4", Fault.Type.TRAFFIC_INCIDENT, incident.id(), INCIDENT, INCIDENT.plusSeconds(1800)),
                new Fault(
                        "f5",
                        Fault.Type.LAMP_FAILURE,
                        failedLamp.id(),
                        night.minusSeconds(3600),
                        night.plusSeconds(3600)));
        sim = new Simulation(new Behaviour(CITY, UTC, new FaultPlan(faults)));

        twin = new Twin(new InMemoryTwinRepository(clock), clock);
        List<Entity> batch = new ArrayList<>();
        for (Map<String, Object> e : new CityEntities(CITY).all()) {
            batch.add(entity(e));
            if (batch.size() == 500) {
                assertThat(twin.batchCreate(T, batch).errors()).isEmpty();
                batch.clear();
            }
        }
        twin.batchCreate(T, batch);
        kpi = KpiService.builder().twin(twin).clock(clock).timer(false).build().start();

        // eight nights of inlet flow, the last one with a leak in one DMA
        for (int n = 0; n < 8; n++) {
            Instant start = LEAK_NIGHT.minus(Duration.ofDays(7 - n)).plus(Duration.ofMinutes(110));
            feed(start, start.plus(Duration.ofMinutes(140)), d -> d.entityType().equals("WaterMeter"));
        }
        // the morning rush, every sensor but lamps and fleet-type things
        Set<String> morning = Set.of(
                "TrafficFlowObserved",
                "AirQualityObserved",
                "WaterQualityObserved",
                "EnergyMeter",
                "StreetlightControlCabinet");
        feed(
                RUSH.minus(Duration.ofHours(2)),
                INCIDENT.plus(Duration.ofMinutes(25)),
                d -> morning.contains(d.entityType()));
        // lamps at night, one of them failed
        feed(night.minus(Duration.ofMinutes(20)), night, d -> d.entityType().equals("Streetlight"));
        kpi.flush();
        kpi.flush();
        clock.set(INCIDENT.plus(Duration.ofMinutes(25)));
        kpi.refresh();
    }

    static String n(String term) {
        return Ngsi.DEFAULT_VOCAB + term;
    }

    /** A CityEntities map as a core entity (what the NGSI-LD codec makes of it, without the GeoProperties). */
    @SuppressWarnings("unchecked")
    static Entity entity(Map<String, Object> e) {
        Map<String, List<Attribute>> attrs = new LinkedHashMap<>();
        for (Map.Entry<String, Object> a : e.entrySet()) {
            if (!(a.getValue() instanceof Map<?, ?> m)) {
                continue;
            }
            Map<String, Object> attr = (Map<String, Object>) m;
            switch ((String) attr.get("type")) {
                case "Property" ->
                    attrs.put(
                            n(a.getKey()),
                            List.of(new Attribute(
                                    AttributeKind.PROPERTY,
                                    Json.freeze(attr.get("value")),
                                    null,
                                    null,
                                    (String) attr.get("unitCode"),
                                    Map.of(),
                                    null,
                                    null)));
                case "Relationship" ->
                    attrs.put(n(a.getKey()), List.of(Attribute.relationship((String) attr.get("object"))));
                default -> {}
            }
        }
        return new Entity(EntityId.of((String) e.get("id")), List.of(n((String) e.get("type"))), attrs, null, null);
    }

    /**
     * The readings of (from, to] of the matching devices, applied as the ingest pipeline applies them: batch
     * upserts, a new one whenever an entity would repeat (a batch makes one change, so one event, per entity).
     */
    static void feed(Instant from, Instant to, Predicate<SimDevice> devices) {
        Instant step = from;
        while (step.isBefore(to)) {
            Instant next = step.plus(Duration.ofMinutes(5)).isAfter(to) ? to : step.plus(Duration.ofMinutes(5));
            List<Entity> batch = new ArrayList<>();
            Set<EntityId> inBatch = new java.util.HashSet<>();
            for (Telemetry m : sim.due(step, next)) {
                if (m.malformed() != null || !devices.test(m.device())) {
                    continue;
                }
                Map<String, List<Attribute>> attrs = new LinkedHashMap<>();
                for (SimDevice.Field f : m.device().fields()) {
                    Object v = m.fields().get(f.name());
                    if (v != null) {
                        attrs.put(
                                n(f.attribute()),
                                List.of(new Attribute(
                                        AttributeKind.PROPERTY,
                                        Json.freeze(v),
                                        null,
                                        m.observedAt(),
                                        f.unitCode().isEmpty() ? null : f.unitCode(),
                                        Map.of(),
                                        null,
                                        null)));
                    }
                }
                EntityId id = EntityId.of(m.device().entityId());
                if (batch.size() == 1_000 || !inBatch.add(id)) {
                    twin.batchUpsert(T, batch, true);
                    batch.clear();
                    inBatch.clear();
                    inBatch.add(id);
                }
                batch.add(new Entity(id, List.of(n(m.device().entityType())), attrs, null, null));
            }
            twin.batchUpsert(T, batch, true);
            clock.set(next);
            kpi.flush();
            step = next;
        }
    }

    static Optional<Attribute> attr(String id, String term) {
        return twin.get(T, EntityId.of(id)).attribute(n(term));
    }

    static double number(String id, String term) {
        return ((Number) attr(id, term)
                        .orElseThrow(() -> new AssertionError(id + " has no " + term))
                        .value())
                .doubleValue();
    }

    @Test
    void leak_raisesItsDmasNightFlowRatio_only() {
        for (City.Dma d : CITY.dmas()) {
            double ratio = number(d.id(), "nightFlowRatio");
            if (d == leakingDma) {
                assertThat(ratio).as(d.id()).isGreaterThan(1.5);
            } else {
                assertThat(ratio).as(d.id()).isBetween(0.85, 1.15);
            }
            assertThat(attr(d.id(), "nightFlowRatio")
                            .orElseThrow()
                            .subAttributes()
                            .get(n("baselineNights"))
                            .value())
                    .isEqualTo(7L);
            assertThat(number(d.id(), "minimumNightFlow")).isPositive();
        }
    }

    @Test
    void contamination_breaksTheLimits_andLowersTheWqi() {
        for (City.WaterQualityStation s : CITY.waterQualityStations()) {
            Object exceeded = attr(s.id(), "limitExceedances").orElseThrow().value();
            if (s == contaminated) {
                assertThat(exceeded).isEqualTo(List.of("eColi", "turbidity"));
                assertThat(number(s.id(), "waterQualityIndex")).isLessThan(65);
                assertThat(number(s.district(), "waterQualityIndex")).isEqualTo(number(s.id(), "waterQualityIndex"));
            } else {
                assertThat(exceeded).as(s.id()).isEqualTo(List.of());
                assertThat(number(s.id(), "waterQualityIndex")).isEqualTo(100);
            }
        }
    }

    @Test
    void pollutionEpisode_makesItsStationTheWorst() {
        double episode = number(polluted.id(), "airQualityIndex");
        for (City.AirStation a : CITY.airStations()) {
            Attribute aqi = attr(a.id(), "airQualityIndex").orElseThrow();
            assertThat(aqi.subAttributes()).containsKeys(n("category"), n("dominantPollutant"));
            if (a != polluted) {
                assertThat(((Number) aqi.value()).doubleValue()).as(a.id()).isLessThan(episode);
            }
        }
        assertThat(episode).isGreaterThan(100);
        assertThat(number(polluted.district(), "airQualityIndex")).isEqualTo(episode);
        assertThat(kpi.snapshot(T).city()).containsEntry("airQualityIndex", (long) episode);
    }

    @Test
    void trafficIncident_isDetectedAtItsDetector_andNowhereElse() {
        List<String> detected = new ArrayList<>();
        for (City.Detector d : CITY.detectors()) {
            if (attr(d.id(), "incidentDetected").map(a -> (Boolean) a.value()).orElse(false)) {
                detected.add(d.id());
            }
            assertThat(attr(d.id(), "speedRatio")).as(d.id()).isPresent();
            assertThat(attr(d.id(), "levelOfService")).isPresent();
        }
        assertThat(detected).containsExactly(incident.id());
        assertThat(attr(incident.id(), "levelOfService").orElseThrow().value()).isEqualTo("F");
        assertThat(number(incident.district(), "trafficIndex")).isGreaterThan(1);
    }

    @Test
    void failedLamp_isCountedInItsDistrict() {
        long failed = 0;
        for (KpiSnapshot.District d : kpi.snapshot(T).districts()) {
            failed += (Long) d.values().getOrDefault("lampsFailed", 0L);
            assertThat((Long) d.values().get("lampsOn")).isPositive();
        }
        assertThat(failed).isEqualTo(1);
        assertThat(number(failedLamp.district(), "lampsFailed")).isEqualTo(1);
    }

    @Test
    void energyToday_onMetersCabinetsAndDistricts() {
        City.EnergyMeter m = CITY.energyMeters().get(0);
        assertThat(number(m.id(), "energyToday")).isPositive();
        assertThat(number(CITY.cabinets().get(0).id(), "energyToday")).isNotNegative();
        for (City.District d : CITY.districts()) {
            assertThat(number(d.id(), "energyToday")).isPositive();
        }
    }
}
