package io.citytwin.incident;

import io.citytwin.twin.ErrorType;
import io.citytwin.twin.TwinException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A department's piece of work on an incident (collaborative work): its own status and SLA; handed off between
 * departments.
 *
 * @param id the task's id within its incident, {@code task-1}, {@code task-2}, ...
 * @param incident the incident's id
 * @param department the department that has it now
 * @param title what to do
 * @param status open, in-progress, done
 * @param createdAt when it was created
 * @param updatedAt when it last changed
 * @param dueAt its deadline (the catalogue's limit for the incident's type and priority, from creation)
 * @param sla where it stands against the deadline
 * @param assignedAt when the current department got it (creation or last handoff)
 * @param pendingHandoffAt when it was handed off and the new department has not started yet, or null
 * @param handoffs how often it was handed off
 * @param doneAt when it was done, or null
 */
public record Task(
        String id,
        String incident,
        String department,
        String title,
        TaskStatus status,
        Instant createdAt,
        Instant updatedAt,
        Instant dueAt,
        SlaState sla,
        Instant assignedAt,
        @Nullable Instant pendingHandoffAt,
        int handoffs,
        @Nullable Instant doneAt) {
    public Task {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(incident, "incident");
        Objects.requireNonNull(department, "department");
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(updatedAt, "updatedAt");
        Objects.requireNonNull(dueAt, "dueAt");
        Objects.requireNonNull(sla, "sla");
        Objects.requireNonNull(assignedAt, "assignedAt");
    }

    Task withStatus(TaskStatus s, Instant at, SlaState newSla, @Nullable Instant pending) {
        return new Task(
                id,
                incident,
                department,
                title,
                s,
                createdAt,
                at,
                dueAt,
                newSla,
                assignedAt,
                pending,
                handoffs,
                s == TaskStatus.DONE ? at : null);
    }

    Task withSla(SlaState newSla, Instant at) {
        return new Task(
                id,
                incident,
                department,
                title,
                status,
                createdAt,
                at,
                dueAt,
                newSla,
                assignedAt,
                pendingHandoffAt,
                handoffs,
                doneAt);
    }

    Task handedOff(String to, Instant at) {
        return new Task(
                id, incident, to, title, TaskStatus.OPEN, createdAt, at, dueAt, sla, at, at, handoffs + 1, null);
    }

    /** The Task object of the API. */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id);
        m.put("incident", incident);
        m.put("department", department);
        m.put("title", title);
        m.put("status", status.label());
        m.put("createdAt", createdAt.toString());
        m.put("updatedAt", updatedAt.toString());
        m.put("dueAt", dueAt.toString());
        m.put("sla", sla.label());
        m.put("assignedAt", assignedAt.toString());
        m.put("pendingHandoffAt", pendingHandoffAt == null ? null : pendingHandoffAt.toString());
        m.put("handoffs", handoffs);
        m.put("doneAt", doneAt == null ? null : doneAt.toString());
        return m;
    }

    /** The task of its {@link #toJson()} form. */
    public static Task fromJson(Map<String, Object> json) {
        try {
            return new Task(
                    Incident.string(json, "id"),
                    Incident.string(json, "incident"),
                    Incident.string(json, "department"),
                    Incident.string(json, "title"),
                    TaskStatus.of(Incident.string(json, "status")),
                    Incident.instant(json, "createdAt"),
                    Incident.instant(json, "updatedAt"),
                    Incident.instant(json, "dueAt"),
                    SlaState.of(Incident.string(json, "sla")),
                    Incident.instant(json, "assignedAt"),
                    Incident.optInstant(json, "pendingHandoffAt"),
                    (int) Incident.number(json, "handoffs"),
                    Incident.optInstant(json, "doneAt"));
        } catch (RuntimeException e) {
            throw new TwinException(ErrorType.INTERNAL_ERROR, "incident.corrupt", "A stored task cannot be read", e);
        }
    }
}
