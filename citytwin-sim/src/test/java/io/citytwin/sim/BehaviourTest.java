package io.citytwin.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BehaviourTest {
    static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    static final City CITY = CityGenerator.generate(CitySpec.of(CitySize.SMALL, 5));
    // Tuesday 2026-11-17 in Berlin (UTC+1)
    static final Instant NIGHT_23 = Instant.parse("2026-11-17T22:00:00Z");
    static final Instant NIGHT_02 = Instant.parse("2026-11-18T01:00:00Z");
    static final Instant NIGHT_03 = Instant.parse("2026-11-18T02:00:00Z");
    static final Instant NOON = Instant.parse("2026-11-17T11:00:00Z");
    static final Instant RUSH_08 = Instant.parse("2026-11-17T07:00:00Z");

    @TempDir
    Path dir;

    static Behaviour behaviour(List<Fault> faults) {
        return new Behaviour(CITY, BERLIN, new FaultPlan(faults));
    }

    @Test
    void sun_isHighAtMidsummerNoon_andBelowTheHorizonAtMidnight() {
        // Berlin, 21 June: maximum altitude 90 - 52.5 + 23.44 = ~61 degrees at solar noon (~11:10 UTC)
        assertThat(Sun.altitude(Instant.parse("2026-06-21T11:10:00Z"), 52.5, 13.4))
                .isCloseTo(61, offset(0.7));
        assertThat(Sun.isNight(Instant.parse("2026-06-21T23:00:00Z"), 52.5, 13.4))
                .isTrue();
        assertThat(Sun.illuminance(NOON, 52.5, 13.4)).isGreaterThan(10_000);
        assertThat(Sun.illuminance(NIGHT_02, 52.5, 13.4)).isZero();
    }

    @Test
    void lamps_followTheDimmingSchedule_withPowerFromTheLinearModel() {
        Behaviour b = behaviour(List.of());
        City.Lamp lamp = CITY.lamps().get(0);
        assertThat(b.lamp(lamp, NOON)).containsEntry("powerState", "off").containsEntry("powerConsumption", 0.5);
        Map<String, Object> late = b.lamp(lamp, NIGHT_23);
        assertThat(late).containsEntry("powerState", "on").containsEntry("illuminanceLevel", 0.75);
        double expected = 0.5 + (lamp.watts() - 0.5) * 0.75;
        assertThat((Double) late.get("powerConsumption")).isCloseTo(expected, offset(expected * 0.1));
        assertThat(b.lamp(lamp, NIGHT_02)).containsEntry("illuminanceLevel", 0.5);
    }

    @Test
    void lampFaults_failureDayBurnerAndCabinetOutage_showInTheReadings() {
        City.Lamp failed = CITY.lamps().get(1);
        City.Lamp burner = CITY.lamps().get(2);
        City.Lamp dark = CITY.lamps().get(CITY.lamps().size() - 1); // under another cabinet than lamps 1 and 2
        Behaviour b = behaviour(List.of(
                fault("f1", Fault.Type.LAMP_FAILURE, failed.id()),
                fault("f2", Fault.Type.DAY_BURNER, burner.id()),
                fault("f3", Fault.Type.CABINET_OUTAGE, dark.cabinet())));
        assertThat(b.lamp(failed, NIGHT_23)).containsEntry("powerState", "on");
        assertThat((Double) b.lamp(failed, NIGHT_23).get("powerConsumption")).isLessThan(1.0);
        assertThat(b.lamp(burner, NOON)).containsEntry("powerState", "on");
        assertThat(b.lamp(dark, NIGHT_23)).isNull();
        City.Cabinet cabinet = CITY.cabinets().stream()
                .filter(c -> c.id().equals(dark.cabinet()))
                .findFirst()
                .orElseThrow();
        assertThat(b.cabinet(cabinet, CITY.lamps(), NIGHT_23)).containsEntry("current", 0.0);
    }

    @Test
    void traffic_hasARushHour_andAnIncidentQueuesUpstreamAndStarvesDownstream() {
        Behaviour b = behaviour(List.of());
        City.Detector d = CITY.detectors().stream()
                .filter(x -> x.downstream() != null)
                .findFirst()
                .orElseThrow();
        long rush = (Long) b.detector(d, RUSH_08).get("intensity");
        long night = (Long) b.detector(d, NIGHT_03).get("intensity");
        assertThat(rush).isGreaterThan(3 * night);

        Behaviour incident = behaviour(List.of(fault("f", Fault.Type.TRAFFIC_INCIDENT, d.id())));
        City.Detector down = CITY.detectors().stream()
                .filter(x -> x.id().equals(d.downstream()))
                .findFirst()
                .orElseThrow();
        Map<String, Object> at = incident.detector(d, RUSH_08);
        assertThat((Double) at.get("averageVehicleSpeed"))
                .isLessThan(0.5 * (Double) b.detector(d, RUSH_08).get("averageVehicleSpeed"));
        assertThat((Double) at.get("occupancy"))
                .isGreaterThan((Double) b.detector(d, RUSH_08).get("occupancy"));
        assertThat((Long) incident.detector(down, RUSH_08).get("intensity"))
                .isLessThan((Long) b.detector(down, RUSH_08).get("intensity"));
    }

    @Property(tries = 200)
    void detectorReadings_obeyTheFundamentalDiagram(@ForAll @LongRange(min = 0, max = 7 * 86_400) long second) {
        Behaviour b = behaviour(List.of());
        Instant t = Instant.parse("2026-11-16T00:00:00Z").plusSeconds(second);
        for (City.Detector d : CITY.detectors().subList(0, 5)) {
            Map<String, Object> r = b.detector(d, t);
            RoadClass rc = CITY.roads().stream()
                    .filter(x -> x.id().equals(d.road()))
                    .findFirst()
                    .orElseThrow()
                    .roadClass();
            double q = (Long) r.get("intensity");
            double v = (Double) r.get("averageVehicleSpeed");
            double occ = (Double) r.get("occupancy");
            double k = occ * 1000 / Behaviour.VEHICLE_LENGTH_M; // veh/km/lane
            assertThat(v).isBetween(3.0, (double) rc.speedLimitKmh());
            assertThat(occ).isBetween(0.0, 1.0);
            // q = k v over the lanes, within rounding of the reported values
            assertThat(q).isCloseTo(k * v * rc.lanes(), offset(Math.max(30, 0.05 * q)));
        }
    }

    @Test
    void water_hasAMinimumNightFlow_thatALeakRaises() {
        City.Dma dma = CITY.dmas().get(0);
        Behaviour b = behaviour(List.of());
        double night = b.dmaFlow(dma, NIGHT_03);
        double morning = b.dmaFlow(dma, Instant.parse("2026-11-17T06:30:00Z"));
        assertThat(morning).isGreaterThan(3 * night);
        Behaviour leak = behaviour(List.of(fault("f", Fault.Type.WATER_LEAK, dma.id())));
        assertThat(leak.dmaFlow(dma, NIGHT_03) - night).isGreaterThan(5.0);
    }

    @Test
    void contaminationPollutionAndTampering_moveTheirReadings() {
        City.WaterQualityStation q = CITY.waterQualityStations().get(0);
        City.AirStation a = CITY.airStations().get(0);
        City.EnergyMeter e = CITY.energyMeters().get(0);
        Behaviour clean = behaviour(List.of());
        Behaviour bad = behaviour(List.of(
                fault("f1", Fault.Type.CONTAMINATION, q.id()),
                fault("f2", Fault.Type.POLLUTION_EPISODE, a.id()),
                fault("f3", Fault.Type.METER_TAMPERING, e.id())));
        assertThat(clean.waterQuality(q, NOON)).containsEntry("eColi", 0L);
        assertThat((Double) clean.waterQuality(q, NOON).get("turbidity")).isLessThan(1.0);
        assertThat((Long) bad.waterQuality(q, NOON).get("eColi")).isPositive();
        assertThat((Double) bad.waterQuality(q, NOON).get("turbidity")).isGreaterThan(1.0);
        assertThat((Double) bad.air(a, RUSH_08).get("no2"))
                .isGreaterThan(2.5 * (Double) clean.air(a, RUSH_08).get("no2"));
        assertThat((Double) bad.energyMeter(e, NOON).get("activePower"))
                .isCloseTo(0.3 * (Double) clean.energyMeter(e, NOON).get("activePower"), offset(0.01));
    }

    @Test
    void readings_areDeterministic_andVehiclesStayInTheCity() {
        Behaviour b = behaviour(List.of());
        Behaviour again = behaviour(List.of());
        for (City.Vehicle v : CITY.vehicles()) {
            Map<String, Object> r = b.vehicle(v, RUSH_08);
            assertThat(r).isEqualTo(again.vehicle(v, RUSH_08));
            double[] sw = CITY.spec().lonLat(new Point(0, 0));
            double[] ne = CITY.spec()
                    .lonLat(new Point(CITY.spec().sideMeters(), CITY.spec().sideMeters()));
            List<?> at = (List<?>) r.get("location");
            assertThat((Double) at.get(0)).isBetween(sw[0], ne[0]);
            assertThat((Double) at.get(1)).isBetween(sw[1], ne[1]);
        }
        // vehicles move: ten seconds later each is elsewhere, about speed x 10 s away (or turned at the road's end)
        for (City.Vehicle v : CITY.vehicles()) {
            List<?> a = (List<?>) b.vehicle(v, RUSH_08).get("location");
            List<?> c = (List<?>) b.vehicle(v, RUSH_08.plusSeconds(10)).get("location");
            double speed = (Double) b.vehicle(v, RUSH_08).get("speed");
            double dx = ((Double) c.get(0) - (Double) a.get(0))
                    * CitySpec.METERS_PER_DEGREE
                    * Math.cos(Math.toRadians((Double) a.get(1)));
            double dy = ((Double) c.get(1) - (Double) a.get(1)) * CitySpec.METERS_PER_DEGREE;
            assertThat(Math.hypot(dx, dy)).as(v.id()).isPositive().isLessThanOrEqualTo(speed / 3.6 * 10 + 0.5);
        }
        assertThat(b.parking(CITY.parkingSpots().get(0), NOON))
                .isEqualTo(again.parking(CITY.parkingSpots().get(0), NOON));
        assertThat((Double) b.waste(CITY.wasteContainers().get(0), NOON).get("fillingLevel"))
                .isBetween(0.0, 1.0);
        assertThat((Integer) b.charger(CITY.chargers().get(0), NOON).get("availableCapacity"))
                .isBetween(0, 6);
    }

    @Test
    void faultPlan_generatesWithoutOverlaps_andRoundTripsThroughTheGroundTruthLog() throws Exception {
        Instant from = Instant.parse("2026-11-16T00:00:00Z");
        Instant to = from.plusSeconds(7 * 86_400);
        FaultPlan plan = FaultPlan.generate(CITY, from, to, FaultPlan.Rates.defaults(), 99);
        assertThat(plan.faults()).hasSizeBetween(80, 250); // ~23 per day over 7 days
        Map<String, Instant> busy = new HashMap<>();
        for (Fault f : plan.faults()) {
            assertThat(f.start()).isBetween(from, to);
            String key = f.type() + "|" + f.entity();
            Instant until = busy.get(key);
            assertThat(until == null || !f.start().isBefore(until))
                    .as("no overlap %s", f)
                    .isTrue();
            busy.put(key, f.end());
        }
        assertThat(FaultPlan.generate(CITY, from, to, FaultPlan.Rates.defaults(), 99)
                        .faults())
                .isEqualTo(plan.faults());
        assertThat(FaultPlan.generate(CITY, from, to, FaultPlan.Rates.defaults().scaled(0), 99)
                        .faults())
                .isEmpty();
        Path log = dir.resolve("ground-truth.jsonl");
        plan.write(log);
        assertThat(FaultPlan.read(log).faults()).isEqualTo(plan.faults());
        Files.writeString(log, "{\"id\":\"x\"}\n");
        assertThatThrownBy(() -> FaultPlan.read(log))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(":1 ");
    }

    private static Fault fault(String id, Fault.Type type, String entity) {
        return new Fault(
                id, type, entity, Instant.parse("2026-11-01T00:00:00Z"), Instant.parse("2026-12-01T00:00:00Z"));
    }
}
