package io.citytwin.http;

import io.citytwin.incident.Catalogue;
import io.citytwin.incident.Category;
import io.citytwin.incident.GeoPoint;
import io.citytwin.incident.Incident;
import io.citytwin.incident.IncidentPage;
import io.citytwin.incident.IncidentQuery;
import io.citytwin.incident.IncidentService;
import io.citytwin.incident.IncidentStatus;
import io.citytwin.incident.IncidentType;
import io.citytwin.incident.NewIncident;
import io.citytwin.incident.Priority;
import io.citytwin.incident.Source;
import io.citytwin.incident.TaskStatus;
import io.citytwin.twin.ErrorType;
import io.citytwin.twin.IsoTimes;
import io.citytwin.twin.TwinException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The incidents API (docs/incidents.md, contract B): list, detail, create, status changes, reopen, comments, tasks,
 * task status, handoffs, KPIs and the catalogue. Plain JSON; errors as problem details with {@code incident.*}
 * codes (404 not-found, 400 invalid, 409 transition).
 */
final class IncidentHandlers {
    static final int MAX_LIMIT = 1000;

    private final IncidentService incidents;
    private final Responses out;
    private final InstantSource clock;

    IncidentHandlers(IncidentService incidents, Responses out, InstantSource clock) {
        this.incidents = incidents;
        this.out = out;
        this.clock = clock;
    }

