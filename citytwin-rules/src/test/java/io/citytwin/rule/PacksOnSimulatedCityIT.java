package io.citytwin.rule;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.citytwin.alarm.Alarm;
import io.citytwin.sim.Behaviour;
import io.citytwin.sim.City;
import io.citytwin.sim.CityEntities;
import io.citytwin.sim.CityGenerator;
import io.citytwin.sim.CitySpec;
import io.citytwin.sim.Fault;
import io.citytwin.sim.FaultPlan;
import io.citytwin.sim.SimDevice;
import io.citytwin.sim.Simulation;
import io.citytwin.sim.Telemetry;
import io.citytwin.twin.Attribute;
import io.citytwin.twin.Entity;
import io.citytwin.twin.EntityId;
import io.citytwin.twin.Ngsi;
import io.citytwin.twin.geo.GeoJson;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/*
 * The bundled packs on a small seeded simulated city with the simulator's default fault rates: every telemetry
 * message becomes a twin update (attributes observed at the message time), malformed payloads become decode-error
 * signals, silent devices send nothing; the clock is the simulated time and the engine ticks every simulated
 * minute. Alarms are scored against the simulator's ground truth per alarm type (contract B): a fault is detected
 * when an alarm of its type about its entity is first raised between its start and its end plus 30 minutes; an
 * alarm is a true positive when it matches a fault that way. The first simulated day is warm-up (baselines), so only
 * faults and alarms starting after it count. Replay: the seed is printed.
 */
class PacksOnSimulatedCityIT {
    private static final long SEED = 21;
    private static final Map<Fault.Type, String> ALARM = new EnumMap<>(Map.of(
            Fault.Type.LAMP_FAILURE, "lighting.lamp-failure",
            Fault.Type.DAY_BURNER, "lighting.day-burner",
            Fault.Type.CABINET_OUTAGE, "lighting.cabinet-outage",
            Fault.Type.TRAFFIC_INCIDENT, "traffic.incident",
            Fault.Type.WATER_LEAK, "water.leak",
            Fault.Type.CONTAMINATION, "water.contamination",
            Fault.Type.POLLUTION_EPISODE, "environment.pollution",
            Fault.Type.METER_TAMPERING, "energy.abnormal-load",
            Fault.Type.DEVICE_SILENT, "device.offline",
            Fault.Type.MALFORMED_PAYLOAD, "device.decode-errors"));

    @Test
    void packs_detectTheSimulatorsFaults() throws Exception {
        Harness h = new Harness();
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
        RuleService service = new RuleService(h.engine, new InMemoryRuleStore(), h.clock);
        for (String pack : List.of("lighting", "traffic", "water", "environment", "energy", "devices")) {
            try (InputStream in = RuleService.class.getResourceAsStream("/io/citytwin/rule/packs/" + pack + ".yaml")) {
                assertThat(service.load(RuleService.Source.PACK, pack, yaml.readValue(in, Object.class)))
                        .isNotEmpty();
            }
        }
        CitySpec base = CitySpec.of(io.citytwin.sim.CitySize.SMALL, SEED);
        CitySpec spec = new CitySpec(SEED, 2, 3, 200, base.originLon(), base.originLat(), 20, 0, 0, 0, 1, 0);
        City city = CityGenerator.generate(spec);
        Instant start = Instant.parse("2026-03-02T00:00:00Z");
        Instant warm = start.plus(Duration.ofDays(1));
        Instant end = start.plus(Duration.ofDays(3));
        FaultPlan faults = FaultPlan.generate(
                city,
                warm,
                end.minus(Duration.ofHours(6)),
                FaultPlan.Rates.defaults().scaled(3),
                SEED);
        Simulation sim = new Simulation(new Behaviour(city, ZoneId.of("Europe/Berlin"), faults));
        h.clock.set(start);
        for (Map<String, Object> e : new CityEntities(city).all()) {
            h.twin.create(Harness.T, entity(e));
        }
        h.pump();
        Instant t = start;
        Duration step = Duration.ofMinutes(1);
        long messages = 0;
        while (t.isBefore(end)) {
            Instant next = t.plus(step);
            for (Telemetry m : sim.due(t, next)) {
                messages++;
                h.clock.set(m.observedAt());
                SimDevice d = m.device();
                if (m.malformed() != null) {
                    h.engine.signal(Harness.T, EntityId.of(d.entityId()), "decodeErrors", 1L);
                    continue;
                }
                Map<String, List<Attribute>> attrs = new LinkedHashMap<>();
                for (SimDevice.Field f : d.fields()) {
                    Object v = m.fields().get(f.name());
                    if (v != null) {
                        attrs.put(
                                Ngsi.DEFAULT_VOCAB + f.attribute(),
                                List.of(Attribute.property(v).withObservedAt(m.observedAt())));
                    }
                }
                h.twin.appendAttributes(Harness.T, EntityId.of(d.entityId()), attrs, false);
                h.pump();
            }
            h.clock.set(next);
            h.tick();
            t = next;
        }
        System.out.println("Simulated city seed " + SEED + ": " + city.size() + " entities, " + messages + " messages, "
                + faults.faults().size() + " faults, " + h.all().size() + " alarms");
        Map<String, double[]> scores = score(faults.faults(), h.all(), warm);
        scores.forEach((type, s) -> System.out.printf(
                "%-24s faults %3.0f detected %3.0f recall %.2f | alarms %3.0f true %3.0f precision %.2f%n",
                type,
                s[0],
                s[1],
                s[0] == 0 ? Double.NaN : s[1] / s[0],
                s[2],
                s[3],
                s[2] == 0 ? Double.NaN : s[3] / s[2]));
        Map<String, Integer> fp = new TreeMap<>();
        for (Alarm a : h.all()) {
            boolean truth = false;
            for (Fault f : faults.faults()) {
                truth |= a.type().equals(ALARM.get(f.type())) && a.originator().equals(f.entity());
            }
            if (!truth && !a.firstOccurrence().isBefore(warm)) {
                fp.merge(a.type() + " " + a.rule() + " " + a.originatorType(), 1, Integer::sum);
            }
        }
        System.out.println("False positives by type, rule and originator type: " + fp);
        // traffic incidents the detector data can show at all: with demand below the incident's reduced capacity
        // (nights, off-peak) the readings are exactly those without the incident (the simulator is deterministic)
        Behaviour clean = new Behaviour(city, ZoneId.of("Europe/Berlin"), FaultPlan.none());
        Behaviour faulty = new Behaviour(city, ZoneId.of("Europe/Berlin"), faults);
        int observable = 0;
        int observableDetected = 0;
        List<String> missed = new ArrayList<>();
        for (Fault f : faults.faults()) {
            if (f.type() != Fault.Type.TRAFFIC_INCIDENT || f.start().isBefore(warm)) {
                continue;
            }
            City.Detector d = city.detectors().stream()
                    .filter(x -> x.id().equals(f.entity()))
                    .findFirst()
                    .orElseThrow();
            boolean visible = false;
            for (Instant m = f.start(); m.isBefore(f.end()) && !visible; m = m.plus(Duration.ofMinutes(1))) {
                visible = !faulty.detector(d, m).equals(clean.detector(d, m));
            }
            boolean detected = h.all().stream()
                    .anyMatch(a -> a.type().equals("traffic.incident")
                            && a.originator().equals(f.entity())
                            && matches(a, f, Duration.ofMinutes(30)));
            if (visible) {
                observable++;
                if (detected) {
                    observableDetected++;
                } else {
                    missed.add(f.entity() + " " + f.start() + ".." + f.end());
                }
            }
        }
        System.out.printf(
                "traffic.incident: %d of the incidents change their detector's data; %d of those detected; missed %s%n",
                observable, observableDetected, missed);
        assertThat(h.problems).isEmpty();
        assertThat(observable).as("observable traffic incidents").isPositive();
        assertThat((double) observableDetected / observable)
                .as("recall of traffic.incident over the incidents the data shows")
                .isGreaterThanOrEqualTo(0.9);
        // robust on this seed: the clean physical signals
        for (String type : List.of(
                "lighting.lamp-failure", "lighting.cabinet-outage", "water.contamination", "traffic.incident")) {
            double[] s = scores.get(type);
            if (s[0] > 0) {
                assertThat(s[1] / s[0]).as("recall of %s", type).isGreaterThanOrEqualTo(0.9);
            }
            if (s[2] > 0) {
                assertThat(s[3] / s[2]).as("precision of %s", type).isGreaterThanOrEqualTo(0.9);
            }
        }
    }

