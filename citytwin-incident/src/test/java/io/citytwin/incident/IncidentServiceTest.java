package io.citytwin.incident;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.citytwin.alarm.Alarm;
import io.citytwin.alarm.AlarmState;
import io.citytwin.alarm.Severity;
import io.citytwin.twin.ErrorType;
import io.citytwin.twin.TenantId;
import io.citytwin.twin.TwinException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class IncidentServiceTest {
    static final TenantId T = TenantId.DEFAULT;
    /** A Monday. */
    static final Instant T0 = Instant.parse("2026-03-02T09:00:00Z");

    final TestClock clock = new TestClock(T0);
    final InMemoryIncidentStore store = new InMemoryIncidentStore();
    final Set<String> openAlarms = new HashSet<>();
    final List<TimelineEntry> told = new ArrayList<>();

    IncidentService service() {
        return service(IncidentService.builder());
    }

    IncidentService service(IncidentService.Builder b) {
        IncidentService s = b.store(store)
                .clock(clock)
                .alarmLookup((tenant, id) -> openAlarms.contains(id))
                .build();
        s.addListener((i, e) -> told.add(e));
        return s;
    }

    static NewIncident pothole(IncidentType type, Priority priority) {
        return new NewIncident(
                "Pothole on Main St",
                "Deep pothole",
                Category.ROAD,
                type,
                priority,
                new GeoPoint(13.4, 52.5),
                null,
                "ops");
    }

    static void assertCode(Runnable r, ErrorType type, String code) {
        assertThatThrownBy(r::run).isInstanceOfSatisfying(TwinException.class, e -> {
            assertThat(e.code()).isEqualTo(code);
            assertThat(e.type()).isEqualTo(type);
        });
    }

    static Alarm alarm(String id, String type, String originator, Severity sev, AlarmState state, Instant last) {
        return new Alarm(
                id,
                T,
                type,
                sev,
                state,
                originator,
                "Streetlight",
                "urn:ngsi-ld:District:d1",
                new GeoPoint(13.4, 52.5).toJson(),
                "lamp-rule",
                "Lamp failed",
                1,
                last,
                last,
                null,
                null,
                null,
                null,
                null,
                Map.of());
    }

    @Test
    void fullLifecycle_writesOneEntryPerChange_andSlaMet() {
        IncidentService s = service();
        Incident i = s.create(T, pothole(IncidentType.COMPLAINT, Priority.NORMAL));
        assertThat(i.id()).isEqualTo("inc-000001");
        assertThat(i.status()).isEqualTo(IncidentStatus.NEW);
        // 15 working days from Monday 2 March 09:00: Monday 23 March 09:00
        assertThat(i.dueAt()).isEqualTo(Instant.parse("2026-03-23T09:00:00Z"));
        clock.advance(Duration.ofMinutes(10));
        s.changeStatus(T, i.id(), IncidentStatus.TRIAGED, null, "ops", null);
        clock.advance(Duration.ofMinutes(5));
        Incident d = s.changeStatus(T, i.id(), IncidentStatus.DISPATCHED, "roads", "ops", "to roads");
        assertThat(d.department()).isEqualTo("roads");
        s.changeStatus(T, i.id(), IncidentStatus.IN_PROGRESS, null, "roads-crew", null);
        clock.advance(Duration.ofDays(1));
        Incident r = s.changeStatus(T, i.id(), IncidentStatus.RESOLVED, null, "roads-crew", "filled");
        assertThat(r.sla()).isEqualTo(SlaState.MET);
        Incident c = s.changeStatus(T, i.id(), IncidentStatus.CLOSED, null, "ops", null);
        assertThat(c.status()).isEqualTo(IncidentStatus.CLOSED);
        List<TimelineEntry> tl = s.timeline(T, i.id());
        assertThat(tl)
                .extracting(TimelineEntry::action)
                .containsExactly("created", "triaged", "dispatched", "status", "status", "status");
        assertThat(tl).extracting(TimelineEntry::seq).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
        assertThat(tl)
                .extracting(TimelineEntry::to)
                .containsExactly("new", "triaged", "dispatched", "in-progress", "resolved", "closed");
        assertThat(tl.get(2).data()).containsEntry("department", "roads");
        assertThat(tl.get(4).note()).isEqualTo("filled");
        assertThat(told).isEqualTo(tl);
        assertThat(c.triagedAt()).isEqualTo(T0.plus(Duration.ofMinutes(10)));
        assertThat(c.dispatchedAt()).isEqualTo(T0.plus(Duration.ofMinutes(15)));
        assertThat(c.lastSeq()).isEqualTo(6);
    }

    @Test
    void illegalChanges_areRefusedWithStableCodes_andChangeNothing() {
        IncidentService s = service();
        Incident i = s.create(T, pothole(IncidentType.ENQUIRY, Priority.NORMAL));
        assertCode(
                () -> s.changeStatus(T, i.id(), IncidentStatus.RESOLVED, null, "ops", null),
                ErrorType.CONFLICT,
                "incident.transition");
        assertCode(
                () -> s.changeStatus(T, i.id(), IncidentStatus.IN_PROGRESS, null, "ops", null),
                ErrorType.CONFLICT,
                "incident.transition");
        assertCode(() -> s.reopen(T, i.id(), "ops", null), ErrorType.CONFLICT, "incident.transition");
        s.changeStatus(T, i.id(), IncidentStatus.TRIAGED, null, "ops", null);
        assertCode(
                () -> s.changeStatus(T, i.id(), IncidentStatus.DISPATCHED, null, "ops", null),
                ErrorType.BAD_REQUEST_DATA,
                "incident.invalid");
        assertCode(
                () -> s.changeStatus(T, i.id(), IncidentStatus.DISPATCHED, "Not A Dept", "ops", null),
                ErrorType.BAD_REQUEST_DATA,
                "incident.invalid");
        s.changeStatus(T, i.id(), IncidentStatus.DISPATCHED, "roads", "ops", null);
        assertCode(
                () -> s.changeStatus(T, i.id(), IncidentStatus.DISPATCHED, "roads", "ops", null),
                ErrorType.CONFLICT,
                "incident.transition");
        assertCode(
                () -> s.changeStatus(T, "inc-999999", IncidentStatus.TRIAGED, null, "ops", null),
                ErrorType.RESOURCE_NOT_FOUND,
                "incident.not-found");
        assertCode(
                () -> s.changeStatus(T, i.id(), IncidentStatus.TRIAGED, null, " ", null),
                ErrorType.BAD_REQUEST_DATA,
                "incident.invalid");
        assertCode(() -> s.comment(T, i.id(), "ops", ""), ErrorType.BAD_REQUEST_DATA, "incident.invalid");
        assertCode(() -> s.get(new TenantId("other"), i.id()), ErrorType.RESOURCE_NOT_FOUND, "incident.not-found");
        assertThat(s.timeline(T, i.id())).hasSize(3);
        // re-dispatch to another department is allowed and says where it was
        Incident re = s.changeStatus(T, i.id(), IncidentStatus.DISPATCHED, "water", "ops", null);
        assertThat(re.departments()).containsExactly("roads", "water");
        assertThat(s.timeline(T, i.id()).get(3).data()).containsEntry("previousDepartment", "roads");
    }

    @Test
    void reopen_startsANewSlaCycle_andTheThirdReopenEscalates() {
        IncidentService s = service();
        Incident i = s.create(T, pothole(IncidentType.ENQUIRY, Priority.NORMAL));
        for (int k = 1; k <= 4; k++) {
            Incident cur = s.get(T, i.id());
            if (cur.status() == IncidentStatus.NEW || cur.status() == IncidentStatus.TRIAGED) {
                if (cur.status() == IncidentStatus.NEW) {
                    s.changeStatus(T, i.id(), IncidentStatus.TRIAGED, null, "ops", null);
                }
                s.changeStatus(T, i.id(), IncidentStatus.RESOLVED, null, "ops", "answered");
            }
            clock.advance(Duration.ofHours(1));
            Incident r = s.reopen(T, i.id(), "citizen", "still not answered");
            assertThat(r.reopenCount()).isEqualTo(k);
            assertThat(r.status()).isEqualTo(IncidentStatus.TRIAGED);
            assertThat(r.slaStart()).isEqualTo(clock.instant());
            assertThat(r.escalatedTo()).isEqualTo(k >= 3 ? "supervisor" : null);
        }
        List<TimelineEntry> tl = s.timeline(T, i.id());
        assertThat(tl.stream().filter(e -> e.action().equals("reopened"))).hasSize(4);
        List<TimelineEntry> esc =
                tl.stream().filter(e -> e.action().equals("escalated")).toList();
        assertThat(esc).hasSize(1);
        assertThat(esc.get(0).actor()).isEqualTo(IncidentService.SYSTEM);
        assertThat(esc.get(0).to()).isEqualTo("supervisor");
        assertThat(esc.get(0).note()).contains("提级督办");
        assertThat(esc.get(0).data()).containsEntry("reopenCount", 3);
    }

    @Test
    void slaMonitor_warnsAtTheFraction_breachesAtTheDeadline_escalatesOnce() {
        IncidentService s = service();
        Incident i = s.create(
                T,
                new NewIncident(
                        "Leak",
                        "Water on the street",
                        Category.WATER,
                        IncidentType.SENSOR_ALARM,
                        Priority.NORMAL,
                        null,
                        null,
                        "ops"));
        assertThat(i.dueAt()).isEqualTo(T0.plus(Duration.ofHours(24)));
        assertThat(s.tick(T0.plus(Duration.ofHours(19)))).isZero();
        Instant warn = T0.plus(Duration.ofMinutes((long) (24 * 60 * 0.8)));
        assertThat(s.tick(warn)).isEqualTo(1);
        assertThat(s.get(T, i.id()).sla()).isEqualTo(SlaState.WARNING);
        assertThat(s.tick(warn.plusSeconds(60))).isZero();
        assertThat(s.tick(T0.plus(Duration.ofHours(24)))).isEqualTo(2);
        Incident b = s.get(T, i.id());
        assertThat(b.sla()).isEqualTo(SlaState.BREACHED);
        assertThat(b.escalatedTo()).isEqualTo("supervisor");
        assertThat(s.tick(T0.plus(Duration.ofHours(30)))).isZero();
        assertThat(s.timeline(T, i.id()))
                .extracting(TimelineEntry::action)
                .containsExactly("created", "sla-warning", "sla-breached", "escalated");
        assertThat(s.timeline(T, i.id()).get(1).actor()).isEqualTo(IncidentService.SLA_MONITOR);
        s.changeStatus(T, i.id(), IncidentStatus.TRIAGED, null, "ops", null);
        clock.advance(Duration.ofHours(30));
        Incident r = s.changeStatus(T, i.id(), IncidentStatus.RESOLVED, null, "ops", null);
        assertThat(r.sla()).isEqualTo(SlaState.BREACHED);
    }

    @Test
    void slaMonitor_jumpingPastTheDeadline_recordsWarningThenBreach() {
        IncidentService s = service();
        Incident i = s.create(T, pothole(IncidentType.ENQUIRY, Priority.URGENT));
        assertThat(i.dueAt()).isEqualTo(T0.plus(Duration.ofHours(4)));
        assertThat(s.tick(T0.plus(Duration.ofHours(5)))).isEqualTo(2);
        assertThat(s.timeline(T, i.id()))
                .extracting(TimelineEntry::action)
                .containsExactly("created", "sla-breached", "escalated");
    }

    @Test
    void workingDays_skipWeekends() {
        Instant friday = Instant.parse("2026-03-06T10:00:00Z");
        assertThat(SlaTarget.workingDays(2).due(friday, java.time.ZoneOffset.UTC))
                .isEqualTo(Instant.parse("2026-03-10T10:00:00Z"));
        Instant saturday = Instant.parse("2026-03-07T10:00:00Z");
        assertThat(SlaTarget.workingDays(1).due(saturday, java.time.ZoneOffset.UTC))
                .isEqualTo(Instant.parse("2026-03-09T10:00:00Z"));
        assertThat(SlaTarget.hours(4).due(saturday, java.time.ZoneOffset.UTC))
                .isEqualTo(saturday.plusSeconds(4 * 3600));
    }

    @Test
    void tasks_handoffs_andTheirSla() {
        IncidentService s = service();
        Incident i = s.create(T, pothole(IncidentType.ENQUIRY, Priority.URGENT)); // 4 h
        s.changeStatus(T, i.id(), IncidentStatus.TRIAGED, null, "ops", null);
        s.changeStatus(T, i.id(), IncidentStatus.DISPATCHED, "roads", "ops", null);
        Task t = s.addTask(T, i.id(), "traffic", "Close the lane", "ops");
        assertThat(t.id()).isEqualTo("task-1");
        assertThat(t.dueAt()).isEqualTo(T0.plus(Duration.ofHours(4)));
        clock.advance(Duration.ofMinutes(30));
        Task h = s.handoff(T, i.id(), t.id(), "police", "traffic-desk", "needs police");
        assertThat(h.department()).isEqualTo("police");
        assertThat(h.pendingHandoffAt()).isEqualTo(clock.instant());
        assertCode(() -> s.handoff(T, i.id(), t.id(), "police", "x", null), ErrorType.CONFLICT, "incident.transition");
        clock.advance(Duration.ofMinutes(20));
        Task started = s.taskStatus(T, i.id(), t.id(), TaskStatus.IN_PROGRESS, "police");
        assertThat(started.pendingHandoffAt()).isNull();
        assertThat(s.get(T, i.id()).handoffWaitSeconds()).isEqualTo(20 * 60);
        assertCode(
                () -> s.taskStatus(T, i.id(), t.id(), TaskStatus.OPEN, "police"),
                ErrorType.CONFLICT,
                "incident.transition");
        assertCode(
                () -> s.taskStatus(T, i.id(), "task-9", TaskStatus.DONE, "police"),
                ErrorType.RESOURCE_NOT_FOUND,
                "incident.not-found");
        // the task's own SLA: warning at 80 % of 4 h, then breach
        assertThat(s.tick(T0.plus(Duration.ofMinutes(200)))).isEqualTo(2); // incident warning + task warning
        assertThat(s.detail(T, i.id()).tasks().get(0).sla()).isEqualTo(SlaState.WARNING);
        Task done = s.taskStatus(T, i.id(), t.id(), TaskStatus.DONE, "police");
        assertThat(done.sla()).isEqualTo(SlaState.MET);
        assertThat(done.doneAt()).isEqualTo(clock.instant());
        Incident after = s.get(T, i.id());
        assertThat(after.departments()).containsExactly("roads", "traffic", "police");
        assertThat(after.handoffs()).isEqualTo(1);
        assertThat(s.timeline(T, i.id()))
                .extracting(TimelineEntry::action)
                .containsExactly(
                        "created",
                        "triaged",
                        "dispatched",
                        "task-created",
                        "handoff",
                        "task-status",
                        "sla-warning",
                        "sla-warning",
                        "task-status");
        s.changeStatus(T, i.id(), IncidentStatus.RESOLVED, null, "ops", null);
        assertCode(() -> s.addTask(T, i.id(), "parks", "x", "ops"), ErrorType.CONFLICT, "incident.transition");
    }

    @Test
    void report_isClassified_locatedAtTheFailedLamp_andRoutedAutomatically() {
        TwinLocator locator = new TwinLocator() {
            @Override
            public Optional<String> district(TenantId tenant, GeoPoint point) {
                return Optional.of("urn:ngsi-ld:District:d7");
            }

            @Override
            public List<NearbyEntity> near(TenantId tenant, Category category, GeoPoint point, double radius) {
                return List.of(
                        new NearbyEntity("urn:ngsi-ld:Streetlight:near", "Streetlight", 10, List.of(), List.of()),
                        new NearbyEntity(
                                "urn:ngsi-ld:Streetlight:failed",
                                "Streetlight",
                                60,
                                List.of("device.offline", "lighting.lamp-failure"),
                                List.of("al-1", "al-2")));
            }

            @Override
            public Optional<Located> entity(TenantId tenant, String entityId) {
                return Optional.empty();
            }
        };
        IncidentService s = service(IncidentService.builder().locator(locator));
        Intake in = s.submit(
                T,
                CitizenReport.opinion("The street lamp is out near the school", "", new GeoPoint(13.4, 52.5), "ann"));
        Incident i = in.incident();
        assertThat(in.merged()).isFalse();
        assertThat(i.category()).isEqualTo(Category.STREETLIGHT);
        assertThat(i.type()).isEqualTo(IncidentType.PUBLIC_OPINION);
        assertThat(i.source()).isEqualTo(Source.OPINION);
        assertThat(i.language()).isEqualTo("en");
        assertThat(i.district()).isEqualTo("urn:ngsi-ld:District:d7");
        assertThat(i.entity()).isEqualTo("urn:ngsi-ld:Streetlight:failed");
        assertThat(i.alarms()).containsExactly("al-2");
        assertThat(i.status()).isEqualTo(IncidentStatus.DISPATCHED);
        assertThat(i.department()).isEqualTo("lighting");
        assertThat(s.timeline(T, i.id()))
                .extracting(TimelineEntry::actor)
                .containsExactly("citizen:ann", "system", "system");
        assertThat(s.detail(T, i.id()).reports()).singleElement().satisfies(r -> {
            assertThat(r.id()).isEqualTo(in.report().id());
            assertThat(r.author()).isEqualTo("ann");
        });
    }

    @Test
    void lowConfidence_staysNewForAnOperator_andDistrictOverridesRoute() {
        IncidentService s =
                service(IncidentService.builder().classifier((text, hint) -> new Classification("water", 0.4, "de")));
        Incident i = s.submit(T, CitizenReport.opinion("Irgendwas", null, null, null))
                .incident();
        assertThat(i.status()).isEqualTo(IncidentStatus.NEW);
        assertThat(i.category()).isEqualTo(Category.WATER);
        assertThat(i.language()).isEqualTo("de");
        assertThat(s.timeline(T, i.id())).hasSize(1);
        // an unknown category from the classifier falls back to "other"
        IncidentService s2 =
                service(IncidentService.builder().classifier((text, hint) -> new Classification("bogus", 0.9, "")));
        assertThat(s2.submit(T, CitizenReport.opinion("x", null, null, null))
                        .incident()
                        .department())
                .isEqualTo("citizen-services");
        Catalogue c = Catalogue.fromJson(
                Map.of("districts", Map.of("d9", Map.of("water", "district-water"))), s.catalogue(T));
        s.updateCatalogue(T, c);
        assertThat(c.department(Category.WATER, "d9")).isEqualTo("district-water");
        assertThat(c.department(Category.WATER, "d1")).isEqualTo("water");
    }

    @Test
    void duplicates_mergeAboveTheMergeThreshold_suggestBetween_ignoreFarAway() {
        DuplicateScorer scorer = new DuplicateScorer() {
            @Override
            public double score(Candidate a, Candidate b) {
                // the test's score: text equality decides
                return a.text().contains(b.text().substring(0, 10))
                                || b.text().contains(a.text().substring(0, 10))
                        ? 0.9
                        : 0.7;
            }

            @Override
            public double mergeThreshold() {
                return 0.8;
            }

            @Override
            public double suggestThreshold() {
                return 0.6;
            }
        };
        IncidentService s = service(IncidentService.builder().duplicates(scorer));
        GeoPoint here = new GeoPoint(13.4000, 52.5000);
        GeoPoint near = new GeoPoint(13.4010, 52.5005); // ~85 m
        GeoPoint far = new GeoPoint(13.4100, 52.5000); // ~680 m
        Intake first =
                s.submit(T, CitizenReport.open311("Overflowing bin at the park entrance", Category.WASTE, here, "a"));
        clock.advance(Duration.ofHours(2));
        Intake dup = s.submit(
                T, CitizenReport.open311("Overflowing bin at the park entrance again", Category.WASTE, near, "b"));
        assertThat(dup.merged()).isTrue();
        assertThat(dup.incident().id()).isEqualTo(first.incident().id());
        assertThat(dup.incident().reportCount()).isEqualTo(2);
        assertThat(s.timeline(T, first.incident().id()).getLast().action()).isEqualTo("report-merged");
        assertThat(s.detail(T, first.incident().id()).reports()).hasSize(2);
        assertThat(s.byReport(T, dup.report().id()).id())
                .isEqualTo(first.incident().id());
        assertCode(() -> s.byReport(T, "rep-999999"), ErrorType.RESOURCE_NOT_FOUND, "incident.not-found");
        Intake similar = s.submit(T, CitizenReport.open311("Litter everywhere on the lawn", Category.WASTE, near, "c"));
        assertThat(similar.merged()).isFalse();
        assertThat(similar.suggestedDuplicates())
                .containsExactly(first.incident().id());
        assertThat(similar.incident().suggestedDuplicates())
                .containsExactly(first.incident().id());
        Intake away =
                s.submit(T, CitizenReport.open311("Overflowing bin at the park entrance", Category.WASTE, far, "d"));
        assertThat(away.merged()).isFalse();
        assertThat(away.suggestedDuplicates()).isEmpty();
        // no merging into incidents older than 7 days
        clock.advance(Duration.ofDays(8));
        Intake late =
                s.submit(T, CitizenReport.open311("Overflowing bin at the park entrance", Category.WASTE, here, "e"));
        assertThat(late.merged()).isFalse();
    }

    @Test
    void alarms_openIncidents_linkRepeats_andReopenWhenTheFaultPersists() {
        IncidentService s =
                service(IncidentService.builder().alarmTypes(List.of("lighting.cabinet-outage", "environment.*")));
        s.onAlarm(alarm("a1", "lighting.lamp-failure", "urn:l1", Severity.MAJOR, AlarmState.ACTIVE, T0));
        assertThat(s.query(T, IncidentQuery.all()).total()).isZero(); // not a configured type
        s.onAlarm(alarm("a2", "lighting.cabinet-outage", "urn:c1", Severity.CRITICAL, AlarmState.ACTIVE, T0));
        Incident i = s.query(T, IncidentQuery.all()).incidents().get(0);
        assertThat(i.source()).isEqualTo(Source.ALARM);
        assertThat(i.type()).isEqualTo(IncidentType.SENSOR_ALARM);
        assertThat(i.priority()).isEqualTo(Priority.URGENT);
        assertThat(i.category()).isEqualTo(Category.STREETLIGHT);
        assertThat(i.status()).isEqualTo(IncidentStatus.DISPATCHED);
        assertThat(i.department()).isEqualTo("lighting");
        assertThat(i.entity()).isEqualTo("urn:c1");
        assertThat(i.district()).isEqualTo("urn:ngsi-ld:District:d1");
        assertThat(i.location()).isEqualTo(new GeoPoint(13.4, 52.5));
        assertThat(i.dueAt()).isEqualTo(T0.plus(Duration.ofHours(2)));
        // a repeat of the same alarm changes nothing; another alarm of the same originator is linked
        s.onAlarm(alarm(
                "a2", "lighting.cabinet-outage", "urn:c1", Severity.CRITICAL, AlarmState.ACTIVE, T0.plusSeconds(5)));
        s.onAlarm(
                alarm("a3", "lighting.abnormal-power", "urn:c1", Severity.MINOR, AlarmState.ACTIVE, T0.plusSeconds(9)));
        assertThat(s.query(T, IncidentQuery.all()).total()).isEqualTo(1);
        assertThat(s.get(T, i.id()).alarms()).containsExactly("a2", "a3");
        // resolved, then the alarm occurs again: reopened by the twin
        clock.advance(Duration.ofHours(1));
        s.changeStatus(T, i.id(), IncidentStatus.RESOLVED, null, "crew", null);
        s.onAlarm(alarm(
                "a2",
                "lighting.cabinet-outage",
                "urn:c1",
                Severity.CRITICAL,
                AlarmState.ACTIVE,
                clock.instant().plusSeconds(60)));
        Incident re = s.get(T, i.id());
        assertThat(re.status()).isEqualTo(IncidentStatus.TRIAGED);
        assertThat(re.reopenCount()).isEqualTo(1);
        assertThat(s.timeline(T, i.id()).getLast().note()).contains("still shows the fault");
        assertThat(s.lastAlarmError()).isEmpty();
    }

    @Test
    void aServiceStartedOnAnExistingStore_knowsItsOpenIncidents() {
        service().onAlarm(alarm("w1", "water.leak", "urn:pipe", Severity.MAJOR, AlarmState.ACTIVE, T0));
        IncidentService restarted = service();
        restarted.onAlarm(alarm("w2", "water.contamination", "urn:pipe", Severity.MAJOR, AlarmState.ACTIVE, T0));
        assertThat(restarted.query(T, IncidentQuery.all()).incidents())
                .singleElement()
                .satisfies(i -> assertThat(i.alarms()).containsExactly("w1", "w2"));
        assertThat(restarted.tick(T0.plus(Duration.ofHours(7)))).isEqualTo(1); // warning (high: 8 h)
        assertThat(restarted.tick(T0.plus(Duration.ofHours(8)))).isEqualTo(2); // breach, escalation
    }

    @Test
    void slaMonitor_reopensAResolvedIncidentWhoseAlarmStaysOpen() {
        IncidentService s = service();
        s.onAlarm(alarm("w1", "water.leak", "urn:pipe", Severity.MAJOR, AlarmState.ACTIVE, T0));
        Incident i = s.query(T, IncidentQuery.all()).incidents().get(0);
        s.changeStatus(T, i.id(), IncidentStatus.RESOLVED, null, "crew", null);
        openAlarms.add("w1");
        assertThat(s.tick(T0.plus(Duration.ofMinutes(10)))).isZero(); // the rule gets time to see the fault gone
        assertThat(s.tick(T0.plus(Duration.ofMinutes(15)))).isEqualTo(1);
        assertThat(s.get(T, i.id()).status()).isEqualTo(IncidentStatus.TRIAGED);
        // a cleared alarm reopens nothing
        s.changeStatus(T, i.id(), IncidentStatus.RESOLVED, null, "crew", null);
        openAlarms.clear();
        assertThat(s.tick(T0.plus(Duration.ofMinutes(60)))).isZero();
        assertThat(s.get(T, i.id()).status()).isEqualTo(IncidentStatus.RESOLVED);
    }

    @Test
    void everyAction_writesExactlyOneEntry_byItsActor() {
        IncidentService s = service();
        Incident i = s.create(T, pothole(IncidentType.COMPLAINT, Priority.HIGH));
        int before = s.timeline(T, i.id()).size();
        s.comment(T, i.id(), "ann", "Called the citizen back");
        s.changeStatus(T, i.id(), IncidentStatus.TRIAGED, null, "bob", null);
        Task t = s.addTask(T, i.id(), "roads", "Fill", "carl");
        s.handoff(T, i.id(), t.id(), "water", "dora", null);
        s.taskStatus(T, i.id(), t.id(), TaskStatus.DONE, "eve");
        List<TimelineEntry> tl = s.timeline(T, i.id());
        assertThat(tl).hasSize(before + 5);
        assertThat(tl.subList(before, tl.size()))
                .extracting(TimelineEntry::actor)
                .containsExactly("ann", "bob", "carl", "dora", "eve");
        assertThat(tl.get(before).note()).isEqualTo("Called the citizen back");
        assertThat(s.get(T, i.id()).lastSeq()).isEqualTo(tl.size());
    }

    @Test
    void kpis_timesRatesCollaborationAndPublicOpinion() {
        IncidentService s = service();
        Incident a = s.create(T, pothole(IncidentType.COMPLAINT, Priority.NORMAL));
        clock.advance(Duration.ofMinutes(10));
        s.changeStatus(T, a.id(), IncidentStatus.TRIAGED, null, "ops", null);
        clock.advance(Duration.ofMinutes(10));
        s.changeStatus(T, a.id(), IncidentStatus.DISPATCHED, "roads", "ops", null);
        Task t = s.addTask(T, a.id(), "roads", "Fill", "ops");
        s.handoff(T, a.id(), t.id(), "water", "ops", null);
        clock.advance(Duration.ofMinutes(30));
        s.taskStatus(T, a.id(), t.id(), TaskStatus.IN_PROGRESS, "water");
        clock.advance(Duration.ofHours(1));
        s.changeStatus(T, a.id(), IncidentStatus.RESOLVED, null, "ops", null);
        s.reopen(T, a.id(), "citizen", null);
        Incident b = s.submit(T, CitizenReport.opinion("Noise at night from the club", "en", null, null))
                .incident();
        clock.advance(Duration.ofHours(2));
        s.changeStatus(T, b.id(), IncidentStatus.RESOLVED, null, "ops", null);
        s.changeStatus(T, b.id(), IncidentStatus.CLOSED, null, "ops", null);
        Map<String, Object> k = s.kpis(T, T0, clock.instant().plusSeconds(1), "department");
        @SuppressWarnings("unchecked")
        Map<String, Object> total = (Map<String, Object>) k.get("total");
        assertThat(total).containsEntry("incidents", 2).containsEntry("open", 1).containsEntry("reopenRate", 0.5);
        assertThat(total).containsEntry("onTimeClosureRate", 1.0);
        @SuppressWarnings("unchecked")
        Map<String, Object> triage = (Map<String, Object>) total.get("timeToTriage");
        assertThat(triage).containsEntry("count", 2).containsEntry("medianSeconds", 300.0); // (600 + 0) / 2
        @SuppressWarnings("unchecked")
        Map<String, Object> groups = (Map<String, Object>) k.get("groups");
        assertThat(groups).containsOnlyKeys("roads", "environment");
        assertThat(k.get("collaboration"))
                .isEqualTo(Map.of("incidents", 1, "medianDispatchPlusHandoffSeconds", 1200.0 + 1800.0));
        @SuppressWarnings("unchecked")
        Map<String, Object> po = (Map<String, Object>) k.get("publicOpinion");
        assertThat(po)
                .containsEntry("incidents", 1)
                .containsEntry("closed", 1)
                .containsEntry("medianTimeToCloseSeconds", 7200.0);
        assertCode(() -> s.kpis(T, T0, T0.plusSeconds(1), "colour"), ErrorType.BAD_REQUEST_DATA, "incident.invalid");
        assertCode(() -> s.kpis(T, T0, T0, null), ErrorType.BAD_REQUEST_DATA, "incident.invalid");
    }
}
