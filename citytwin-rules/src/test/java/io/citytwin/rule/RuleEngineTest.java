package io.citytwin.rule;

import static io.citytwin.rule.Harness.alarmRule;
import static io.citytwin.rule.Harness.l;
import static io.citytwin.rule.Harness.m;
import static org.assertj.core.api.Assertions.assertThat;

import io.citytwin.alarm.Alarm;
import io.citytwin.alarm.AlarmService;
import io.citytwin.alarm.AlarmState;
import io.citytwin.twin.EntityId;
import io.citytwin.twin.Ngsi;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RuleEngineTest {
    private final Harness h = new Harness();
    private static final String LAMP = "urn:ngsi-ld:Streetlight:1";

    @Test
    void threshold_withHysteresis_raisesOnceAndClearsOnlyBelowTheClearLevel() {
        h.rule(alarmRule("hot", "Sensor", m("attribute", "temperature", "above", 30, "clear", 25)));
        h.create("urn:ngsi-ld:Sensor:1", "Sensor");
        h.set("urn:ngsi-ld:Sensor:1", "temperature", 29.0);
        assertThat(h.open()).isEmpty();
        h.set("urn:ngsi-ld:Sensor:1", "temperature", 31.0);
        assertThat(h.open()).hasSize(1);
        h.set("urn:ngsi-ld:Sensor:1", "temperature", 27.0); // between clear and raise: still holds
        h.set("urn:ngsi-ld:Sensor:1", "temperature", 32.0);
        assertThat(h.open()).singleElement().satisfies(a -> assertThat(a.count())
                .isEqualTo(1));
        h.set("urn:ngsi-ld:Sensor:1", "temperature", 24.0);
        assertThat(h.open()).isEmpty();
        assertThat(h.all()).singleElement().satisfies(a -> {
            assertThat(a.state()).isEqualTo(AlarmState.CLEARED);
            assertThat(a.clearedBy()).isEqualTo("rule:hot");
            assertThat(a.type()).isEqualTo("test.hot");
        });
    }

    @Test
    void index_anUpdateEvaluatesExactlyTheRulesReadingAChangedAttribute() {
        h.rule(alarmRule("hot", "Sensor", m("attribute", "temperature", "above", 30)));
        h.rule(alarmRule("wet", "Sensor", m("attribute", "humidity", "above", 80)));
        h.rule(alarmRule("hot-other", "Other", m("attribute", "temperature", "above", 30)));
        h.create("urn:ngsi-ld:Sensor:1", "Sensor");
        h.set("urn:ngsi-ld:Sensor:1", "temperature", 31.0, "humidity", 81.0);
        assertThat(h.open()).extracting(Alarm::rule).containsExactlyInAnyOrder("hot", "wet");
        long before = h.engine.stats().evaluations();
        h.set("urn:ngsi-ld:Sensor:1", "humidity", 50.0);
        assertThat(h.engine.stats().evaluations() - before).isEqualTo(1);
        assertThat(h.open()).extracting(Alarm::rule).containsExactly("hot");
        // a rule added later applies to the entity at once (candidates rebuilt on rule changes)
        h.rule(alarmRule("dry", "Sensor", m("attribute", "humidity", "below", 60)));
        h.set("urn:ngsi-ld:Sensor:1", "humidity", 40.0);
        assertThat(h.open()).extracting(Alarm::rule).containsExactlyInAnyOrder("hot", "dry");
        h.engine.remove("dry");
        h.set("urn:ngsi-ld:Sensor:1", "humidity", 45.0);
        assertThat(h.engine.stats().rules()).isEqualTo(3);
    }

    @Test
    void index_idPatternIsHonouredPerEntity() {
        h.rule(m(
                "id", "only-a",
                "scope", m("types", l("Sensor"), "idPattern", "urn:ngsi-ld:Sensor:a.*"),
                "when", m("attribute", "temperature", "above", 30),
                "then", l(m("alarm", m("type", "test.only-a")))));
        h.create("urn:ngsi-ld:Sensor:a1", "Sensor");
        h.create("urn:ngsi-ld:Sensor:b1", "Sensor");
        h.set("urn:ngsi-ld:Sensor:a1", "temperature", 31.0);
        h.set("urn:ngsi-ld:Sensor:b1", "temperature", 31.0);
        assertThat(h.open()).extracting(Alarm::originator).containsExactly("urn:ngsi-ld:Sensor:a1");
    }

    @Test
    void rebuild_afterARestartTheWindowHoldsThePastSamples() {
        Map<String, Object> when = m("window", m("attribute", "v", "function", "avg", "count", 5), "above", 50);
        String id = "urn:ngsi-ld:Sensor:1";
        Instant now = h.clock.instant();
        List<SampleSource.Sample> past = new ArrayList<>();
        for (int i = 4; i >= 1; i--) {
            past.add(new SampleSource.Sample(now.minus(Duration.ofMinutes(i)), 60.0));
        }
        SampleSource source = (tenant, entity, attribute, from, to, limit) ->
                entity.value().equals(id) && attribute.equals(Ngsi.DEFAULT_VOCAB + "v")
                        ? past.stream()
                                .filter(x -> !x.at().isBefore(from) && !x.at().isAfter(to))
                                .toList()
                        : List.of();
        // without a rebuild the count window needs five new samples before it decides
        Harness cold = new Harness();
        cold.rule(alarmRule("avg", "Sensor", when));
        cold.create(id, "Sensor");
        cold.set(id, "v", 60.0);
        assertThat(cold.open()).isEmpty();
        // with it, the first sample after the restart completes the window
        // a restarted node: the twin holds the entity, the rules are loaded, no event has been evaluated yet
        h.create(id, "Sensor");
        h.rule(alarmRule("avg", "Sensor", when));
        assertThat(h.engine.rebuild(source, Duration.ofHours(1), 100)).isEqualTo(1);
        assertThat(h.open()).isEmpty(); // replaying raises nothing
        h.set(id, "v", 60.0);
        assertThat(h.open()).singleElement().satisfies(a -> assertThat(a.rule()).isEqualTo("avg"));
        // samples older than the look-back are not read
        Harness short_ = new Harness();
        short_.create(id, "Sensor");
        short_.rule(alarmRule("avg", "Sensor", when));
        assertThat(short_.engine.rebuild(source, Duration.ofSeconds(30), 100)).isZero();
    }

    @Test
    void rebuild_ofAPastTimeline_readsBackFromTheEntitysNewestReading_andIsBoundedByItsBudget() {
        Map<String, Object> when = m("window", m("attribute", "v", "function", "avg", "count", 3), "above", 50);
        String id = "urn:ngsi-ld:Sensor:1";
        Instant past = Instant.parse("2026-01-10T12:00:00Z"); // a replayed week, long before the clock
        List<Instant> asked = new ArrayList<>();
        SampleSource source = (tenant, entity, attribute, from, to, limit) -> {
            asked.add(from);
            return List.of(
                    new SampleSource.Sample(past.minus(Duration.ofMinutes(20)), 60.0),
                    new SampleSource.Sample(past.minus(Duration.ofMinutes(10)), 60.0));
        };
        Harness restarted = new Harness();
        restarted.create(id, "Sensor");
        restarted.setAt(past, id, "v", 60.0);
        // a restarted node: the twin holds the entity (last observed in the past), then the rules are loaded
        restarted.rule(alarmRule("avg", "Sensor", when));
        RuleEngine.Rebuild none = restarted.engine.rebuild(source, Duration.ofHours(1), 100, Duration.ZERO, p -> {});
        assertThat(none.complete()).isFalse();
        assertThat(none.states()).isZero();
        assertThat(asked).isEmpty();
        RuleEngine.Rebuild r =
                restarted.engine.rebuild(source, Duration.ofHours(1), 100, Duration.ofMinutes(1), p -> {});
        assertThat(r.complete()).isTrue();
        assertThat(r.states()).isEqualTo(1);
        assertThat(r.samples()).isEqualTo(2);
        assertThat(asked).containsExactly(past.minus(Duration.ofHours(1)));
        restarted.setAt(past.plusSeconds(60), id, "v", 30.0); // (60 + 60 + 30) / 3 = 50: not above
        assertThat(restarted.open()).isEmpty();
        restarted.setAt(past.plusSeconds(120), id, "v", 90.0); // (60 + 30 + 90) / 3 = 60
        assertThat(restarted.open()).hasSize(1);
    }

    @Test
    void manualClearAlarm_repeatsAsOccurrencesOfTheSameAlarm() {
        Rule r = RuleParser.parse(
                m(
                        "id", "burst",
                        "scope", m("types", l("Sensor")),
                        "when", m("attribute", "faults", "above", 0),
                        "then", l(m("alarm", m("type", "device.decode-errors", "autoClear", false)))),
                "test");
        h.engine.put(r);
        h.create("urn:ngsi-ld:Sensor:1", "Sensor");
        for (int i = 0; i < 3; i++) {
            h.set("urn:ngsi-ld:Sensor:1", "faults", 1L);
            h.clock.advance(Duration.ofMinutes(1));
            h.set("urn:ngsi-ld:Sensor:1", "faults", 0L);
        }
        assertThat(h.open()).singleElement().satisfies(a -> {
            assertThat(a.count()).isEqualTo(3);
            assertThat(a.lastOccurrence()).isAfter(a.firstOccurrence());
        });
    }

    @Test
    void compareAcrossAttributes_lampFailure_andDescriptionTemplate() {
        h.rule(m(
                "id", "lighting.lamp-failure",
                "scope", m("types", l("Streetlight")),
                "when",
                        m(
                                "all",
                                l(
                                        m("compare", m("left", "powerState", "op", "==", "right", m("value", "on"))),
                                        m(
                                                "compare",
                                                m(
                                                        "left", "powerConsumption",
                                                        "op", "<",
                                                        "right", m("attribute", "ratedPower", "times", 0.2))))),
                "then",
                        l(m(
                                "alarm",
                                m(
                                        "type", "lighting.lamp-failure",
                                        "severity", "critical",
                                        "description", "Lamp {id} draws {powerConsumption} W")))));
        h.create(LAMP, "Streetlight", "ratedPower", 100.0);
        h.set(LAMP, "powerState", "on", "powerConsumption", 75.0);
        assertThat(h.open()).isEmpty();
        h.set(LAMP, "powerState", "on", "powerConsumption", 0.6);
        assertThat(h.open()).singleElement().satisfies(a -> {
            assertThat(a.description()).isEqualTo("Lamp " + LAMP + " draws 0.6 W");
            assertThat(a.details()).containsEntry("powerConsumption", 0.6).containsEntry("0.2*ratedPower", 20.0);
        });
        h.set(LAMP, "powerState", "off", "powerConsumption", 0.5);
        assertThat(h.open()).isEmpty();
    }

    @Test
    void relatedEntity_isLookedUpThroughTheRelationship() {
        h.create("urn:ngsi-ld:TrafficFlowObserved:b", "TrafficFlowObserved", "occupancy", 0.05);
        h.create(
                "urn:ngsi-ld:TrafficFlowObserved:a",
                "TrafficFlowObserved",
                "refDownstream",
                "urn:ngsi-ld:TrafficFlowObserved:b");
        h.rule(alarmRule(
                "incident",
                "TrafficFlowObserved",
                m(
                        "compare",
                        m(
                                "left", "occupancy",
                                "op", ">",
                                "right", m("related", "refDownstream", "attribute", "occupancy", "times", 3)))));
        h.set("urn:ngsi-ld:TrafficFlowObserved:a", "occupancy", 0.1);
        assertThat(h.open()).isEmpty();
        h.set("urn:ngsi-ld:TrafficFlowObserved:a", "occupancy", 0.4);
        assertThat(h.open()).singleElement().satisfies(a -> assertThat(a.details())
                .containsEntry("3.0*refDownstream.occupancy", 0.15000000000000002));
    }

    @Test
    void slidingTimeWindow_average_forgetsOldSamples() {
        h.rule(alarmRule(
                "avg", "Sensor", m("window", m("attribute", "v", "function", "avg", "size", "PT10M"), "above", 10)));
        h.create("urn:ngsi-ld:Sensor:1", "Sensor");
        h.set("urn:ngsi-ld:Sensor:1", "v", 30.0); // avg 30
        assertThat(h.open()).hasSize(1);
        h.clock.advance(Duration.ofMinutes(5));
        h.set("urn:ngsi-ld:Sensor:1", "v", 0.0); // avg 15
        assertThat(h.open()).hasSize(1);
        h.clock.advance(Duration.ofMinutes(6));
        h.set("urn:ngsi-ld:Sensor:1", "v", 0.0); // the 30 fell out: avg 0
        assertThat(h.open()).isEmpty();
    }

    @Test
    void tumblingWindow_emitsWhenTheWatermarkPassesItsEndPlusGrace_andCountsLateSamplesWithinGrace() {
        h.rule(alarmRule(
                "count",
                "Sensor",
                m(
                        "window",
                        m("attribute", "v", "function", "count", "type", "tumbling", "size", "PT10M"),
                        "atLeast",
                        3),
                "eventTime",
                m("grace", "PT2M")));
        h.create("urn:ngsi-ld:Sensor:1", "Sensor");
        Instant w0 = Instant.parse("2026-03-02T10:00:00Z");
        h.setAt(w0.plusSeconds(60), "urn:ngsi-ld:Sensor:1", "v", 1.0);
        h.setAt(w0.plusSeconds(120), "urn:ngsi-ld:Sensor:1", "v", 1.0);
        h.setAt(w0.plusSeconds(660), "urn:ngsi-ld:Sensor:1", "v", 1.0); // next window; the first is open (grace)
        h.setAt(w0.plusSeconds(570), "urn:ngsi-ld:Sensor:1", "v", 1.0); // late, within grace: counts in window 1
        assertThat(h.open()).isEmpty();
        h.setAt(w0.plusSeconds(721), "urn:ngsi-ld:Sensor:1", "v", 1.0); // watermark 12:01 > 10:00 + 2 min: emit
        assertThat(h.open()).singleElement().satisfies(a -> assertThat(a.details())
                .containsEntry("count(v) over PT10M tumbling", 3.0));
        assertThat(h.engine.stats().lateSamples()).isEqualTo(1);
    }

    @Test
    void countWindow_percentile_andRate() {
        h.rule(alarmRule(
                "p90",
                "Sensor",
                m(
                        "window",
                        m("attribute", "v", "function", "percentile", "percentile", 90, "count", 10),
                        "above",
                        8.5)));
        h.rule(alarmRule(
                "rate",
                "Sensor",
                m("window", m("attribute", "level", "function", "rate", "size", "PT1H"), "above", 0.01)));
        h.create("urn:ngsi-ld:Sensor:1", "Sensor");
        for (int i = 1; i <= 9; i++) {
            h.set("urn:ngsi-ld:Sensor:1", "v", (double) i);
        }
        assertThat(h.open()).as("not full yet").isEmpty();
        h.set("urn:ngsi-ld:Sensor:1", "v", 10.0); // 1..10: nearest-rank p90 = 9
        assertThat(h.open()).extracting(Alarm::type).containsExactly("test.p90");
        h.set("urn:ngsi-ld:Sensor:1", "level", 1.0);
        h.clock.advance(Duration.ofMinutes(10));
        h.set("urn:ngsi-ld:Sensor:1", "level", 3.0); // 2 per 600 s = 0.0033/s
        assertThat(h.open()).hasSize(1);
        h.clock.advance(Duration.ofMinutes(1));
        h.set("urn:ngsi-ld:Sensor:1", "level", 15.0); // 14 per 660 s = 0.021/s
        assertThat(h.open()).extracting(Alarm::type).contains("test.rate");
    }

    @Test
    void duration_firesOnATickOnceHeldLongEnough_andResetsWhenBroken() {
        h.rule(alarmRule("for", "Sensor", m("for", "PT10M", "condition", m("attribute", "v", "above", 5))));
        h.create("urn:ngsi-ld:Sensor:1", "Sensor");
        h.set("urn:ngsi-ld:Sensor:1", "v", 6.0);
        h.clock.advance(Duration.ofMinutes(5));
        h.tick();
        assertThat(h.open()).isEmpty();
        h.set("urn:ngsi-ld:Sensor:1", "v", 4.0); // broken: starts again
        h.set("urn:ngsi-ld:Sensor:1", "v", 7.0);
        h.clock.advance(Duration.ofMinutes(9));
        h.tick();
        assertThat(h.open()).isEmpty();
        h.clock.advance(Duration.ofMinutes(2));
        h.tick();
        assertThat(h.open()).singleElement().satisfies(a -> assertThat(a.details())
                .containsKey("holdingSince"));
    }

    @Test
    void absence_firesWhenNoDataForTheDuration_ignoresDeviceState_andClearsWhenDataReturns() {
        h.rule(alarmRule("silent", "Sensor", m("absent", "PT15M")));
        h.create("urn:ngsi-ld:Sensor:1", "Sensor");
        h.set("urn:ngsi-ld:Sensor:1", "v", 1.0);
        h.clock.advance(Duration.ofMinutes(14));
        h.tick();
        assertThat(h.open()).isEmpty();
        h.set("urn:ngsi-ld:Sensor:1", "deviceState", "offline"); // not data
        h.clock.advance(Duration.ofMinutes(2));
        h.tick();
        assertThat(h.open()).singleElement().satisfies(a -> assertThat(a.details())
                .containsEntry("absentAfter", "PT15M"));
        h.set("urn:ngsi-ld:Sensor:1", "v", 2.0);
        assertThat(h.open()).isEmpty();
    }

    @Test
    void absenceRule_addedLater_isSeededFromTheTwin() {
        h.create("urn:ngsi-ld:Sensor:1", "Sensor");
        h.set("urn:ngsi-ld:Sensor:1", "v", 1.0);
        h.rule(alarmRule("silent", "Sensor", m("absent", "PT15M", "attributes", l("v"))));
        h.clock.advance(Duration.ofMinutes(16));
        h.tick();
        assertThat(h.open()).hasSize(1);
    }

    @Test
    void sequence_AthenBwithin_firesOnlyInOrderAndInTime() {
        h.rule(m(
                "id", "seq",
                "scope", m("types", l("Door")),
                "when",
                        m(
                                "sequence",
                                l(
                                        m("compare", m("left", "door", "op", "==", "right", m("value", "open"))),
                                        m("attribute", "motion", "above", 0)),
                                "within",
                                "PT5M"),
                "then", l(m("alarm", m("type", "security.intrusion", "autoClear", false)))));
        h.create("urn:ngsi-ld:Door:1", "Door", "door", "closed", "motion", 0.0);
        h.set("urn:ngsi-ld:Door:1", "motion", 1.0); // B without A
        h.set("urn:ngsi-ld:Door:1", "motion", 0.0);
        assertThat(h.open()).isEmpty();
        h.set("urn:ngsi-ld:Door:1", "door", "open");
        h.clock.advance(Duration.ofMinutes(6));
        h.set("urn:ngsi-ld:Door:1", "motion", 1.0); // too late
        h.set("urn:ngsi-ld:Door:1", "motion", 0.0);
        assertThat(h.open()).isEmpty();
        h.set("urn:ngsi-ld:Door:1", "door", "closed");
        h.set("urn:ngsi-ld:Door:1", "door", "open");
        h.clock.advance(Duration.ofMinutes(2));
        h.set("urn:ngsi-ld:Door:1", "motion", 1.0);
        assertThat(h.open()).singleElement().satisfies(a -> assertThat(a.type()).isEqualTo("security.intrusion"));
    }

    @Test
    void ewma_detectsALevelShiftAfterWarmup() {
        h.rule(alarmRule("ewma", "Sensor", m("ewma", m("attribute", "v", "lambda", 0.2, "L", 2.962, "warmup", 20))));
        h.create("urn:ngsi-ld:Sensor:1", "Sensor");
        java.util.Random rnd = new java.util.Random(7);
        for (int i = 0; i < 60; i++) {
            h.clock.advance(Duration.ofMinutes(1));
            h.set("urn:ngsi-ld:Sensor:1", "v", 10 + rnd.nextGaussian());
        }
        assertThat(h.open()).as("in control").isEmpty();
        for (int i = 0; i < 5; i++) {
            h.clock.advance(Duration.ofMinutes(1));
            h.set("urn:ngsi-ld:Sensor:1", "v", 14 + rnd.nextGaussian());
        }
        assertThat(h.open()).singleElement().satisfies(a -> assertThat(a.details())
                .containsKeys("ewma", "limit"));
    }

    @Test
    void robustZ_flagsAnOutlier_notOrdinaryNoise() {
        h.rule(alarmRule("z", "Sensor", m("robustZ", m("attribute", "v", "window", 30))));
        h.create("urn:ngsi-ld:Sensor:1", "Sensor");
        java.util.Random rnd = new java.util.Random(11);
        for (int i = 0; i < 40; i++) {
            h.clock.advance(Duration.ofMinutes(1));
            h.set("urn:ngsi-ld:Sensor:1", "v", 50 + 2 * rnd.nextGaussian());
        }
        assertThat(h.open()).isEmpty();
        h.set("urn:ngsi-ld:Sensor:1", "v", 80.0);
        assertThat(h.open())
                .singleElement()
                .satisfies(a -> assertThat((Double) a.details().get("robustZ")).isGreaterThan(3.5));
    }

    @Test
    void seasonalBaseline_sameHourOfDay_flagsADrop_andKeepsAnomaliesOutOfTheBaseline() {
        h.rule(alarmRule(
                "tamper",
                "EnergyMeter",
                m("seasonal", m("attribute", "activePower", "season", "day", "minSamples", 2, "below", 0.5))));
        h.create("urn:ngsi-ld:EnergyMeter:1", "EnergyMeter");
        Instant day0 = Instant.parse("2026-03-02T00:00:00Z");
        for (int d = 0; d < 3; d++) {
            for (int hr = 0; hr < 24; hr++) {
                double load = hr >= 8 && hr < 18 ? 10 : 2; // a daily shape the baseline must follow
                h.setAt(
                        day0.plus(Duration.ofDays(d)).plus(Duration.ofHours(hr)),
                        "urn:ngsi-ld:EnergyMeter:1",
                        "activePower",
                        load * (d == 2 && hr >= 12 ? 0.3 : 1));
                if (d < 2 || hr < 12) {
                    assertThat(h.open()).as("day %d hour %d", d, hr).isEmpty();
                }
            }
        }
        assertThat(h.all()).singleElement().satisfies(a -> {
            assertThat(a.firstOccurrence())
                    .isEqualTo(day0.plus(Duration.ofDays(2)).plus(Duration.ofHours(12)));
            assertThat(a.state()).isEqualTo(AlarmState.ACTIVE); // still tampered at midnight: the baseline kept normal
        });
    }

    @Test
    void daylight_usesTheSunAtTheEntitysLocation() {
        h.rule(alarmRule(
                "dayburner",
                "Streetlight",
                m(
                        "all",
                        l(
                                m("compare", m("left", "powerState", "op", "==", "right", m("value", "on"))),
                                m("daylight", m("elevationAbove", 3))))));
        h.create(LAMP, "Streetlight", "location", Harness.point(13.4, 52.5)); // Berlin
        h.setAt(Instant.parse("2026-03-02T21:00:00Z"), LAMP, "powerState", "on"); // night
        assertThat(h.open()).isEmpty();
        h.setAt(Instant.parse("2026-03-03T11:00:00Z"), LAMP, "powerState", "on"); // noon
        assertThat(h.open()).singleElement().satisfies(a -> assertThat(
                        (Double) a.details().get("sunElevation"))
                .isGreaterThan(20));
    }

    @Test
    void lateSample_beyondGrace_isDropped_withinGrace_doesNotFlipAStatelessCondition() {
        h.rule(alarmRule("hot", "Sensor", m("attribute", "t", "above", 30), "eventTime", m("grace", "PT5M")));
        h.create("urn:ngsi-ld:Sensor:1", "Sensor");
        Instant t0 = h.clock.instant();
        h.setAt(t0, "urn:ngsi-ld:Sensor:1", "t", 20.0);
        h.setAt(t0.minusSeconds(120), "urn:ngsi-ld:Sensor:1", "t", 40.0); // older than the newest: newest wins
        assertThat(h.open()).isEmpty();
        h.setAt(t0.minusSeconds(600), "urn:ngsi-ld:Sensor:1", "t", 40.0); // beyond grace
        assertThat(h.open()).isEmpty();
        assertThat(h.engine.stats().droppedSamples()).isEqualTo(1);
        assertThat(h.engine.trace("hot")).extracting(TraceEntry::result).contains("late", "dropped");
    }

    @Test
    void entityCreatedNow_thenFedWithPastObservations_isNotLate_andAbsenceFollowsTheObservedTime() {
        // regression: a simulated past week fed into entities provisioned at wall-clock time
        h.rule(alarmRule("hot", "Sensor", m("attribute", "t", "above", 30)));
        h.rule(alarmRule("silent", "Sensor", m("absent", "PT15M", "attributes", l("t"))));
        h.create("urn:ngsi-ld:Sensor:1", "Sensor"); // created at 2026-03-02T10:00, no observedAt
        Instant past = Instant.parse("2026-02-01T00:00:00Z");
        h.setAt(past, "urn:ngsi-ld:Sensor:1", "t", 40.0);
        assertThat(h.open()).extracting(Alarm::type).containsExactly("test.hot");
        h.setAt(past.plusSeconds(60), "urn:ngsi-ld:Sensor:1", "t", 20.0);
        h.create("urn:ngsi-ld:Sensor:2", "Sensor");
        h.setAt(past.plus(Duration.ofMinutes(20)), "urn:ngsi-ld:Sensor:2", "t", 20.0); // moves the watermark
        h.tick();
        assertThat(h.open())
                .extracting(Alarm::type, Alarm::originator)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("test.silent", "urn:ngsi-ld:Sensor:1"));
    }

    @Test
    void scope_q_idPattern_andGeo_selectEntities() {
        h.rule(m(
                "id", "scoped",
                "scope",
                        m(
                                "types",
                                l("Sensor"),
                                "idPattern",
                                "urn:ngsi-ld:Sensor:a.*",
                                "q",
                                "category==\"river\"",
                                "geo",
                                m(
                                        "georel", "within",
                                        "geometry", "Polygon",
                                        "coordinates", l(l(l(0, 0), l(10, 0), l(10, 10), l(0, 10), l(0, 0))))),
                "when", m("attribute", "v", "above", 1),
                "then", l(m("alarm", m("type", "water.level")))));
        h.create("urn:ngsi-ld:Sensor:a1", "Sensor", "category", "river", "location", Harness.point(5, 5));
        h.create("urn:ngsi-ld:Sensor:a2", "Sensor", "category", "lake", "location", Harness.point(5, 5));
        h.create("urn:ngsi-ld:Sensor:a3", "Sensor", "category", "river", "location", Harness.point(50, 5));
        h.create("urn:ngsi-ld:Sensor:b1", "Sensor", "category", "river", "location", Harness.point(5, 5));
        for (String id : List.of("a1", "a2", "a3", "b1")) {
            h.set("urn:ngsi-ld:Sensor:" + id, "v", 5.0);
        }
        assertThat(h.open()).extracting(Alarm::originator).containsExactly("urn:ngsi-ld:Sensor:a1");
    }

    @Test
    void alarm_carriesTheDistrictOfItsAncestors_andIsMirroredAsAnAlertEntity() {
        h.create("urn:ngsi-ld:District:d1", "District");
        h.create(
                "urn:ngsi-ld:StreetlightControlCabinet:c1",
                "StreetlightControlCabinet",
                "refDistrict",
                "urn:ngsi-ld:District:d1");
        h.create(
                "urn:ngsi-ld:StreetlightGroup:g1",
                "StreetlightGroup",
                "refStreetlightControlCabinet",
                "urn:ngsi-ld:StreetlightControlCabinet:c1");
        h.create(
                LAMP,
                "Streetlight",
                "refStreetlightGroup",
                "urn:ngsi-ld:StreetlightGroup:g1",
                "location",
                Harness.point(13.4, 52.5));
        h.rule(alarmRule("lamp", "Streetlight", m("attribute", "powerConsumption", "below", 1)));
        h.set(LAMP, "powerConsumption", 0.5);
        Alarm a = h.open().get(0);
        assertThat(a.district()).isEqualTo("urn:ngsi-ld:District:d1");
        assertThat(a.originatorType()).isEqualTo("Streetlight");
        assertThat(a.location()).containsEntry("type", "Point");
        assertThat(h.alarms.summary(Harness.T).byDistrict()).containsEntry("urn:ngsi-ld:District:d1", 1L);
        var alert = h.twin.get(Harness.T, EntityId.of(a.id()));
        assertThat(alert.types()).containsExactly(AlarmService.ALERT_TYPE);
        assertThat(alert.attribute(Harness.V + "alarmState").orElseThrow().value())
                .isEqualTo("active");
        assertThat(alert.attribute(Harness.V + "category").orElseThrow().value())
                .isEqualTo("test");
        assertThat(alert.attribute(Ngsi.LOCATION)).isPresent();
        h.alarms.acknowledge(Harness.T, a.id(), "alice", "on it");
        assertThat(h.twin.get(Harness.T, EntityId.of(a.id()))
                        .attribute(Harness.V + "alarmState")
                        .orElseThrow()
                        .value())
                .isEqualTo("acknowledged");
        Alarm c = h.alarms.clear(Harness.T, a.id(), "bob", null);
        assertThat(c.state()).isEqualTo(AlarmState.CLEARED);
        assertThat(c.acknowledgedBy()).isEqualTo("alice");
        assertThat(c.clearedBy()).isEqualTo("bob");
        assertThat(c.note()).isEqualTo("on it");
        assertThat(h.problems).isEmpty();
    }

    @Test
    void alarmOnARelatedOriginator_raisesOnTheParent() {
        h.create("urn:ngsi-ld:DistrictMeteredArea:1", "DistrictMeteredArea");
        h.create(
                "urn:ngsi-ld:WaterMeter:1",
                "WaterMeter",
                "refDistrictMeteredArea",
                "urn:ngsi-ld:DistrictMeteredArea:1");
        h.rule(m(
                "id", "leak",
                "scope", m("types", l("WaterMeter")),
                "when", m("attribute", "flow", "above", 10),
                "then", l(m("alarm", m("type", "water.leak", "originator", "refDistrictMeteredArea")))));
        h.set("urn:ngsi-ld:WaterMeter:1", "flow", 20.0);
        assertThat(h.open()).singleElement().satisfies(a -> {
            assertThat(a.originator()).isEqualTo("urn:ngsi-ld:DistrictMeteredArea:1");
            assertThat(a.domain()).isEqualTo("water");
        });
        h.set("urn:ngsi-ld:WaterMeter:1", "flow", 2.0);
        assertThat(h.open()).isEmpty();
    }

    @Test
    void setAttribute_andEmit_outcomes() {
        List<RuleEvent> events = new ArrayList<>();
        h.engine.addListener(events::add);
        h.rule(m(
                "id", "congestion",
                "scope", m("types", l("TrafficFlowObserved")),
                "when", m("attribute", "averageVehicleSpeed", "below", 20),
                "then",
                        l(
                                m("set", m("attribute", "congested", "value", true, "clearValue", false)),
                                m("emit", m("event", "congestion")))));
        h.create("urn:ngsi-ld:TrafficFlowObserved:1", "TrafficFlowObserved");
        h.set("urn:ngsi-ld:TrafficFlowObserved:1", "averageVehicleSpeed", 10.0);
        assertThat(h.twin.get(Harness.T, EntityId.of("urn:ngsi-ld:TrafficFlowObserved:1"))
                        .attribute(Harness.V + "congested")
                        .orElseThrow()
                        .value())
                .isEqualTo(true);
        h.pump(); // the written attribute is not watched: no loop
        h.set("urn:ngsi-ld:TrafficFlowObserved:1", "averageVehicleSpeed", 50.0);
        assertThat(h.twin.get(Harness.T, EntityId.of("urn:ngsi-ld:TrafficFlowObserved:1"))
                        .attribute(Harness.V + "congested")
                        .orElseThrow()
                        .value())
                .isEqualTo(false);
        assertThat(events).extracting(RuleEvent::started).containsExactly(true, false);
    }

    @Test
    void restoredOpenAlarm_isClearedByANewEngineWhenTheConditionEnds() {
        h.rule(alarmRule("hot", "Sensor", m("attribute", "t", "above", 30)));
        h.create("urn:ngsi-ld:Sensor:1", "Sensor");
        h.set("urn:ngsi-ld:Sensor:1", "t", 40.0);
        RuleEngine fresh = new RuleEngine(null, h.twin, h.alarms, h.clock, RuleEngine.Options.DEFAULTS, (m, e) -> {});
        fresh.restore(h.alarms.open());
        fresh.put(RuleParser.parse(alarmRule("hot", "Sensor", m("attribute", "t", "above", 30)), "test"));
        h.twin.appendAttributes(
                Harness.T,
                EntityId.of("urn:ngsi-ld:Sensor:1"),
                java.util.Map.of(Harness.V + "t", List.of(io.citytwin.twin.Attribute.property(20.0))),
                false);
        fresh.process(h.repo.drain());
        assertThat(h.open()).isEmpty();
    }

    @Test
    void trace_recordsWhyARuleFired() {
        h.rule(alarmRule("hot", "Sensor", m("attribute", "t", "above", 30)));
        h.create("urn:ngsi-ld:Sensor:1", "Sensor");
        h.set("urn:ngsi-ld:Sensor:1", "t", 40.0);
        assertThat(h.engine.trace("hot")).last().satisfies(t -> {
            assertThat(t.result()).isEqualTo("raised");
            assertThat(t.values()).containsEntry("t", 40.0).containsEntry("threshold", "> 30.0");
            assertThat(t.entity()).isEqualTo("urn:ngsi-ld:Sensor:1");
        });
    }

    @Test
    void trace_samplingFollowsTheLoadSoThatTheRingCoversTheSpan() {
        // 10 entries over 10 s of wall clock: sampled evaluations about a second apart, whatever the rule's load
        Harness a = new Harness(new RuleEngine.Options(10, 1).withTraceSpan(Duration.ofSeconds(10)));
        a.rule(alarmRule("hot", "Sensor", m("attribute", "t", "above", 30)));
        a.create("urn:ngsi-ld:Sensor:1", "Sensor");
        // busy: 100 evaluations per second for 60 s; one in one would cover a tenth of a second
        for (int i = 0; i < 6_000; i++) {
            a.clock.advance(Duration.ofMillis(10));
            a.set("urn:ngsi-ld:Sensor:1", "t", 20.0 + (i % 5));
        }
        List<TraceEntry> busy = a.engine.trace("hot");
        assertThat(busy).hasSize(10);
        Duration covered = Duration.between(busy.get(0).at(), busy.get(9).at());
        assertThat(covered).isBetween(Duration.ofSeconds(5), Duration.ofSeconds(20));

        // a transition is traced whatever the interval
        a.clock.advance(Duration.ofMillis(10));
        a.set("urn:ngsi-ld:Sensor:1", "t", 40.0);
        assertThat(a.engine.trace("hot")).last().extracting(TraceEntry::result).isEqualTo("raised");

        // quiet: one evaluation every 5 s; within a few samples every evaluation is traced again
        for (int i = 0; i < 200; i++) {
            a.clock.advance(Duration.ofSeconds(5));
            a.set("urn:ngsi-ld:Sensor:1", "t", 41.0);
        }
        List<TraceEntry> quiet = a.engine.trace("hot");
        for (int i = 1; i < quiet.size(); i++) {
            assertThat(Duration.between(quiet.get(i - 1).at(), quiet.get(i).at()))
                    .isEqualTo(Duration.ofSeconds(5));
        }
    }

    @Test
    void trace_withoutSpanSamplesAtTheFixedInterval() {
        Harness a = new Harness(new RuleEngine.Options(50, 3));
        a.rule(alarmRule("hot", "Sensor", m("attribute", "t", "above", 30)));
        a.create("urn:ngsi-ld:Sensor:1", "Sensor");
        for (int i = 0; i < 30; i++) {
            a.clock.advance(Duration.ofMillis(1));
            a.set("urn:ngsi-ld:Sensor:1", "t", 20.0);
        }
        // 31 evaluations (the creation and 30 readings): the first and then one in three
        assertThat(a.engine.trace("hot")).hasSize(11);
    }
}
