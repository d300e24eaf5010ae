package io.citytwin.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvaluationTest {
    static final Instant T = Instant.parse("2026-11-17T20:00:00Z");
    static final Duration TOL = Duration.ofMinutes(10);
    static final String LAMP = "urn:ngsi-ld:Streetlight:h1-0-3";
    static final String GROUP = "urn:ngsi-ld:StreetlightGroup:h1-0";
    static final String OTHER_LAMP = "urn:ngsi-ld:Streetlight:h9-9-9";

    @TempDir
    Path dir;

    static Fault fault(String id, Fault.Type type, String entity, int startMin, int endMin) {
        return new Fault(id, type, entity, T.plusSeconds(60L * startMin), T.plusSeconds(60L * endMin));
    }

    static Evaluation.Alarm alarm(String id, String type, String originator, int atMin) {
        return new Evaluation.Alarm(id, type, originator, T.plusSeconds(60L * atMin));
    }

    static Evaluation.Score score(Evaluation.Report r, String type) {
        return r.scores().stream()
                .filter(s -> s.alarmType().equals(type))
                .findFirst()
                .orElseThrow();
    }

    @Test
    void faultWithoutAlarm_alarmWithoutFault_andTwoAlarmsForOneFault() {
        FaultPlan plan = new FaultPlan(
                List.of(
                        fault("f-1", Fault.Type.LAMP_FAILURE, LAMP, 0, 120),
                        fault("f-2", Fault.Type.LAMP_FAILURE, OTHER_LAMP, 30, 60), // never alarmed
                        fault("f-3", Fault.Type.WATER_LEAK, "urn:ngsi-ld:DistrictMeteredArea:d0-0", 0, 600)),
                Map.of(LAMP, List.of(GROUP)));
        List<Evaluation.Alarm> alarms = List.of(
                alarm("a-1", "lighting.lamp-failure", LAMP, 6), // detects f-1 after 6 minutes
                alarm("a-2", "lighting.lamp-failure", GROUP, 9), // the same fault seen on the lamp's group
                alarm("a-3", "lighting.lamp-failure", "urn:ngsi-ld:Streetlight:x", 10), // no fault there
                alarm("a-4", "lighting.lamp-failure", OTHER_LAMP, 75), // the right lamp, 15 min after the end
                alarm("a-5", "lighting.day-burner", LAMP, 6), // the wrong type for f-1, and no day-burner fault
                alarm("a-6", "traffic.congestion", "urn:ngsi-ld:TrafficFlowObserved:h0-1", 3)); // no ground truth
        Evaluation.Report r = Evaluation.evaluate(plan, alarms, TOL);

        Evaluation.Score lamp = score(r, "lighting.lamp-failure");
        assertThat(lamp.faults()).isEqualTo(2);
        assertThat(lamp.detected()).isEqualTo(1);
        assertThat(lamp.recall()).contains(0.5);
        assertThat(lamp.alarms()).isEqualTo(4);
        assertThat(lamp.matched()).isEqualTo(2);
        assertThat(lamp.duplicates()).isEqualTo(1);
        assertThat(lamp.precision()).contains(0.5);
        assertThat(lamp.medianTimeToDetect()).contains(Duration.ofMinutes(6));

        Evaluation.Score burner = score(r, "lighting.day-burner");
        assertThat(burner.faults()).isZero();
        assertThat(burner.recall()).isEmpty();
        assertThat(burner.precision()).contains(0.0);

        Evaluation.Score leak = score(r, "water.leak");
        assertThat(leak.detected()).isZero();
        assertThat(leak.precision()).isEmpty();
        assertThat(leak.medianTimeToDetect()).isEmpty();

        assertThat(r.unscored()).containsExactly(Map.entry("traffic.congestion", 1));
        assertThat(r.misses()).extracting(Fault::id).containsExactly("f-3", "f-2");
        assertThat(r.total().faults()).isEqualTo(3);
        assertThat(r.total().detected()).isEqualTo(1);
        assertThat(r.total().alarms()).isEqualTo(5);
        assertThat(r.total().matched()).isEqualTo(2);
    }

    @Test
    void undetectedFaultsNearTheEnd_areCensored_detectedOnesStillCount() {
        FaultPlan plan = new FaultPlan(List.of(
                fault("early", Fault.Type.METER_TAMPERING, "urn:a", 60, 240), // missed well before the end
                fault("late-missed", Fault.Type.METER_TAMPERING, "urn:b", 1000, 1200), // 40 min before the end
                fault("late-found", Fault.Type.METER_TAMPERING, "urn:c", 1010, 1200)));
        List<Evaluation.Alarm> alarms = List.of(alarm("c", "energy.abnormal-load", "urn:c", 1030));
        Instant until = T.plusSeconds(60L * 1040);

        Evaluation.Score plain = score(Evaluation.evaluate(plan, alarms, TOL), "energy.abnormal-load");
        assertThat(plain.faults()).isEqualTo(3);
        assertThat(plain.censored()).isZero();

        Evaluation.Report r = Evaluation.evaluate(plan, alarms, TOL, until, Duration.ofHours(1));
        Evaluation.Score s = score(r, "energy.abnormal-load");
        assertThat(s.censored()).isEqualTo(1); // late-missed only: a detection near the end is never censored
        assertThat(s.faults()).isEqualTo(2);
        assertThat(s.detected()).isEqualTo(1);
        assertThat(s.recall()).contains(0.5);
        assertThat(r.total().censored()).isEqualTo(1);
        assertThat(r.misses()).extracting(Fault::id).containsExactly("early");
        assertThatThrownBy(() -> Evaluation.evaluate(plan, alarms, TOL, until, Duration.ofMinutes(-1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void tolerance_bordersAreInclusive_andEarlyAlarmsDetectInZeroTime() {
        FaultPlan plan = new FaultPlan(List.of(
                fault("f-1", Fault.Type.DEVICE_SILENT, "urn:a", 60, 120),
                fault("f-2", Fault.Type.DEVICE_SILENT, "urn:b", 60, 120),
                fault("f-3", Fault.Type.DEVICE_SILENT, "urn:c", 60, 120)));
        Evaluation.Report r = Evaluation.evaluate(
                plan,
                List.of(
                        alarm("a", "device.offline", "urn:a", 50), // exactly start - tolerance
                        alarm("b", "device.offline", "urn:b", 130), // exactly end + tolerance
                        alarm("c", "device.offline", "urn:c", 131)), // a minute too late
                TOL);
        Evaluation.Score s = score(r, "device.offline");
        assertThat(s.detected()).isEqualTo(2);
        assertThat(s.matched()).isEqualTo(2);
        // detection times 0 (early alarm) and 70 minutes: the median by nearest rank is the first
        assertThat(s.medianTimeToDetect()).contains(Duration.ZERO);
        assertThat(s.p90TimeToDetect()).contains(Duration.ofMinutes(70));
        assertThat(Evaluation.evaluate(plan, List.of(), Duration.ZERO).total().recall())
                .contains(0.0);
        assertThatThrownBy(() -> Evaluation.evaluate(plan, List.of(), Duration.ofMinutes(-1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void percentile_isTheNearestRank() {
        List<Duration> d =
                List.of(Duration.ofMinutes(1), Duration.ofMinutes(2), Duration.ofMinutes(3), Duration.ofMinutes(4));
        assertThat(Evaluation.percentile(d, 50)).contains(Duration.ofMinutes(2));
        assertThat(Evaluation.percentile(d, 90)).contains(Duration.ofMinutes(4));
        assertThat(Evaluation.percentile(List.of(), 50)).isEqualTo(Optional.empty());
    }

    @Test
    void everyFaultType_hasTheAlarmTypeOfContractB() {
        assertThat(Evaluation.alarmType(Fault.Type.METER_TAMPERING)).isEqualTo("energy.abnormal-load");
        assertThat(Evaluation.alarmType(Fault.Type.POLLUTION_EPISODE)).isEqualTo("environment.pollution");
        for (Fault.Type t : Fault.Type.values()) {
            assertThat(Evaluation.alarmType(t)).matches("[a-z]+\\.[a-z-]+");
        }
    }

    @Test
    void groundTruth_keepsRelatedEntities_andNamesABadLine() throws Exception {
        City city = CityGenerator.generate(CitySpec.of(CitySize.SMALL, 3));
        City.Lamp lamp = city.lamps().get(0);
        FaultPlan plan = FaultPlan.withRelations(
                city,
                List.of(
                        fault("f-1", Fault.Type.LAMP_FAILURE, lamp.id(), 0, 60),
                        fault("f-2", Fault.Type.CABINET_OUTAGE, lamp.cabinet(), 0, 60)));
        assertThat(plan.related(lamp.id())).contains(lamp.group(), lamp.cabinet(), lamp.road());
        assertThat(plan.related(lamp.cabinet())).contains(lamp.id(), lamp.group());
        Path log = dir.resolve("gt.jsonl");
        plan.write(log);
        FaultPlan back = FaultPlan.read(log);
        assertThat(back.faults()).isEqualTo(plan.faults());
        assertThat(back.related(lamp.cabinet())).isEqualTo(plan.related(lamp.cabinet()));

        Files.writeString(log, Files.readString(log) + "{\"id\":\"f-9\",\"type\":\"NO_SUCH\"}\n");
        assertThatThrownBy(() -> FaultPlan.read(log))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("gt.jsonl:3");
    }
}
