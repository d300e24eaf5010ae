package io.citytwin.testkit.incident;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.citytwin.incident.Catalogue;
import io.citytwin.incident.Category;
import io.citytwin.incident.GeoPoint;
import io.citytwin.incident.Incident;
import io.citytwin.incident.IncidentPage;
import io.citytwin.incident.IncidentQuery;
import io.citytwin.incident.IncidentStatus;
import io.citytwin.incident.IncidentStore;
import io.citytwin.incident.IncidentType;
import io.citytwin.incident.Report;
import io.citytwin.incident.SlaState;
import io.citytwin.incident.SlaTarget;
import io.citytwin.incident.Source;
import io.citytwin.incident.Task;
import io.citytwin.incident.TaskStatus;
import io.citytwin.incident.TimelineEntry;
import io.citytwin.twin.TenantId;
import io.citytwin.twin.TwinException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The contract of the {@link IncidentStore} port, run against every adapter: subclass it and implement {@link
 * #open(Path)}. Adapters that forget on close override {@link #durable()} to return false.
 */
public abstract class IncidentStoreContract {
    protected static final TenantId CITY_A = new TenantId("city-a");
    protected static final TenantId CITY_B = new TenantId("city-b");
    protected static final Instant T0 = Instant.parse("2026-03-02T10:00:00.123456789Z");

    @TempDir
    protected Path dir;

    /** Opens the store in {@code dir}; opening it again after close must see the same data when durable. */
    protected abstract IncidentStore open(Path dir);

    protected boolean durable() {
        return true;
    }

    /** An incident with every optional member set, changed at {@code updated}. */
    public static Incident incident(TenantId tenant, String id, IncidentStatus status, Instant updated) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id);
        m.put("title", "Lamp out near the school ✓");
        m.put("description", "路灯不亮 — die Laterne ist aus");
        m.put("category", "streetlight");
        m.put("type", "complaint");
        m.put("priority", "high");
        m.put("status", status.label());
        m.put("department", "lighting");
        m.put("district", "urn:ngsi-ld:District:d1");
        m.put("location", new GeoPoint(13.4, 52.5).toJson());
        m.put("entity", "urn:ngsi-ld:Streetlight:l1");
        m.put("source", "open311");
        m.put("createdAt", T0.toString());
        m.put("updatedAt", updated.toString());
        m.put("dueAt", T0.plus(Duration.ofDays(3)).toString());
        m.put("slaStart", T0.toString());
        m.put("sla", "warning");
        m.put("reopenCount", 1);
        m.put("reportCount", 2);
        m.put("alarms", List.of("a1"));
        m.put("entities", List.of("urn:ngsi-ld:Streetlight:l1"));
        m.put("language", "en");
        m.put("suggestedDuplicates", List.of("inc-000009"));
        m.put("departments", List.of("lighting", "roads"));
        m.put("triagedAt", T0.plusSeconds(1).toString());
        m.put("dispatchedAt", T0.plusSeconds(2).toString());
        m.put("resolvedAt", null);
        m.put("closedAt", null);
        m.put("escalatedTo", "supervisor");
        m.put("handoffs", 1);
        m.put("handoffWaitSeconds", 60);
        m.put("timelineLength", 0);
        return Incident.fromJson(tenant, m);
    }

    /** {@code i} with another category, district and timeline length. */
    protected static Incident with(Incident i, Category category, String district, long lastSeq) {
        Map<String, Object> m = i.toJson();
        m.put("category", category.label());
        m.put("district", district);
        m.put("timelineLength", lastSeq);
        return Incident.fromJson(i.tenant(), m);
    }

    protected static TimelineEntry entry(String incident, long seq, String action) {
        return new TimelineEntry(
                incident,
                seq,
                T0.plusSeconds(seq),
                "ops ✓",
                action,
                "new",
                "triaged",
                "note 注意",
                Map.of("department", "lighting", "n", 3L, "nested", Map.of("x", List.of(1L, 2L))));
    }

    private static IncidentStore.Change change(Incident i, List<TimelineEntry> entries) {
        return new IncidentStore.Change(i.tenant(), i, List.of(), List.of(), entries);
    }

    @Test
    void commit_thenFind_returnsTheSameIncident_perTenant() {
        try (IncidentStore s = open(dir)) {
            Incident i = with(incident(CITY_A, "inc-000001", IncidentStatus.DISPATCHED, T0), Category.WATER, "d", 1);
            s.commit(change(i, List.of(entry(i.id(), 1, "created"))));
            assertThat(s.find(CITY_A, "inc-000001")).contains(i);
            assertThat(s.find(CITY_B, "inc-000001")).isEmpty();
            assertThat(s.find(CITY_A, "inc-000002")).isEmpty();
        }
    }

    @Test
    void timeline_isAppendOnly_andAFailedCommitChangesNothing() {
        try (IncidentStore s = open(dir)) {
            Incident v1 = with(incident(CITY_A, "inc-000001", IncidentStatus.NEW, T0), Category.WATER, "d", 1);
            s.commit(change(v1, List.of(entry(v1.id(), 1, "created"))));
            Incident v2 = with(
                    incident(CITY_A, "inc-000001", IncidentStatus.TRIAGED, T0.plusSeconds(5)), Category.WATER, "d", 2);
            s.commit(change(v2, List.of(entry(v1.id(), 2, "triaged"))));
            assertThat(s.timeline(CITY_A, v1.id()))
                    .extracting(TimelineEntry::seq)
                    .containsExactly(1L, 2L);
            assertThat(s.timeline(CITY_A, v1.id()).get(1)).isEqualTo(entry(v1.id(), 2, "triaged"));

            Incident v3 = with(
                    incident(CITY_A, "inc-000001", IncidentStatus.CLOSED, T0.plusSeconds(9)), Category.AIR, "d", 2);
            assertThatThrownBy(() -> s.commit(change(v3, List.of(entry(v1.id(), 2, "rewritten")))))
                    .isInstanceOfSatisfying(
                            TwinException.class, e -> assertThat(e.code()).isEqualTo("incident.timeline-append-only"));
            assertThat(s.find(CITY_A, v1.id())).contains(v2);
            assertThat(s.timeline(CITY_A, v1.id()))
                    .extracting(TimelineEntry::action)
                    .containsExactly("created", "triaged");
            assertThat(s.timeline(CITY_B, v1.id())).isEmpty();
        }
    }

    @Test
    void tasksAreReplacedById_reportsAppended_inOrder() {
        try (IncidentStore s = open(dir)) {
            Incident i = incident(CITY_A, "inc-000001", IncidentStatus.DISPATCHED, T0);
            Task t1 = new Task(
                    "task-1",
                    i.id(),
                    "lighting",
                    "Replace lamp",
                    TaskStatus.OPEN,
                    T0,
                    T0,
                    T0.plusSeconds(99),
                    SlaState.OK,
                    T0,
                    null,
                    0,
                    null);
            Task t2 = new Task(
                    "task-2",
                    i.id(),
                    "roads",
                    "Close lane",
                    TaskStatus.OPEN,
                    T0,
                    T0,
                    T0.plusSeconds(99),
                    SlaState.OK,
                    T0,
                    null,
                    0,
                    null);
            Report r = new Report(
                    "rep-000001",
                    i.id(),
                    Source.OPEN311,
                    "Lamp out 路灯",
                    "en",
                    new GeoPoint(1, 2),
                    "ann",
                    "tok-1",
                    T0,
                    Category.STREETLIGHT,
                    0.9,
                    0);
            s.commit(new IncidentStore.Change(CITY_A, i, List.of(t1, t2), List.of(r), List.of()));
            Task t1b = new Task(
                    "task-1",
                    i.id(),
                    "water",
                    "Replace lamp",
                    TaskStatus.IN_PROGRESS,
                    T0,
                    T0.plusSeconds(3),
                    T0.plusSeconds(99),
                    SlaState.WARNING,
                    T0.plusSeconds(2),
                    T0.plusSeconds(2),
                    1,
                    null);
            Report r2 = new Report(
                    "rep-000002",
                    i.id(),
                    Source.OPINION,
                    "again",
                    null,
                    null,
                    null,
                    null,
                    T0.plusSeconds(4),
                    Category.STREETLIGHT,
                    0.5,
                    0.85);
            s.commit(new IncidentStore.Change(CITY_A, i, List.of(t1b), List.of(r2), List.of()));
            assertThat(s.tasks(CITY_A, i.id())).containsExactly(t1b, t2);
            assertThat(s.reports(CITY_A, i.id())).containsExactly(r, r2);
            assertThat(s.tasks(CITY_B, i.id())).isEmpty();
            assertThat(s.incidentOfReport(CITY_A, "rep-000002")).contains(i.id());
            assertThat(s.incidentOfReport(CITY_B, "rep-000002")).isEmpty();
            assertThat(s.incidentOfReport(CITY_A, "rep-000003")).isEmpty();
        }
    }

    @Test
    void query_filters_ordersNewestFirst_andPages() {
        try (IncidentStore s = open(dir)) {
            for (int k = 1; k <= 5; k++) {
                IncidentStatus st = k % 2 == 0 ? IncidentStatus.NEW : IncidentStatus.CLOSED;
                Incident i = with(
                        incident(CITY_A, String.format("inc-%06d", k), st, T0.plusSeconds(k)),
                        k <= 3 ? Category.WATER : Category.ROAD,
                        "d" + (k % 2),
                        0);
                s.commit(change(i, List.of()));
            }
            s.commit(change(incident(CITY_B, "inc-000099", IncidentStatus.NEW, T0), List.of()));
            IncidentPage all = s.query(CITY_A, IncidentQuery.all());
            assertThat(all.total()).isEqualTo(5);
            assertThat(all.incidents())
                    .extracting(Incident::id)
                    .containsExactly("inc-000005", "inc-000004", "inc-000003", "inc-000002", "inc-000001");
            IncidentPage page = s.query(CITY_A, new IncidentQuery(Set.of(), null, null, null, null, null, 2, 1));
            assertThat(page.total()).isEqualTo(5);
            assertThat(page.incidents()).extracting(Incident::id).containsExactly("inc-000004", "inc-000003");
            IncidentPage f = s.query(
                    CITY_A,
                    new IncidentQuery(
                            Set.of(IncidentStatus.CLOSED),
                            "d1",
                            "lighting",
                            Category.WATER,
                            IncidentType.COMPLAINT,
                            Source.OPEN311,
                            10,
                            0));
            assertThat(f.incidents()).extracting(Incident::id).containsExactly("inc-000003", "inc-000001");
            assertThat(s.query(CITY_A, new IncidentQuery(Set.of(), null, "parks", null, null, null, 10, 0))
                            .total())
                    .isZero();
            assertThat(s.query(CITY_A, new IncidentQuery(Set.of(), null, null, null, IncidentType.ENQUIRY, null, 10, 0))
                            .total())
                    .isZero();
            assertThat(s.query(CITY_A, new IncidentQuery(Set.of(), null, null, null, null, Source.ALARM, 10, 0))
                            .total())
                    .isZero();
        }
    }

    @Test
    void unclosed_andCreatedBetween() {
        try (IncidentStore s = open(dir)) {
            s.commit(change(incident(CITY_A, "inc-000001", IncidentStatus.CLOSED, T0), List.of()));
            s.commit(change(incident(CITY_A, "inc-000002", IncidentStatus.RESOLVED, T0), List.of()));
            s.commit(change(incident(CITY_B, "inc-000003", IncidentStatus.NEW, T0), List.of()));
            assertThat(s.unclosed()).extracting(Incident::id).containsExactlyInAnyOrder("inc-000002", "inc-000003");
            assertThat(s.createdBetween(CITY_A, T0, T0.plusSeconds(1)))
                    .extracting(Incident::id)
                    .containsExactly("inc-000001", "inc-000002");
            assertThat(s.createdBetween(CITY_A, T0.plusNanos(1), T0.plusSeconds(1)))
                    .isEmpty();
            assertThat(s.createdBetween(CITY_A, T0.minusSeconds(1), T0)).isEmpty();
        }
    }

    @Test
    void sequences_countFromOne_perName() {
        try (IncidentStore s = open(dir)) {
            assertThat(s.next("incident")).isEqualTo(1);
            assertThat(s.next("incident")).isEqualTo(2);
            assertThat(s.next("report")).isEqualTo(1);
        }
    }

    @Test
    void catalogue_roundTrips_perTenant() {
        try (IncidentStore s = open(dir)) {
            assertThat(s.catalogue(CITY_A)).isEmpty();
            Catalogue d = Catalogue.defaults(ZoneId.of("Asia/Shanghai"));
            Map<String, Object> edit = new LinkedHashMap<>();
            edit.put("districts", Map.of("d1", Map.of("streetlight", "district-works")));
            edit.put(
                    "sla", Map.of("enquiry", Map.of("normal", SlaTarget.hours(5).toJson())));
            Catalogue c = Catalogue.fromJson(edit, d);
            s.saveCatalogue(CITY_A, c);
            assertThat(s.catalogue(CITY_A)).contains(c);
            assertThat(s.catalogue(CITY_B)).isEmpty();
        }
    }

    @Test
    void everything_survivesAReopen() {
        Incident i = with(incident(CITY_A, "inc-000001", IncidentStatus.NEW, T0), Category.WATER, "d", 1);
        try (IncidentStore s = open(dir)) {
            s.commit(change(i, List.of(entry(i.id(), 1, "created"))));
            s.saveCatalogue(CITY_A, Catalogue.defaults(ZoneId.of("UTC")));
            s.next("incident");
        }
        if (!durable()) {
            return;
        }
        try (IncidentStore s = open(dir)) {
            assertThat(s.find(CITY_A, i.id())).contains(i);
            assertThat(s.timeline(CITY_A, i.id())).containsExactly(entry(i.id(), 1, "created"));
            assertThat(s.catalogue(CITY_A)).contains(Catalogue.defaults(ZoneId.of("UTC")));
            assertThat(s.next("incident")).isEqualTo(2);
        }
    }
}
