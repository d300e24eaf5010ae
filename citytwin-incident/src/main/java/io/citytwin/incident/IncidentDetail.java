package io.citytwin.incident;

import java.util.List;
import java.util.Map;

/**
 * An incident with its timeline, tasks and reports ({@code GET /api/v1/incidents/{id}}).
 *
 * @param incident the incident
 * @param timeline every entry, by seq
 * @param tasks its tasks
 * @param reports its reports
 */
public record IncidentDetail(Incident incident, List<TimelineEntry> timeline, List<Task> tasks, List<Report> reports) {
    public IncidentDetail {
        timeline = List.copyOf(timeline);
        tasks = List.copyOf(tasks);
        reports = List.copyOf(reports);
    }

    /** The Incident object plus {@code timeline}, {@code tasks} and {@code reports} (contract B). */
    public Map<String, Object> toJson() {
        Map<String, Object> m = incident.toJson();
        m.put("timeline", timeline.stream().map(TimelineEntry::toJson).toList());
        m.put("tasks", tasks.stream().map(Task::toJson).toList());
        m.put("reports", reports.stream().map(Report::toJson).toList());
        return m;
    }
}
