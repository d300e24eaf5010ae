package io.citytwin.rule;

import static io.citytwin.rule.Harness.alarmRule;
import static io.citytwin.rule.Harness.m;
import static org.assertj.core.api.Assertions.assertThat;

import io.citytwin.alarm.Alarm;
import io.citytwin.event.ChangeEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * Event-time ticks (issue 6): timed conditions are evaluated as the data's own time passes, so a replay at any speed,
 * even with no wall-clock tick at all, detects what a real-time run would.
 */
class EventTimeTicksTest {
    /** A simulated past timeline; the harness clock (wall time) never moves in these tests. */
    private static final Instant T0 = Instant.parse("2026-02-01T00:00:00Z");

    private static final String QUIET = "urn:ngsi-ld:Meter:quarter-hourly";

    private static Instant at(int minute) {
        return T0.plus(Duration.ofMinutes(minute));
    }

    /**
     * A quarter-hourly reporter silent from minute 60 to 140 (80 minutes) among five meters reporting every minute:
     * the replay of issue 6, with no wall tick.
     */
    private static void quarterHourlySilence(Harness h) {
        h.rule(alarmRule("offline", "Meter", m("absent", "PT1H")));
        h.create(QUIET, "Meter");
        for (int i = 0; i < 5; i++) {
            h.create("urn:ngsi-ld:Meter:" + i, "Meter");
        }
        for (int minute = 0; minute <= 200; minute++) {
            for (int i = 0; i < 5; i++) {
                h.setAt(at(minute), "urn:ngsi-ld:Meter:" + i, "volume", (double) minute);
            }
            if ((minute <= 60 && minute % 15 == 0) || (minute >= 140 && (minute - 140) % 15 == 0)) {
                h.setAt(at(minute), QUIET, "volume", (double) minute);
            }
        }
    }

    @Test
    void absence_inAReplayWithoutWallTicks_raisesAtTheThresholdAndClearsWhenDataReturns() {
        Harness h = new Harness();
        quarterHourlySilence(h);
        // last seen at minute 60, back at 140: absent from minute 120
        assertThat(h.all()).singleElement().satisfies(a -> {
            assertThat(a.originator()).isEqualTo(QUIET);
            assertThat(a.firstOccurrence()).isBetween(at(120), at(121));
            assertThat(a.count()).isEqualTo(1);
            assertThat(a.clearedAt()).isEqualTo(at(140));
            assertThat(a.clearedBy()).isEqualTo("rule:offline");
        });
        assertThat(h.problems).isEmpty();
    }

    @Test
    void absence_withoutEventTimeTicks_isMissedByTheSameReplay() {
        // the regression this guards: only wall ticks, none of which happens during a replay at full speed
        Harness h = new Harness(new RuleEngine.Options(100, 1).withEventTick(Duration.ZERO));
        quarterHourlySilence(h);
        assertThat(h.all()).isEmpty();
    }

    /**
     * A lamp silent from minute 30 to 150 while its cabinet's meter reports (every minute, like other meters keeping
     * the watermark moving); {@code outage}: the cabinet reports no power during the silence.
     */
    private static void lampSilence(Harness h, boolean outage) {
        h.rule(alarmRule(
                "lamp-offline",
                "Streetlight",
                m(
                        "all",
                        Harness.l(
                                m("absent", "PT20M", "attributes", Harness.l("power")),
                                m(
                                        "not",
                                        m(
                                                "compare",
                                                m(
                                                        "left",
                                                        m("related", "refCabinet", "attribute", "activePower"),
                                                        "op",
                                                        "<",
                                                        "right",
                                                        0.0005)))))));
        // the cabinet's own rule: its readings move the tenant's watermark, as in the city
        h.rule(alarmRule("cabinet-outage", "Cabinet", m("attribute", "activePower", "below", 0.0005)));
        String cabinet = "urn:ngsi-ld:Cabinet:c1";
        String lamp = "urn:ngsi-ld:Streetlight:l1";
        h.create(cabinet, "Cabinet", "activePower", 1.0);
        h.create(lamp, "Streetlight", "refCabinet", cabinet);
        for (int minute = 0; minute <= 200; minute++) {
            boolean dark = minute >= 30 && minute < 150;
            h.setAt(at(minute), cabinet, "activePower", outage && dark ? 0.0 : 1.0);
            if (!dark && minute % 5 == 0) {
                h.setAt(at(minute), lamp, "power", 50.0);
            }
        }
    }

    @Test
    void absence_readsTheRelatedEntityAtTheEventTimeTick_soALampOfADeadCabinetIsNotOffline() {
        Harness h = new Harness();
        lampSilence(h, true);
        // the cabinet's outage explains the silence: only the cabinet's own alarm
        assertThat(h.all()).singleElement().satisfies(a -> assertThat(a.rule()).isEqualTo("cabinet-outage"));

        Harness alone = new Harness();
        lampSilence(alone, false);
        assertThat(alone.all()).singleElement().satisfies(a -> {
            assertThat(a.originator()).isEqualTo("urn:ngsi-ld:Streetlight:l1");
            assertThat(a.firstOccurrence()).isBetween(at(45), at(46)); // last seen at 25, absent 20 minutes
        });
    }