    void list(ApiRequest r) {
        Set<IncidentStatus> statuses = EnumSet.noneOf(IncidentStatus.class);
        for (String s : r.listParam("status")) {
            statuses.add(IncidentStatus.of(s));
        }
        int limit = r.intParam("limit", 50, 0);
        if (limit > MAX_LIMIT) {
            throw new TwinException(
                    ErrorType.TOO_MANY_RESULTS,
                    "query.limit-too-high",
                    "limit must be at most " + MAX_LIMIT + ", got " + limit);
        }
        String category = r.param("category");
        String type = r.param("type");
        String source = r.param("source");
        IncidentQuery q = new IncidentQuery(
                statuses,
                r.param("district"),
                r.param("department"),
                category == null ? null : Category.of(category),
                type == null ? null : IncidentType.of(type),
                source == null ? null : Source.of(source),
                limit,
                r.intParam("offset", 0, 0));
        IncidentPage page = incidents.query(r.tenant, q);
        List<Object> list = new ArrayList<>();
        for (Incident i : page.incidents()) {
            list.add(i.toJson());
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("incidents", list);
        body.put("total", page.total());
        r.ctx.header("X-Total-Count", Long.toString(page.total()));
        out.plainJson(r, 200, body);
    }

    void get(ApiRequest r) {
        out.plainJson(r, 200, incidents.detail(r.tenant, id(r)).toJson());
    }

    void create(ApiRequest r) {
        Map<String, Object> b =
                body(r, "title", "description", "category", "type", "priority", "location", "entity", "actor");
        Object loc = b.get("location");
        NewIncident n = new NewIncident(
                required(b, "title"),
                optional(b, "description", ""),
                Category.of(required(b, "category")),
                IncidentType.of(optional(b, "type", "complaint")),
                Priority.of(optional(b, "priority", "normal")),
                loc == null ? null : GeoPoint.fromJson(loc),
                optional(b, "entity", null),
                optional(b, "actor", "operator"));
        Incident i = incidents.create(r.tenant, n);
        r.ctx.header("Location", "/api/v1/incidents/" + i.id());
        out.plainJson(r, 201, i.toJson());
    }

    void status(ApiRequest r) {
        Map<String, Object> b = body(r, "status", "department", "actor", "note");
        Incident i = incidents.changeStatus(
                r.tenant,
                id(r),
                IncidentStatus.of(required(b, "status")),
                optional(b, "department", null),
                optional(b, "actor", "operator"),
                optional(b, "note", null));
        out.plainJson(r, 200, i.toJson());
    }

    void reopen(ApiRequest r) {
        Map<String, Object> b = body(r, "actor", "note");
        out.plainJson(
                r,
                200,
                incidents
                        .reopen(r.tenant, id(r), optional(b, "actor", "operator"), optional(b, "note", null))
                        .toJson());
    }

    void comment(ApiRequest r) {
        Map<String, Object> b = body(r, "actor", "text");
        out.plainJson(
                r,
                201,
                incidents
                        .comment(r.tenant, id(r), optional(b, "actor", "operator"), required(b, "text"))
                        .toJson());
    }

    void addTask(ApiRequest r) {
        Map<String, Object> b = body(r, "department", "title", "actor");
        out.plainJson(
                r,
                201,
                incidents
                        .addTask(
                                r.tenant,
                                id(r),
                                required(b, "department"),
                                required(b, "title"),
                                optional(b, "actor", "operator"))
                        .toJson());
    }

    void taskStatus(ApiRequest r) {
        Map<String, Object> b = body(r, "status", "actor");
        out.plainJson(
                r,
                200,
                incidents
                        .taskStatus(
                                r.tenant,
                                id(r),
                                r.ctx.pathParam("taskId"),
                                TaskStatus.of(required(b, "status")),
                                optional(b, "actor", "operator"))
                        .toJson());
    }

    void handoff(ApiRequest r) {
        Map<String, Object> b = body(r, "department", "actor", "note");
        out.plainJson(
                r,
                200,
                incidents
                        .handoff(
                                r.tenant,
                                id(r),
                                r.ctx.pathParam("taskId"),
                                required(b, "department"),
                                optional(b, "actor", "operator"),
                                optional(b, "note", null))
                        .toJson());
    }

    /** {@code ?from=&to=&by=}: default the 30 days up to now. */
    void kpis(ApiRequest r) {
        Instant to = time(r, "to");
        Instant from = time(r, "from");
        if (to == null) {
            to = clock.instant().plusMillis(1);
        }
        if (from == null) {
            from = to.minus(Duration.ofDays(30));
        }
        out.plainJson(r, 200, incidents.kpis(r.tenant, from, to, r.param("by")));
    }

    void catalogue(ApiRequest r) {
        out.plainJson(r, 200, incidents.catalogue(r.tenant).toJson());
    }

    void putCatalogue(ApiRequest r) {
        Catalogue c = Catalogue.fromJson(r.bodyObject(), incidents.catalogue(r.tenant));
        out.plainJson(r, 200, incidents.updateCatalogue(r.tenant, c).toJson());
    }

    private static String id(ApiRequest r) {
        return r.ctx.pathParam("id");
    }

    private static @Nullable Instant time(ApiRequest r, String name) {
        String v = r.param(name);
        if (v == null) {
            return null;
        }
        Instant t = IsoTimes.parseDateTime(v, 0, v.length());
        if (t == null) {
            throw TwinException.badData("incident.invalid", name + " must be an ISO 8601 dateTime, got '" + v + "'");
        }
        return t;
    }

    /** The JSON object body; members other than {@code allowed} are errors (typos never pass silently). */
    private static Map<String, Object> body(ApiRequest r, String... allowed) {
        if (r.ctx.bodyAsBytes().length == 0) {
            return Map.of();
        }
        Map<String, Object> b = r.bodyObject();
        Set<String> ok = Set.of(allowed);
        for (String k : b.keySet()) {
            if (!ok.contains(k)) {
                throw TwinException.badData(
                        "incident.invalid", "Unknown member '" + k + "'; expected " + String.join(", ", allowed));
            }
        }
        return b;
    }

    private static String required(Map<String, Object> b, String key) {
        String v = optional(b, key, null);
        if (v == null) {
            throw TwinException.badData("incident.invalid", "'" + key + "' is required");
        }
        return v;
    }

    private static @Nullable String optional(Map<String, Object> b, String key, @Nullable String dflt) {
        Object v = b.get(key);
        if (v == null) {
            return dflt;
        }
        if (!(v instanceof String s)) {
            throw TwinException.badData("incident.invalid", "'" + key + "' must be a string");
        }
        return s;
    }
}
