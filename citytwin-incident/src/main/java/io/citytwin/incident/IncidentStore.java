package io.citytwin.incident;

import io.citytwin.twin.TenantId;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The port where incidents, their timelines, tasks, reports and the catalogue are kept. Implementations are
 * thread-safe; {@link #commit} is atomic (all of a change or nothing) and durable when it returns (for a durable
 * adapter). The timeline is append-only: an entry, once committed, is never changed or removed, and committing an
 * entry whose (incident, seq) exists fails.
 */
public interface IncidentStore extends AutoCloseable {

    /**
     * What one change writes: the incident's new version, changed tasks, new reports and the new timeline entries.
     *
     * @param tenant the tenant
     * @param incident the incident after the change (inserted or replaced)
     * @param tasks tasks inserted or replaced
     * @param reports reports inserted
     * @param entries timeline entries appended
     */
    record Change(
            TenantId tenant, Incident incident, List<Task> tasks, List<Report> reports, List<TimelineEntry> entries) {
        public Change {
            tasks = List.copyOf(tasks);
            reports = List.copyOf(reports);
            entries = List.copyOf(entries);
        }
    }

    /** The next number of the named sequence ({@code incident}, {@code report}): 1, 2, 3, ..., never reused. */
    long next(String sequence);

    /**
     * Writes a change atomically.
     *
     * @throws io.citytwin.twin.TwinException InternalError {@code incident.timeline-append-only} when an entry's
     *     (incident, seq) exists already
     */
    void commit(Change change);

    /** The incident with {@code id} in {@code tenant}. */
    Optional<Incident> find(TenantId tenant, String id);

    /** The tenant's incidents that pass {@code query}, newest {@code updatedAt} first (then id descending). */
    IncidentPage query(TenantId tenant, IncidentQuery query);

    /** Every incident of every tenant that is not closed (the SLA monitor, duplicate and alarm lookups). */
    List<Incident> unclosed();

    /** The tenant's incidents created in {@code [from, to)}, oldest first (KPIs). */
    List<Incident> createdBetween(TenantId tenant, Instant from, Instant to);

    /** The incident's timeline, by seq. */
    List<TimelineEntry> timeline(TenantId tenant, String incident);

    /** The incident's tasks, by creation. */
    List<Task> tasks(TenantId tenant, String incident);

    /** The incident's reports, by arrival. */
    List<Report> reports(TenantId tenant, String incident);

    /** The id of the incident that holds report {@code reportId} (Open311 request ids may be report ids). */
    Optional<String> incidentOfReport(TenantId tenant, String reportId);

    /** The tenant's catalogue, if one was saved. */
    Optional<Catalogue> catalogue(TenantId tenant);

    /** Saves (replaces) the tenant's catalogue. */
    void saveCatalogue(TenantId tenant, Catalogue catalogue);

    @Override
    void close();
}