    private static void hotSpell(Harness h) {
        h.rule(alarmRule("hot", "Sensor", m("for", "PT30M", "condition", m("attribute", "temperature", "above", 30))));
        String hot = "urn:ngsi-ld:Sensor:hot";
        h.create(hot, "Sensor");
        h.create("urn:ngsi-ld:Sensor:other", "Sensor");
        for (int minute = 0; minute <= 90; minute++) {
            h.setAt(at(minute), "urn:ngsi-ld:Sensor:other", "temperature", 20.0);
            if (minute == 10) {
                h.setAt(at(minute), hot, "temperature", 35.0);
            } else if (minute == 55) {
                h.setAt(at(minute), hot, "temperature", 20.0);
            }
        }
    }

    @Test
    void duration_inAReplayWithoutWallTicks_raisesWhenHeldLongEnough_evenIfBrokenBeforeTheNextSample() {
        Harness h = new Harness();
        hotSpell(h);
        assertThat(h.all()).singleElement().satisfies(a -> {
            assertThat(a.originator()).isEqualTo("urn:ngsi-ld:Sensor:hot");
            assertThat(a.firstOccurrence()).isBetween(at(40), at(41));
            assertThat(a.details()).containsEntry("holdingSince", at(10).toString());
            assertThat(a.clearedAt()).isEqualTo(at(55));
        });
        Harness off = new Harness(new RuleEngine.Options(100, 1).withEventTick(Duration.ZERO));
        hotSpell(off);
        assertThat(off.all()).isEmpty();
    }

    @Test
    void slidingWindow_agesOutAsEventTimePasses() {
        Harness h = new Harness();
        h.rule(alarmRule(
                "busy",
                "Sensor",
                m("window", m("attribute", "faults", "function", "count", "size", "PT10M"), "above", 2)));
        String s = "urn:ngsi-ld:Sensor:1";
        h.create(s, "Sensor");
        h.create("urn:ngsi-ld:Sensor:2", "Sensor");
        for (int minute = 0; minute <= 40; minute++) {
            h.setAt(at(minute), "urn:ngsi-ld:Sensor:2", "temperature", 20.0);
            if (minute >= 5 && minute <= 7) {
                h.setAt(at(minute), s, "faults", 1L);
            }
        }
        // three faults at minutes 5-7 hold the count above 2 until the first leaves the window (5 + 10 + grace 1)
        assertThat(h.all()).singleElement().satisfies(a -> {
            assertThat(a.firstOccurrence()).isEqualTo(at(7));
            assertThat(a.clearedAt()).isBetween(at(16), at(17));
        });
    }

    @Test
    void aHugeJumpOfTheWatermark_isBounded_andStillEvaluatesWhatIsDue() {
        Harness h = new Harness(new RuleEngine.Options(100, 1, Duration.ofMinutes(1), 10));
        h.rule(alarmRule("offline", "Meter", m("absent", "PT1H")));
        h.create("urn:ngsi-ld:Meter:a", "Meter");
        h.create("urn:ngsi-ld:Meter:b", "Meter");
        h.setAt(at(0), "urn:ngsi-ld:Meter:a", "volume", 1.0);
        h.setAt(at(0), "urn:ngsi-ld:Meter:b", "volume", 1.0);
        h.setAt(at(30), "urn:ngsi-ld:Meter:b", "volume", 1.0);
        long before = h.engine.stats().evaluations();
        h.setAt(at(60 * 24 * 365), "urn:ngsi-ld:Meter:b", "volume", 2.0); // a year later
        // a's absence is due at minute 60 (a boundary of its own), b's at 90: two timed evaluations, not 525,600
        assertThat(h.engine.stats().evaluations() - before).isLessThanOrEqualTo(4);
        assertThat(h.open()).singleElement().satisfies(a -> {
            assertThat(a.originator()).isEqualTo("urn:ngsi-ld:Meter:a");
            assertThat(a.firstOccurrence()).isEqualTo(at(60));
        });
        assertThat(h.all()).extracting(Alarm::originator).contains("urn:ngsi-ld:Meter:b");
        // at most one boundary: everything due is evaluated at the newest boundary crossed
        Harness capped = new Harness(new RuleEngine.Options(100, 1, Duration.ofMinutes(1), 1));
        capped.rule(alarmRule("offline", "Meter", m("absent", "PT1H")));
        capped.create("urn:ngsi-ld:Meter:a", "Meter");
        capped.create("urn:ngsi-ld:Meter:b", "Meter");
        capped.setAt(at(0), "urn:ngsi-ld:Meter:a", "volume", 1.0);
        capped.setAt(at(0), "urn:ngsi-ld:Meter:b", "volume", 1.0);
        capped.setAt(at(60 * 24 * 365), "urn:ngsi-ld:Meter:b", "volume", 2.0);
        assertThat(capped.open()).singleElement().satisfies(a -> assertThat(a.firstOccurrence())
                .isEqualTo(at(60 * 24 * 365)));
    }