    /** Per alarm type: faults, detected faults, alarms, true alarms. */
    static Map<String, double[]> score(List<Fault> faults, List<Alarm> alarms, Instant from) {
        Map<String, double[]> out = new TreeMap<>();
        for (String type : ALARM.values()) {
            out.put(type, new double[4]);
        }
        Duration slack = Duration.ofMinutes(30);
        for (Fault f : faults) {
            if (f.start().isBefore(from)) {
                continue;
            }
            String type = ALARM.get(f.type());
            double[] s = out.get(type);
            s[0]++;
            for (Alarm a : alarms) {
                if (a.type().equals(type) && a.originator().equals(f.entity()) && matches(a, f, slack)) {
                    s[1]++;
                    break;
                }
            }
        }
        for (Alarm a : alarms) {
            double[] s = out.get(a.type());
            if (s == null || a.firstOccurrence().isBefore(from)) {
                continue;
            }
            s[2]++;
            for (Fault f : faults) {
                if (a.type().equals(ALARM.get(f.type())) && a.originator().equals(f.entity()) && matches(a, f, slack)) {
                    s[3]++;
                    break;
                }
            }
        }
        return out;
    }

    private static boolean matches(Alarm a, Fault f, Duration slack) {
        return !a.firstOccurrence().isBefore(f.start())
                && !a.firstOccurrence().isAfter(f.end().plus(slack));
    }

    /** An NGSI-LD normalized entity of the simulator as a twin entity (default @context). */
    @SuppressWarnings("unchecked")
    static Entity entity(Map<String, Object> json) {
        Map<String, List<Attribute>> attrs = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : json.entrySet()) {
            if (e.getKey().equals("id") || e.getKey().equals("type")) {
                continue;
            }
            Map<String, Object> a = (Map<String, Object>) e.getValue();
            Attribute attr =
                    switch ((String) a.get("type")) {
                        case "Relationship" -> Attribute.relationship((String) a.get("object"));
                        case "GeoProperty" ->
                            Attribute.geo(GeoJson.parse(io.citytwin.twin.Json.freeze(a.get("value"))));
                        default -> Attribute.property(a.get("value"));
                    };
            String name = e.getKey().equals("location") ? Ngsi.LOCATION : Ngsi.DEFAULT_VOCAB + e.getKey();
            attrs.put(name, List.of(attr));
        }
        return new Entity(
                EntityId.of((String) json.get("id")),
                List.of(Ngsi.DEFAULT_VOCAB + json.get("type")),
                attrs,
                null,
                null);
    }
}
