package io.citytwin.incident;

import io.citytwin.twin.ErrorType;
import io.citytwin.twin.TwinException;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One entry of an incident's append-only timeline (audit trail): every change of an incident, its tasks and reports
 * makes exactly one. Entries are never changed or removed.
 *
 * @param incident the incident's id
 * @param seq 1 for {@code created}, then one more per entry
 * @param at when
 * @param actor who: an operator's name, {@code system} (automatic triage, dispatch, reopening, escalation), {@code
 *     sla-monitor}, {@code alarm:<id>}, {@code citizen:<author>}
 * @param action what (contract B): {@code created}, {@code triaged}, {@code dispatched}, {@code status}, {@code
 *     comment}, {@code task-created}, {@code task-status}, {@code handoff}, {@code report-merged}, {@code
 *     alarm-linked}, {@code sla-warning}, {@code sla-breached}, {@code escalated}, {@code reopened}, {@code
 *     closed}, {@code resolved}, {@code in-progress}
 * @param from the value before (a status, a department), or null
 * @param to the value after, or null
 * @param note human text, or null
 * @param data details (JSON values)
 */
public record TimelineEntry(
        String incident,
        long seq,
        Instant at,
        String actor,
        String action,
        @Nullable String from,
        @Nullable String to,
        @Nullable String note,
        Map<String, Object> data) {
    public TimelineEntry {
        Objects.requireNonNull(incident, "incident");
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(actor, "actor");
        Objects.requireNonNull(action, "action");
        if (seq < 1) {
            throw new IllegalArgumentException("seq must be positive, not " + seq);
        }
        data = Collections.unmodifiableMap(new LinkedHashMap<>(data));
    }

    /** The Entry object of the API (contract B). */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("incident", incident);
        m.put("seq", seq);
        m.put("at", at.toString());
        m.put("actor", actor);
        m.put("action", action);
        m.put("from", from);
        m.put("to", to);
        m.put("note", note);
        m.put("data", data);
        return m;
    }

    /** The entry of its {@link #toJson()} form. */
    @SuppressWarnings("unchecked")
    public static TimelineEntry fromJson(Map<String, Object> json) {
        try {
            Object data = json.get("data");
            return new TimelineEntry(
                    Incident.string(json, "incident"),
                    Incident.number(json, "seq"),
                    Incident.instant(json, "at"),
                    Incident.string(json, "actor"),
                    Incident.string(json, "action"),
                    Incident.optString(json, "from"),
                    Incident.optString(json, "to"),
                    Incident.optString(json, "note"),
                    data == null ? Map.of() : (Map<String, Object>) data);
        } catch (RuntimeException e) {
            throw new TwinException(
                    ErrorType.INTERNAL_ERROR, "incident.corrupt", "A stored timeline entry cannot be read", e);
        }
    }
}
