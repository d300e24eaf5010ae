package io.citytwin.alarm;

import io.citytwin.twin.TenantId;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One alarm, immutable: changes produce a new value (see {@link AlarmService}). Its JSON form ({@link #toJson()}) is
 * the Alarm object of the alarms API.
 *
 * @param id the alarm's id, also the id of its NGSI-LD {@code Alert} entity ({@code urn:ngsi-ld:Alert:...})
 * @param tenant the tenant of the originator
 * @param type what is wrong, {@code <domain>.<name>}, e.g. {@code lighting.lamp-failure}
 * @param severity how bad it is (the latest occurrence's)
 * @param state where it is in its lifecycle
 * @param originator the id of the entity the alarm is about
 * @param originatorType the originator's entity type (short name when it is in the default vocabulary)
 * @param district the district the originator belongs to (its {@code refDistrict}, or its parent's), or null
 * @param location the originator's location as a GeoJSON geometry, or null
 * @param rule the id of the rule that raised it (or {@code api} / another source)
 * @param description human text
 * @param count how many times it occurred while open (1 when raised)
 * @param firstOccurrence when it was raised
 * @param lastOccurrence when it last occurred
 * @param acknowledgedAt when an operator acknowledged it, or null
 * @param acknowledgedBy who acknowledged it, or null
 * @param clearedAt when it was cleared, or null
 * @param clearedBy who cleared it ({@code rule:<id>} when its rule saw the condition end), or null
 * @param note the last operator note, or null
 * @param details why it fired: the values, thresholds and window of the last occurrence (JSON values)
 */
public record Alarm(
        String id,
        TenantId tenant,
        String type,
        Severity severity,
        AlarmState state,
        String originator,
        String originatorType,
        @Nullable String district,
        @Nullable Map<String, Object> location,
        String rule,
        String description,
        long count,
        Instant firstOccurrence,
        Instant lastOccurrence,
        @Nullable Instant acknowledgedAt,
        @Nullable String acknowledgedBy,
        @Nullable Instant clearedAt,
        @Nullable String clearedBy,
        @Nullable String note,
        Map<String, Object> details) {

    public Alarm {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(originator, "originator");
        Objects.requireNonNull(originatorType, "originatorType");
        Objects.requireNonNull(rule, "rule");
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(firstOccurrence, "firstOccurrence");
        Objects.requireNonNull(lastOccurrence, "lastOccurrence");
        if (count < 1) {
            throw new IllegalArgumentException("count must be positive, not " + count);
        }
        location = location == null ? null : Collections.unmodifiableMap(new LinkedHashMap<>(location));
        details = Collections.unmodifiableMap(new LinkedHashMap<>(details));
    }

    /** The domain: the part of the type before the first dot ({@code lighting} for {@code lighting.lamp-failure}). */
    public String domain() {
        return domainOf(type);
    }

    /** The domain of an alarm type: the part before the first dot, or the whole type when it has none. */
    public static String domainOf(String type) {
        int dot = type.indexOf('.');
        return dot < 0 ? type : type.substring(0, dot);
    }

    /** This alarm in another state, with who/when of the change. */
    Alarm acknowledged(Instant at, String by, @Nullable String newNote) {
        return new Alarm(
                id,
                tenant,
                type,
                severity,
                AlarmState.ACKNOWLEDGED,
                originator,
                originatorType,
                district,
                location,
                rule,
                description,
                count,
                firstOccurrence,
                lastOccurrence,
                at,
                by,
                clearedAt,
                clearedBy,
                newNote == null ? note : newNote,
                details);
    }

    Alarm cleared(Instant at, String by, @Nullable String newNote) {
        return new Alarm(
                id,
                tenant,
                type,
                severity,
                AlarmState.CLEARED,
                originator,
                originatorType,
                district,
                location,
                rule,
                description,
                count,
                firstOccurrence,
                lastOccurrence,
                acknowledgedAt,
                acknowledgedBy,
                at,
                by,
                newNote == null ? note : newNote,
                details);
    }

    Alarm repeated(Instant at, Severity newSeverity, String newDescription, Map<String, Object> newDetails) {
        return new Alarm(
                id,
                tenant,
                type,
                newSeverity,
                state,
                originator,
                originatorType,
                district,
                location,
                rule,
                newDescription,
                count + 1,
                firstOccurrence,
                at.isAfter(lastOccurrence) ? at : lastOccurrence,
                acknowledgedAt,
                acknowledgedBy,
                clearedAt,
                clearedBy,
                note,
                newDetails);
    }

    /** The Alarm object of the alarms API (contract A): times as ISO 8601 UTC, absent values as null. */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id);
        m.put("type", type);
        m.put("domain", domain());
        m.put("severity", severity.label());
        m.put("state", state.label());
        m.put("originator", originator);
        m.put("originatorType", originatorType);
        m.put("district", district);
        m.put("location", location);
        m.put("rule", rule);
        m.put("description", description);
        m.put("count", count);
        m.put("firstOccurrence", firstOccurrence.toString());
        m.put("lastOccurrence", lastOccurrence.toString());
        m.put("acknowledgedAt", acknowledgedAt == null ? null : acknowledgedAt.toString());
        m.put("acknowledgedBy", acknowledgedBy);
        m.put("clearedAt", clearedAt == null ? null : clearedAt.toString());
        m.put("clearedBy", clearedBy);
        m.put("note", note);
        m.put("details", details);
        return m;
    }
}
