package io.citytwin.http;

import io.citytwin.alarm.Alarm;
import io.citytwin.alarm.AlarmPage;
import io.citytwin.alarm.AlarmQuery;
import io.citytwin.alarm.AlarmService;
import io.citytwin.alarm.AlarmState;
import io.citytwin.alarm.Severity;
import io.citytwin.twin.ErrorType;
import io.citytwin.twin.IsoTimes;
import io.citytwin.twin.TwinException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The alarms API (docs/rules.md, contract A): {@code GET /api/v1/alarms} (filters {@code state}, {@code severity},
 * {@code domain}, {@code district}, {@code originator}, {@code type}, {@code since}; {@code limit}, {@code offset};
 * header {@code X-Total-Count}), {@code GET /api/v1/alarms/summary}, {@code GET /api/v1/alarms/{id}}, {@code POST
 * /api/v1/alarms/{id}/acknowledge} and {@code .../clear} with {@code {"by": "...", "note": "..."}}.
 */
final class AlarmHandlers {
    static final int MAX_LIMIT = 1000;

    private final AlarmService alarms;
    private final Responses out;

    AlarmHandlers(AlarmService alarms, Responses out) {
        this.alarms = alarms;
        this.out = out;
    }

    void list(ApiRequest r) {
        Set<AlarmState> states = EnumSet.noneOf(AlarmState.class);
        List<String> s = r.listParam("state");
        if (s.isEmpty()) {
            states.add(AlarmState.ACTIVE);
            states.add(AlarmState.ACKNOWLEDGED);
        }
        for (String x : s) {
            states.add(AlarmState.of(x));
        }
        Set<Severity> severities = EnumSet.noneOf(Severity.class);
        for (String x : r.listParam("severity")) {
            severities.add(Severity.of(x));
        }
        int limit = r.intParam("limit", 100, 0);
        if (limit > MAX_LIMIT) {
            throw new TwinException(
                    ErrorType.TOO_MANY_RESULTS,
                    "query.limit-too-high",
                    "limit must be at most " + MAX_LIMIT + ", got " + limit);
        }
        int offset = r.intParam("offset", 0, 0);
        String since = r.param("since");
        Instant sinceAt = null;
        if (since != null) {
            sinceAt = IsoTimes.parseDateTime(since, 0, since.length());
            if (sinceAt == null) {
                throw TwinException.badData("param.since", "since must be an ISO 8601 dateTime, got '" + since + "'");
            }
        }
        AlarmQuery q = new AlarmQuery(
                states,
                severities,
                new LinkedHashSet<>(r.listParam("domain")),
                new LinkedHashSet<>(r.listParam("district")),
                r.param("originator"),
                r.param("type"),
                sinceAt,
                limit,
                offset);
        AlarmPage page = alarms.query(r.tenant, q);
        List<Object> body = new ArrayList<>();
        for (Alarm a : page.alarms()) {
            body.add(a.toJson());
        }
        r.ctx.header("X-Total-Count", Long.toString(page.total()));
        out.plainJson(r, 200, body);
    }

    void summary(ApiRequest r) {
        out.plainJson(r, 200, alarms.summary(r.tenant).toJson());
    }

    void get(ApiRequest r) {
        out.plainJson(r, 200, alarms.get(r.tenant, r.ctx.pathParam("id")).toJson());
    }

    void acknowledge(ApiRequest r) {
        Actor a = actor(r);
        out.plainJson(
                r,
                200,
                alarms.acknowledge(r.tenant, r.ctx.pathParam("id"), a.by, a.note)
                        .toJson());
    }

    void clear(ApiRequest r) {
        Actor a = actor(r);
        out.plainJson(
                r,
                200,
                alarms.clear(r.tenant, r.ctx.pathParam("id"), a.by, a.note).toJson());
    }

    private record Actor(String by, @Nullable String note) {}

    /** Who acts, from the body {@code {"by": ..., "note": ...}}; an empty body acts as {@code operator}. */
    private static Actor actor(ApiRequest r) {
        if (r.ctx.bodyAsBytes().length == 0) {
            return new Actor("operator", null);
        }
        Map<String, Object> body = r.bodyObject();
        for (String k : body.keySet()) {
            if (!k.equals("by") && !k.equals("note")) {
                throw TwinException.badData("alarm.body", "Unknown member '" + k + "'; expected by and note");
            }
        }
        Object by = body.get("by");
        Object note = body.get("note");
        if (by != null && (!(by instanceof String s) || s.isBlank() || s.length() > 200)) {
            throw TwinException.badData("alarm.by", "by must be a non-empty string of at most 200 characters");
        }
        if (note != null && (!(note instanceof String n) || n.length() > 2000)) {
            throw TwinException.badData("alarm.note", "note must be a string of at most 2000 characters");
        }
        return new Actor(by == null ? "operator" : (String) by, (String) note);
    }
}
