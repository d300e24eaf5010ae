package io.citytwin.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.citytwin.alarm.AlarmService;
import io.citytwin.alarm.Severity;
import io.citytwin.testkit.FakeClock;
import io.citytwin.twin.EntityId;
import io.citytwin.twin.TenantId;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The incidents API (contract B) through a real node and a real HTTP client: lifecycle, problem details for
 * 404/400/409, comments, tasks and handoffs, the catalogue edit, KPIs, the SLA monitor on the node's clock, alarms
 * opening incidents, and incidents surviving a restart.
 */
class IncidentsIT {
    @TempDir
    Path dir;

    final FakeClock clock = new FakeClock(Instant.parse("2026-03-02T09:00:00Z"));

    private Node start() {
        return Node.start(
                CityTwinConfig.defaults()
                        .override(0, "127.0.0.1", dir)
                        .withMqttPort(0)
                        .withRules(new CityTwinConfig.Rules(true, null, List.of(), Duration.ofMillis(200)))
                        .withIncidents(IncidentConfig.DEFAULTS.withSlaTickEvery(Duration.ofMillis(50))),
                clock,
                Map.of());
    }

    private static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    private static Map<String, Object> body(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> list(Object o) {
        return (List<Map<String, Object>>) o;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> obj(Object o) {
        return (Map<String, Object>) o;
    }

    private static void problem(Api.Res r, int status, String code) {
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        assertThat(r.header("Content-Type")).contains("json");
        assertThat(r.obj())
                .containsEntry("code", code)
                .containsEntry("status", status)
                .containsKey("detail");
    }

    @Test
    void lifecycle_errors_commentsTasksHandoffs_catalogue_kpis_sla_andRestart() {
        String id;
        try (Node node = start()) {
            Api api = new Api(node.httpPort());
            Api.Res created = api.post(
                    "/api/v1/incidents",
                    body(
                            "title", "Pothole on Main St",
                            "description", "Deep hole near the bus stop",
                            "category", "road",
                            "type", "complaint",
                            "priority", "urgent",
                            "location", Map.of("type", "Point", "coordinates", List.of(13.4, 52.5)),
                            "actor", "ann"));
            assertThat(created.status()).as(created.body()).isEqualTo(201);
            Map<String, Object> inc = created.obj();
            id = (String) inc.get("id");
            assertThat(id).matches("inc-\\d{6}");
            assertThat(created.header("Location")).isEqualTo("/api/v1/incidents/" + id);
            assertThat(inc)
                    .containsEntry("status", "new")
                    .containsEntry("source", "operator")
                    .containsEntry("sla", "ok")
                    .containsEntry("department", null)
                    .containsEntry("dueAt", "2026-03-02T13:00:00Z")
                    .containsEntry("location", Map.of("type", "Point", "coordinates", List.of(13.4, 52.5)));

            // errors: 404, 400, 409 as problem details
            problem(api.get("/api/v1/incidents/inc-999999"), 404, "incident.not-found");
            problem(api.post("/api/v1/incidents", body("title", "x", "category", "lava")), 400, "incident.invalid");
            problem(api.post("/api/v1/incidents", body("category", "road")), 400, "incident.invalid");
            problem(
                    api.post("/api/v1/incidents", body("title", "x", "category", "road", "colour", "red")),
                    400,
                    "incident.invalid");
            problem(
                    api.post(
                            "/api/v1/incidents",
                            body("title", "x", "category", "road", "location", Map.of("type", "Point"))),
                    400,
                    "incident.invalid");
            problem(
                    api.post("/api/v1/incidents/" + id + "/status", body("status", "resolved", "actor", "bob")),
                    409,
                    "incident.transition");
            problem(
                    api.post("/api/v1/incidents/" + id + "/status", body("status", "done", "actor", "bob")),
                    400,
                    "incident.invalid");
            problem(api.post("/api/v1/incidents/" + id + "/reopen", body("actor", "bob")), 409, "incident.transition");
            problem(
                    api.post("/api/v1/incidents/" + id + "/status", "{not json"),
                    400,
                    api.post("/api/v1/incidents/" + id + "/status", "{not json")
                            .obj()
                            .get("code")
                            .toString());
            problem(
                    api.post("/api/v1/incidents/inc-999999/comments", body("actor", "bob", "text", "hi")),
                    404,
                    "incident.not-found");

            // lifecycle with comments, tasks and a handoff
            assertThat(api.post("/api/v1/incidents/" + id + "/status", body("status", "triaged", "actor", "bob"))
                            .obj())
                    .containsEntry("status", "triaged");
            problem(
                    api.post("/api/v1/incidents/" + id + "/status", body("status", "dispatched", "actor", "bob")),
                    400,
                    "incident.invalid");
            clock.advance(Duration.ofMinutes(10));
            assertThat(api.post(
                                    "/api/v1/incidents/" + id + "/status",
                                    body(
                                            "status",
                                            "dispatched",
                                            "department",
                                            "roads",
                                            "actor",
                                            "bob",
                                            "note",
                                            "crew 4"))
                            .obj())
                    .containsEntry("status", "dispatched")
                    .containsEntry("department", "roads");
            Api.Res comment = api.post(
                    "/api/v1/incidents/" + id + "/comments", body("actor", "carl", "text", "Citizen called again"));
            assertThat(comment.status()).isEqualTo(201);
            Api.Res task = api.post(
                    "/api/v1/incidents/" + id + "/tasks",
                    body("department", "traffic", "title", "Close lane", "actor", "bob"));
            assertThat(task.status()).as(task.body()).isEqualTo(201);
            assertThat(task.obj()).containsEntry("id", "task-1").containsEntry("status", "open");
            Api.Res handoff = api.post(
                    "/api/v1/incidents/" + id + "/tasks/task-1/handoff",
                    body("department", "police", "actor", "dora", "note", "needs police"));
            assertThat(handoff.status()).as(handoff.body()).isEqualTo(200);
            assertThat(handoff.obj()).containsEntry("department", "police").containsEntry("handoffs", 1);
            problem(
                    api.post(
                            "/api/v1/incidents/" + id + "/tasks/task-1/handoff",
                            body("department", "police", "actor", "dora")),
                    409,
                    "incident.transition");
            problem(
                    api.post("/api/v1/incidents/" + id + "/tasks/task-7/status", body("status", "done", "actor", "x")),
                    404,
                    "incident.not-found");
            clock.advance(Duration.ofMinutes(5));
            assertThat(api.post(
                                    "/api/v1/incidents/" + id + "/tasks/task-1/status",
                                    body("status", "in-progress", "actor", "police"))
                            .obj())
                    .containsEntry("status", "in-progress");
            assertThat(api.post(
                                    "/api/v1/incidents/" + id + "/tasks/task-1/status",
                                    body("status", "done", "actor", "police"))
                            .obj())
                    .containsEntry("status", "done")
                    .containsEntry("sla", "met");
            problem(
                    api.post(
                            "/api/v1/incidents/" + id + "/tasks/task-1/status",
                            body("status", "open", "actor", "police")),
                    409,
                    "incident.transition");

            // the SLA monitor on the node's clock: urgent = 4 h; warning at 80 %, breach and escalation at 4 h
            clock.advance(Duration.ofHours(4));
            // the monitor commits the breach and then the escalation (two timeline entries): wait for both
            await("breach and escalation", () -> {
                Map<String, Object> now = api.get("/api/v1/incidents/" + id).obj();
                return "breached".equals(now.get("sla")) && now.get("escalatedTo") != null;
            });
            Map<String, Object> detail = api.get("/api/v1/incidents/" + id).obj();
            assertThat(detail).containsEntry("escalatedTo", "supervisor");
            assertThat(list(detail.get("timeline")))
                    .extracting(e -> e.get("action"))
                    .containsExactly(
                            "created",
                            "triaged",
                            "dispatched",
                            "comment",
                            "task-created",
                            "handoff",
                            "task-status",
                            "task-status",
                            "sla-breached",
                            "escalated");
            assertThat(list(detail.get("timeline")).get(3))
                    .containsEntry("actor", "carl")
                    .containsEntry("note", "Citizen called again");
            assertThat(list(detail.get("tasks"))).singleElement().satisfies(t -> assertThat(t)
                    .containsEntry("department", "police"));
            assertThat(detail.get("reports")).isEqualTo(List.of());

            assertThat(api.post("/api/v1/incidents/" + id + "/status", body("status", "in-progress", "actor", "roads"))
                            .status())
                    .isEqualTo(200);
            assertThat(api.post("/api/v1/incidents/" + id + "/status", body("status", "resolved", "actor", "roads"))
                            .obj())
                    .containsEntry("status", "resolved")
                    .containsEntry("sla", "breached");
            Map<String, Object> reopened = api.post(
                            "/api/v1/incidents/" + id + "/reopen", body("actor", "citizen", "note", "still there"))
                    .obj();
            assertThat(reopened)
                    .containsEntry("status", "triaged")
                    .containsEntry("reopenCount", 1)
                    .containsEntry("sla", "ok");

            // list and filters
            Map<String, Object> page = api.get("/api/v1/incidents?status=triaged,new&category=road&limit=10")
                    .obj();
            assertThat(page).containsEntry("total", 1);
            assertThat(list(page.get("incidents"))).extracting(i -> i.get("id")).containsExactly(id);
            assertThat(api.get("/api/v1/incidents?status=closed").obj()).containsEntry("total", 0);
            assertThat(api.get("/api/v1/incidents", "NGSILD-Tenant", "other").obj())
                    .containsEntry("total", 0);
            problem(api.get("/api/v1/incidents?status=bogus"), 400, "incident.invalid");
            problem(api.get("/api/v1/incidents?type=bogus"), 400, "incident.invalid");

            // catalogue: read, edit (district override and an SLA), invalid edits refused
            Map<String, Object> cat = api.get("/api/v1/incidents/catalogue").obj();
            assertThat(obj(cat.get("dispatch")))
                    .containsEntry("streetlight", "lighting")
                    .containsEntry("other", "citizen-services");
            assertThat(obj(obj(cat.get("sla")).get("enquiry"))).containsEntry("normal", Map.of("workingDays", 2));
            Api.Res put = api.put(
                    "/api/v1/incidents/catalogue",
                    body(
                            "districts",
                            Map.of("d1", Map.of("road", "district-roads")),
                            "sla",
                            Map.of("complaint", Map.of("urgent", Map.of("hours", 6)))));
            assertThat(put.status()).as(put.body()).isEqualTo(200);
            assertThat(obj(put.obj().get("districts"))).containsEntry("d1", Map.of("road", "district-roads"));
            assertThat(obj(obj(api.get("/api/v1/incidents/catalogue").obj().get("sla"))
                            .get("complaint")))
                    .containsEntry("urgent", Map.of("hours", 6));
            problem(api.put("/api/v1/incidents/catalogue", body("warningFraction", 1.5)), 400, "incident.invalid");
            problem(
                    api.put("/api/v1/incidents/catalogue", body("dispatch", Map.of("lava", "x"))),
                    400,
                    "incident.invalid");
            problem(
                    api.put(
                            "/api/v1/incidents/catalogue",
                            body("sla", Map.of("enquiry", Map.of("normal", Map.of("days", 2))))),
                    400,
                    "incident.invalid");
            Map<String, Object> created2 = api.post(
                            "/api/v1/incidents",
                            body("title", "Hole", "category", "road", "type", "complaint", "priority", "urgent"))
                    .obj();
            assertThat(created2.get("dueAt"))
                    .isEqualTo(clock.instant().plus(Duration.ofHours(6)).toString());

            // KPIs
            Api.Res kpis =
                    api.get("/api/v1/incidents/kpis?from=2026-03-01T00:00:00Z&to=2026-03-03T00:00:00Z&by=department");
            assertThat(kpis.status()).as(kpis.body()).isEqualTo(200);
            Map<String, Object> total = obj(kpis.obj().get("total"));
            assertThat(total)
                    .containsEntry("incidents", 2)
                    .containsEntry("reopenRate", 1.0)
                    .containsEntry("escalated", 1);
            assertThat(obj(total.get("timeToDispatch")))
                    .containsEntry("count", 1)
                    .containsEntry("medianSeconds", 600.0);
            assertThat(obj(kpis.obj().get("collaboration"))).containsEntry("incidents", 1);
            assertThat(obj(kpis.obj().get("groups"))).containsKeys("roads", "unassigned");
            problem(api.get("/api/v1/incidents/kpis?by=colour"), 400, "incident.invalid");
            problem(api.get("/api/v1/incidents/kpis?from=yesterday"), 400, "incident.invalid");

            // alarms of a configured type open a dispatched incident; the node's alarm service feeds it
            AlarmService alarms = node.alarms().orElseThrow();
            alarms.raise(new AlarmService.Raise(
                    TenantId.DEFAULT,
                    "water.leak",
                    Severity.MAJOR,
                    EntityId.of("urn:ngsi-ld:WaterPipe:p1"),
                    "leak-rule",
                    "Pressure drop",
                    Map.of(),
                    clock.instant()));
            Map<String, Object> fromAlarm = list(api.get("/api/v1/incidents?source=alarm")
                            .obj()
                            .get("incidents"))
                    .get(0);
            assertThat(fromAlarm)
                    .containsEntry("type", "sensor-alarm")
                    .containsEntry("category", "water")
                    .containsEntry("status", "dispatched")
                    .containsEntry("department", "water")
                    .containsEntry("entity", "urn:ngsi-ld:WaterPipe:p1")
                    .containsEntry("priority", "high");
            assertThat((List<?>) fromAlarm.get("alarms")).hasSize(1);
        }
        // everything survives a restart
        try (Node node = start()) {
            Api api = new Api(node.httpPort());
            Map<String, Object> detail = api.get("/api/v1/incidents/" + id).obj();
            assertThat(detail).containsEntry("reopenCount", 1).containsEntry("status", "triaged");
            assertThat(list(detail.get("timeline"))).hasSize(13); // 10 at the breach, in-progress, resolved, reopened
            assertThat(api.get("/api/v1/incidents").obj()).containsEntry("total", 3);
            assertThat(obj(api.get("/api/v1/incidents/catalogue").obj().get("districts")))
                    .containsKey("d1");
        }
    }
}