    @Test
    void eventTimeTicks_neverEvaluateBeforeAWallTick_soAnAlarmDoesNotFlap() {
        Harness h = new Harness();
        h.rule(alarmRule("offline", "Meter", m("absent", "PT10M")));
        String a = "urn:ngsi-ld:Meter:a";
        String b = "urn:ngsi-ld:Meter:b";
        h.create(a, "Meter");
        h.create(b, "Meter");
        Instant live = h.clock.instant();
        h.set(a, "volume", 1.0);
        h.set(b, "volume", 1.0);
        h.clock.advance(Duration.ofMinutes(5));
        h.set(a, "volume", 2.0); // a's first timer (due at 10 min) is now stale: a is absent from 15 min
        h.clock.advance(Duration.ofMinutes(11));
        h.tick(); // idle for 11 minutes: the wall clock moves the watermark to 16 min
        assertThat(h.open()).extracting(Alarm::originator).containsExactlyInAnyOrder(a, b);
        // b's sample observed at 12 min arrives late: evaluating a as of 10 min (its stale timer) would clear it
        h.setAt(live.plus(Duration.ofMinutes(12)), b, "volume", 2.0);
        assertThat(h.open()).extracting(Alarm::originator).containsExactly(a);
        assertThat(h.all())
                .filteredOn(x -> x.originator().equals(a))
                .singleElement()
                .satisfies(x -> assertThat(x.clearedAt()).isNull());
    }

    /**
     * Batching must not matter: the alarms of a random absence scenario (reporters with random intervals and
     * silences) are the same whether the log delivers the samples in one batch or in many small ones.
     */
    @Property(tries = 40)
    void absence_alarmsDoNotDependOnBatching(@ForAll long seed, @ForAll @IntRange(min = 1, max = 60) int maxBatch) {
        SplittableRandom random = new SplittableRandom(seed);
        int entities = 2 + random.nextInt(5);
        int[] every = new int[entities];
        int[][] silence = new int[entities][2];
        for (int i = 0; i < entities; i++) {
            every[i] = 1 + random.nextInt(20);
            int from = random.nextInt(300);
            silence[i][0] = from;
            silence[i][1] = from + random.nextInt(120);
        }
        int threshold = 10 + random.nextInt(50);
        long stepSeconds = 30 + random.nextInt(120);
        RuleEngine.Options options = new RuleEngine.Options(100, 1).withEventTick(Duration.ofSeconds(stepSeconds));
        Harness one = new Harness(options);
        Harness many = new Harness(options);
        for (Harness h : List.of(one, many)) {
            h.rule(alarmRule("offline", "Meter", m("absent", "PT" + threshold + "M")));
            for (int i = 0; i < entities; i++) {
                h.create("urn:ngsi-ld:Meter:" + i, "Meter");
            }
            for (int second = 0; second <= 400 * 60; second += 30) {
                for (int i = 0; i < entities; i++) {
                    int minute = second / 60;
                    boolean silent = minute >= silence[i][0] && minute < silence[i][1];
                    if (second % (every[i] * 60) == 0 && !silent) {
                        h.stage(T0.plusSeconds(second), "urn:ngsi-ld:Meter:" + i, "volume", (double) second);
                    }
                }
            }
        }
        one.pump();
        List<ChangeEvent> events = many.repo.drain();
        for (int i = 0; i < events.size(); ) {
            int n = 1 + random.nextInt(maxBatch);
            many.engine.process(events.subList(i, Math.min(events.size(), i + n)));
            i += n;
        }
        many.pump();
        assertThat(summary(many)).as("seed %d", seed).isEqualTo(summary(one));
        // and the scenario's silences longer than the threshold (plus the reporting interval) are all seen
        Set<String> expected = new HashSet<>();
        for (int i = 0; i < entities; i++) {
            int lastBefore = silence[i][0] == 0 ? -1 : ((silence[i][0] - 1) / every[i]) * every[i];
            int firstAfter = ((silence[i][1] + every[i] - 1) / every[i]) * every[i];
            if (lastBefore >= 0 && firstAfter <= 400 && firstAfter - lastBefore > threshold + 2) {
                expected.add("urn:ngsi-ld:Meter:" + i);
            }
        }
        assertThat(one.all()).extracting(Alarm::originator).containsAll(expected);
    }

    private static Set<String> summary(Harness h) {
        Set<String> out = new TreeSet<>();
        for (Alarm a : h.all()) {
            out.add(a.originator() + " " + a.firstOccurrence() + " x" + a.count() + " cleared " + a.clearedAt());
        }
        return out;
    }
}
