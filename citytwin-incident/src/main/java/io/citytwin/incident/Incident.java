package io.citytwin.incident;

import io.citytwin.twin.TenantId;
import io.citytwin.twin.TwinException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One incident, immutable: every change makes a new value through {@link IncidentService}, with one timeline entry.
 * Its JSON form ({@link #toJson()}) is the Incident object of the incidents API (contract B).
 *
 * @param id the incident's id, {@code inc-000123}
 * @param tenant the tenant
 * @param title short human title
 * @param description the text (of the first report, the alarm or the operator)
 * @param category what it is about; decides the department
 * @param type the kind of request; with the priority decides the SLA
 * @param priority how urgent
 * @param status where it is in its lifecycle
 * @param department the responsible department (the dispatch target), or null before dispatch
 * @param district the district id, or null when unknown
 * @param location where, or null
 * @param entity the linked twin entity (the alarm's originator, the failed lamp near a report), or null
 * @param source where it came from
 * @param createdAt when it was created
 * @param updatedAt when it last changed
 * @param dueAt the SLA deadline (from the catalogue; reset at reopening), or null
 * @param slaStart when the current SLA cycle started (creation, or the last reopening)
 * @param sla where it stands against the deadline
 * @param reopenCount how often it was reopened
 * @param reportCount citizen reports and posts attached (the first one included)
 * @param alarms the ids of the linked alarms
 * @param entities the ids of every linked twin entity
 * @param language the language of the first report ({@code en}, {@code de}, {@code zh}), or null
 * @param suggestedDuplicates ids of open incidents that may be the same (scored between the suggest and merge thresholds)
 * @param departments every department that worked on it (dispatch, tasks, handoffs), first first
 * @param triagedAt when it was first triaged, or null
 * @param dispatchedAt when it was first dispatched, or null
 * @param resolvedAt when it was last resolved, or null
 * @param closedAt when it was last closed, or null
 * @param escalatedTo the role it was escalated to (SLA breach, repeated reopening), or null
 * @param handoffs how many task handoffs between departments
 * @param handoffWaitSeconds the summed time from each handoff until the receiving department started (collaboration KPI)
 * @param lastSeq the sequence number of its last timeline entry
 */
public record Incident(
        String id,
        TenantId tenant,
        String title,
        String description,
        Category category,
        IncidentType type,
        Priority priority,
        IncidentStatus status,
        @Nullable String department,
        @Nullable String district,
        @Nullable GeoPoint location,
        @Nullable String entity,
        Source source,
        Instant createdAt,
        Instant updatedAt,
        @Nullable Instant dueAt,
        Instant slaStart,
        SlaState sla,
        int reopenCount,
        int reportCount,
        List<String> alarms,
        List<String> entities,
        @Nullable String language,
        List<String> suggestedDuplicates,
        List<String> departments,
        @Nullable Instant triagedAt,
        @Nullable Instant dispatchedAt,
        @Nullable Instant resolvedAt,
        @Nullable Instant closedAt,
        @Nullable String escalatedTo,
        int handoffs,
        long handoffWaitSeconds,
        long lastSeq) {

    public Incident {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(category, "category");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(priority, "priority");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(updatedAt, "updatedAt");
        Objects.requireNonNull(slaStart, "slaStart");
        Objects.requireNonNull(sla, "sla");
        alarms = List.copyOf(alarms);
        entities = List.copyOf(entities);
        suggestedDuplicates = List.copyOf(suggestedDuplicates);
        departments = List.copyOf(departments);
        if (reopenCount < 0 || reportCount < 0 || handoffs < 0 || handoffWaitSeconds < 0 || lastSeq < 0) {
            throw new IllegalArgumentException("counts must not be negative");
        }
    }

    /** The number of an id {@code inc-000123} (123), for ordering; -1 when it has another form. */
    static long number(String id) {
        if (id.startsWith("inc-")) {
            try {
                return Long.parseLong(id.substring(4));
            } catch (NumberFormatException e) {
                return -1;
            }
        }
        return -1;
    }

    /** The id of incident number {@code n}: {@code inc-} and at least six digits. */
    public static String idOf(long n) {
        return String.format(java.util.Locale.ROOT, "inc-%06d", n);
    }

    /** A builder holding this incident's values (the service changes some and builds the next version). */
    Builder toBuilder() {
        Builder b = new Builder();
        b.id = id;
        b.tenant = tenant;
        b.title = title;
        b.description = description;
        b.category = category;
        b.type = type;
        b.priority = priority;
        b.status = status;
        b.department = department;
        b.district = district;
        b.location = location;
        b.entity = entity;
        b.source = source;
        b.createdAt = createdAt;
        b.updatedAt = updatedAt;
        b.dueAt = dueAt;
        b.slaStart = slaStart;
        b.sla = sla;
        b.reopenCount = reopenCount;
        b.reportCount = reportCount;
        b.alarms = alarms;
        b.entities = entities;
        b.language = language;
        b.suggestedDuplicates = suggestedDuplicates;
        b.departments = departments;
        b.triagedAt = triagedAt;
        b.dispatchedAt = dispatchedAt;
        b.resolvedAt = resolvedAt;
        b.closedAt = closedAt;
        b.escalatedTo = escalatedTo;
        b.handoffs = handoffs;
        b.handoffWaitSeconds = handoffWaitSeconds;
        b.lastSeq = lastSeq;
        return b;
    }

    /** Mutable values of an incident, for the service's changes. Not thread-safe. */
    static final class Builder {
        String id;
        TenantId tenant;
        String title;
        String description;
        Category category;
        IncidentType type;
        Priority priority;
        IncidentStatus status;

        @Nullable
        String department;

        @Nullable
        String district;

        @Nullable
        GeoPoint location;

        @Nullable
        String entity;

        Source source;
        Instant createdAt;
        Instant updatedAt;

        @Nullable
        Instant dueAt;

        Instant slaStart;
        SlaState sla;
        int reopenCount;
        int reportCount;
        List<String> alarms;
        List<String> entities;

        @Nullable
        String language;

        List<String> suggestedDuplicates;
        List<String> departments;

        @Nullable
        Instant triagedAt;

        @Nullable
        Instant dispatchedAt;

        @Nullable
        Instant resolvedAt;

        @Nullable
        Instant closedAt;

        @Nullable
        String escalatedTo;

        int handoffs;
        long handoffWaitSeconds;
        long lastSeq;

        Incident build() {
            return new Incident(
                    id,
                    tenant,
                    title,
                    description,
                    category,
                    type,
                    priority,
                    status,
                    department,
                    district,
                    location,
                    entity,
                    source,
                    createdAt,
                    updatedAt,
                    dueAt,
                    slaStart,
                    sla,
                    reopenCount,
                    reportCount,
                    alarms,
                    entities,
                    language,
                    suggestedDuplicates,
                    departments,
                    triagedAt,
                    dispatchedAt,
                    resolvedAt,
                    closedAt,
                    escalatedTo,
                    handoffs,
                    handoffWaitSeconds,
                    lastSeq);
        }

        /** Adds {@code id} to {@code list} unless it is there. */
        static List<String> plus(List<String> list, @Nullable String id) {
            if (id == null || list.contains(id)) {
                return list;
            }
            List<String> l = new ArrayList<>(list);
            l.add(id);
            return l;
        }
    }

    /** The Incident object of the API (contract B): times ISO 8601 UTC, absent values null. */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id);
        m.put("title", title);
        m.put("description", description);
        m.put("category", category.label());
        m.put("type", type.label());
        m.put("priority", priority.label());
        m.put("status", status.label());
        m.put("department", department);
        m.put("district", district);
        m.put("location", location == null ? null : location.toJson());
        m.put("entity", entity);
        m.put("source", source.label());
        m.put("createdAt", createdAt.toString());
        m.put("updatedAt", updatedAt.toString());
        m.put("dueAt", dueAt == null ? null : dueAt.toString());
        m.put("slaStart", slaStart.toString());
        m.put("sla", sla.label());
        m.put("reopenCount", reopenCount);
        m.put("reportCount", reportCount);
        m.put("alarms", alarms);
        m.put("entities", entities);
        m.put("language", language);
        m.put("suggestedDuplicates", suggestedDuplicates);
        m.put("departments", departments);
        m.put("triagedAt", triagedAt == null ? null : triagedAt.toString());
        m.put("dispatchedAt", dispatchedAt == null ? null : dispatchedAt.toString());
        m.put("resolvedAt", resolvedAt == null ? null : resolvedAt.toString());
        m.put("closedAt", closedAt == null ? null : closedAt.toString());
        m.put("escalatedTo", escalatedTo);
        m.put("handoffs", handoffs);
        m.put("handoffWaitSeconds", handoffWaitSeconds);
        m.put("timelineLength", lastSeq);
        return m;
    }

    /**
     * The incident of its {@link #toJson()} form (stores keep it so), with the tenant kept beside it.
     *
     * @throws TwinException InternalError {@code incident.corrupt} when a member is missing or malformed
     */
    public static Incident fromJson(TenantId tenant, Map<String, Object> json) {
        try {
            Builder b = new Builder();
            b.id = string(json, "id");
            b.tenant = tenant;
            b.title = string(json, "title");
            b.description = string(json, "description");
            b.category = Category.of(string(json, "category"));
            b.type = IncidentType.of(string(json, "type"));
            b.priority = Priority.of(string(json, "priority"));
            b.status = IncidentStatus.of(string(json, "status"));
            b.department = optString(json, "department");
            b.district = optString(json, "district");
            b.location = json.get("location") == null ? null : GeoPoint.fromJson(json.get("location"));
            b.entity = optString(json, "entity");
            b.source = Source.of(string(json, "source"));
            b.createdAt = instant(json, "createdAt");
            b.updatedAt = instant(json, "updatedAt");
            b.dueAt = optInstant(json, "dueAt");
            b.slaStart = instant(json, "slaStart");
            b.sla = SlaState.of(string(json, "sla"));
            b.reopenCount = (int) number(json, "reopenCount");
            b.reportCount = (int) number(json, "reportCount");
            b.alarms = strings(json, "alarms");
            b.entities = strings(json, "entities");
            b.language = optString(json, "language");
            b.suggestedDuplicates = strings(json, "suggestedDuplicates");
            b.departments = strings(json, "departments");
            b.triagedAt = optInstant(json, "triagedAt");
            b.dispatchedAt = optInstant(json, "dispatchedAt");
            b.resolvedAt = optInstant(json, "resolvedAt");
            b.closedAt = optInstant(json, "closedAt");
            b.escalatedTo = optString(json, "escalatedTo");
            b.handoffs = (int) number(json, "handoffs");
            b.handoffWaitSeconds = number(json, "handoffWaitSeconds");
            b.lastSeq = number(json, "timelineLength");
            return b.build();
        } catch (RuntimeException e) {
            throw new TwinException(
                    io.citytwin.twin.ErrorType.INTERNAL_ERROR,
                    "incident.corrupt",
                    "A stored incident cannot be read: " + e.getMessage(),
                    e);
        }
    }

    static String string(Map<String, Object> json, String key) {
        if (json.get(key) instanceof String s) {
            return s;
        }
        throw new IllegalArgumentException(key + " is not a string");
    }

    static @Nullable String optString(Map<String, Object> json, String key) {
        Object o = json.get(key);
        return o == null ? null : string(json, key);
    }

    static long number(Map<String, Object> json, String key) {
        if (json.get(key) instanceof Number n) {
            return n.longValue();
        }
        throw new IllegalArgumentException(key + " is not a number");
    }

    static Instant instant(Map<String, Object> json, String key) {
        return Instant.parse(string(json, key));
    }

    static @Nullable Instant optInstant(Map<String, Object> json, String key) {
        Object o = json.get(key);
        return o == null ? null : instant(json, key);
    }

    static List<String> strings(Map<String, Object> json, String key) {
        Object o = json.get(key);
        if (o == null) {
            return List.of();
        }
        if (!(o instanceof List<?> l)) {
            throw new IllegalArgumentException(key + " is not a list");
        }
        List<String> out = new ArrayList<>();
        for (Object x : l) {
            out.add((String) x);
        }
        return out;
    }
}
