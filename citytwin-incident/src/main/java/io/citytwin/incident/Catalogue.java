package io.citytwin.incident;

import io.citytwin.twin.TwinException;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneId;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The editable dispatch and SLA catalogue (派单目录 and time limits, docs/incidents.md).
 *
 * @param dispatch the responsible department per category (every category has one)
 * @param districts per-district overrides: district id to category to department (absent: the default)
 * @param sla the time limit per type and priority (every pair has one)
 * @param warningFraction the fraction of the limit after which an open incident or task is flagged {@code warning}
 *     (0 < f < 1)
 * @param escalationRole who is told at a breach and at repeated reopening (default {@code supervisor})
 * @param reopenEscalation reopen count at which an incident escalates (提级督办; default 3)
 * @param zone the time zone working days are counted in
 */
public record Catalogue(
        Map<Category, String> dispatch,
        Map<String, Map<Category, String>> districts,
        Map<IncidentType, Map<Priority, SlaTarget>> sla,
        double warningFraction,
        String escalationRole,
        int reopenEscalation,
        ZoneId zone) {
    private static final Pattern DEPARTMENT = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");

    public Catalogue {
        dispatch = Map.copyOf(dispatch);
        for (Category c : Category.values()) {
            if (!dispatch.containsKey(c)) {
                throw invalid("dispatch has no department for category '" + c.label() + "'");
            }
        }
        dispatch.values().forEach(Catalogue::checkDepartment);
        Map<String, Map<Category, String>> d = new LinkedHashMap<>();
        districts.forEach((k, v) -> {
            if (k.isBlank()) {
                throw invalid("district ids must not be blank");
            }
            v.values().forEach(Catalogue::checkDepartment);
            d.put(k, Map.copyOf(v));
        });
        districts = Map.copyOf(d);
        Map<IncidentType, Map<Priority, SlaTarget>> s = new EnumMap<>(IncidentType.class);
        for (IncidentType t : IncidentType.values()) {
            Map<Priority, SlaTarget> byPriority = sla.get(t);
            for (Priority p : Priority.values()) {
                if (byPriority == null || byPriority.get(p) == null) {
                    throw invalid("sla has no limit for type '" + t.label() + "' and priority '" + p.label() + "'");
                }
            }
            s.put(t, Map.copyOf(byPriority));
        }
        sla = Map.copyOf(s);
        if (!(warningFraction > 0 && warningFraction < 1)) {
            throw invalid("warningFraction must be between 0 and 1 (exclusive), got " + warningFraction);
        }
        checkDepartment(escalationRole);
        if (reopenEscalation < 1) {
            throw invalid("reopenEscalation must be at least 1, got " + reopenEscalation);
        }
    }

    /*
     * Defaults (docs/incidents.md, with sources):
     * - dispatch: contract A (streetlight->lighting, ..., other->citizen-services).
     * - normal and low priority: the Guangdong 12345 management rules (广东省12345热线管理办法): enquiry 2 working
     *   days, help request and suggestion 10, complaint and violation report 15. Low priority gets the same limits:
     *   the statutory limits are ceilings. Public opinion is answered like an enquiry (2 working days), sensor alarms
     *   run on the clock: 24 h normal, 72 h low.
     * - high: about half the statutory limit (enquiry 1, help 5, suggestion 10, complaint/violation 7 working days,
     *   public opinion 1), sensor alarms 8 h.
     * - urgent: 4 h for people-reported incidents, 2 h for sensor alarms (the twin knows exactly where and what).
     */
    /** The default catalogue of contract A with the SLA table of docs/incidents.md, working days in {@code zone}. */
    public static Catalogue defaults(ZoneId zone) {
        Map<Category, String> dispatch = new EnumMap<>(Category.class);
        dispatch.put(Category.STREETLIGHT, "lighting");
        dispatch.put(Category.TRAFFIC, "traffic");
        dispatch.put(Category.WATER, "water");
        dispatch.put(Category.AIR, "environment");
        dispatch.put(Category.NOISE, "environment");
        dispatch.put(Category.ROAD, "roads");
        dispatch.put(Category.WASTE, "sanitation");
        dispatch.put(Category.GRAFFITI, "sanitation");
        dispatch.put(Category.TREE, "parks");
        dispatch.put(Category.OTHER, "citizen-services");
        Map<IncidentType, Map<Priority, SlaTarget>> sla = new EnumMap<>(IncidentType.class);
        sla.put(IncidentType.ENQUIRY, row(wd(1), wd(2), wd(2), hrs(4)));
        sla.put(IncidentType.HELP_REQUEST, row(wd(5), wd(10), wd(10), hrs(4)));
        sla.put(IncidentType.SUGGESTION, row(wd(10), wd(10), wd(10), hrs(4)));
        sla.put(IncidentType.COMPLAINT, row(wd(7), wd(15), wd(15), hrs(4)));
        sla.put(IncidentType.VIOLATION_REPORT, row(wd(7), wd(15), wd(15), hrs(4)));
        sla.put(IncidentType.PUBLIC_OPINION, row(wd(1), wd(2), wd(2), hrs(4)));
        sla.put(IncidentType.SENSOR_ALARM, row(hrs(8), hrs(24), hrs(72), hrs(2)));
        return new Catalogue(dispatch, Map.of(), sla, 0.8, "supervisor", 3, zone);
    }

    private static SlaTarget wd(int n) {
        return SlaTarget.workingDays(n);
    }

    private static SlaTarget hrs(int n) {
        return SlaTarget.hours(n);
    }

    private static Map<Priority, SlaTarget> row(SlaTarget high, SlaTarget normal, SlaTarget low, SlaTarget urgent) {
        return Map.of(Priority.URGENT, urgent, Priority.HIGH, high, Priority.NORMAL, normal, Priority.LOW, low);
    }

    /** The department responsible for {@code category} in {@code district} (the district's override, or the default). */
    public String department(Category category, @Nullable String district) {
        if (district != null) {
            Map<Category, String> o = districts.get(district);
            if (o != null && o.containsKey(category)) {
                return o.get(category);
            }
        }
        return dispatch.get(category);
    }

    /** The time limit of an incident of {@code type} and {@code priority}. */
    public SlaTarget limit(IncidentType type, Priority priority) {
        return sla.get(type).get(priority);
    }

    /** When an incident of {@code type} and {@code priority} that started at {@code start} is due. */
    public Instant due(IncidentType type, Priority priority, Instant start) {
        return limit(type, priority).due(start, zone);
    }

    static void checkDepartment(String id) {
        if (!DEPARTMENT.matcher(id).matches()) {
            throw invalid(
                    "department ids are lower case letters, digits, '.', '_' and '-' (at most 64), got '" + id + "'");
        }
    }

    private static TwinException invalid(String detail) {
        return TwinException.badData("incident.invalid", "Invalid catalogue: " + detail);
    }

    /** The catalogue's JSON form (the body of {@code GET/PUT /api/v1/incidents/catalogue}). */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        Map<String, Object> d = new LinkedHashMap<>();
        for (Category c : Category.values()) {
            d.put(c.label(), dispatch.get(c));
        }
        m.put("dispatch", d);
        Map<String, Object> ds = new LinkedHashMap<>();
        districts.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
            Map<String, Object> o = new LinkedHashMap<>();
            e.getValue().forEach((c, dep) -> o.put(c.label(), dep));
            ds.put(e.getKey(), o);
        });
        m.put("districts", ds);
        Map<String, Object> s = new LinkedHashMap<>();
        for (IncidentType t : IncidentType.values()) {
            Map<String, Object> row = new LinkedHashMap<>();
            for (Priority p : Priority.values()) {
                row.put(p.label(), limit(t, p).toJson());
            }
            s.put(t.label(), row);
        }
        m.put("sla", s);
        m.put("warningFraction", warningFraction);
        m.put("escalationRole", escalationRole);
        m.put("reopenEscalation", reopenEscalation);
        m.put("zone", zone.getId());
        return m;
    }

    /**
     * The catalogue of a JSON object; absent members keep the value of {@code base} (so a PUT may send only the
     * dispatch table), absent categories/types/priorities inside a given table too.
     *
     * @throws TwinException BadRequestData {@code incident.invalid} naming the first problem
     */
    public static Catalogue fromJson(Map<String, Object> json, Catalogue base) {
        for (String k : json.keySet()) {
            if (!java.util.Set.of(
                            "dispatch",
                            "districts",
                            "sla",
                            "warningFraction",
                            "escalationRole",
                            "reopenEscalation",
                            "zone")
                    .contains(k)) {
                throw invalid("unknown member '" + k + "'");
            }
        }
        Map<Category, String> dispatch = new EnumMap<>(base.dispatch);
        if (json.containsKey("dispatch")) {
            object(json.get("dispatch"), "dispatch").forEach((k, v) -> dispatch.put(Category.of(k), string(v, k)));
        }
        Map<String, Map<Category, String>> districts = new LinkedHashMap<>(base.districts);
        if (json.containsKey("districts")) {
            districts.clear();
            object(json.get("districts"), "districts").forEach((district, o) -> {
                Map<Category, String> m = new EnumMap<>(Category.class);
                object(o, "districts." + district).forEach((k, v) -> m.put(Category.of(k), string(v, k)));
                districts.put(district, m);
            });
        }
        Map<IncidentType, Map<Priority, SlaTarget>> sla = new EnumMap<>(IncidentType.class);
        base.sla.forEach((t, row) -> sla.put(t, new EnumMap<>(row)));
        if (json.containsKey("sla")) {
            object(json.get("sla"), "sla").forEach((t, row) -> {
                Map<Priority, SlaTarget> r = sla.get(IncidentType.of(t));
                object(row, "sla." + t).forEach((p, v) -> r.put(Priority.of(p), SlaTarget.fromJson(v)));
            });
        }
        double wf = base.warningFraction;
        if (json.containsKey("warningFraction")) {
            if (!(json.get("warningFraction") instanceof Number n)) {
                throw invalid("warningFraction must be a number");
            }
            wf = n.doubleValue();
        }
        String role = json.containsKey("escalationRole")
                ? string(json.get("escalationRole"), "escalationRole")
                : base.escalationRole;
        int reopen = base.reopenEscalation;
        if (json.containsKey("reopenEscalation")) {
            if (!(json.get("reopenEscalation") instanceof Number n) || n.doubleValue() != n.intValue()) {
                throw invalid("reopenEscalation must be a whole number");
            }
            reopen = n.intValue();
        }
        ZoneId zone = base.zone;
        if (json.containsKey("zone")) {
            try {
                zone = ZoneId.of(string(json.get("zone"), "zone"));
            } catch (DateTimeException e) {
                throw invalid("zone is not a time zone: " + json.get("zone"));
            }
        }
        return new Catalogue(dispatch, districts, sla, wf, role, reopen, zone);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> object(@Nullable Object o, String what) {
        if (o instanceof Map<?, ?> m) {
            return (Map<String, Object>) m;
        }
        throw invalid(what + " must be an object");
    }

    private static String string(@Nullable Object o, String what) {
        if (o instanceof String s && !s.isBlank()) {
            return s;
        }
        throw invalid(what + " must be a non-empty string");
    }
}
