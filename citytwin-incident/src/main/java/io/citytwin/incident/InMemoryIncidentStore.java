package io.citytwin.incident;

import io.citytwin.twin.ErrorType;
import io.citytwin.twin.TenantId;
import io.citytwin.twin.TwinException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The in-memory adapter of {@link IncidentStore}: lost on restart. For tests and nodes without a data directory.
 * Thread-safe (one lock).
 */
public final class InMemoryIncidentStore implements IncidentStore {
    /** Newest {@code updatedAt} first, then the higher id: the order of every query. */
    public static final Comparator<Incident> NEWEST_FIRST = Comparator.comparing(Incident::updatedAt)
            .reversed()
            .thenComparing(Comparator.comparing(Incident::id).reversed());

    private final Map<String, Long> sequences = new HashMap<>();
    private final Map<List<String>, Incident> incidents = new LinkedHashMap<>();
    private final Map<List<String>, List<TimelineEntry>> timelines = new HashMap<>();
    private final Map<List<String>, Map<String, Task>> tasks = new HashMap<>();
    private final Map<List<String>, List<Report>> reports = new HashMap<>();
    private final Map<TenantId, Catalogue> catalogues = new HashMap<>();

    @Override
    public synchronized long next(String sequence) {
        return sequences.merge(sequence, 1L, Long::sum);
    }

    @Override
    public synchronized void commit(Change c) {
        List<String> key = List.of(c.tenant().value(), c.incident().id());
        List<TimelineEntry> tl = timelines.getOrDefault(key, List.of());
        long last = tl.isEmpty() ? 0 : tl.get(tl.size() - 1).seq();
        for (TimelineEntry e : c.entries()) {
            if (!e.incident().equals(c.incident().id()) || e.seq() <= last) {
                throw new TwinException(
                        ErrorType.INTERNAL_ERROR,
                        "incident.timeline-append-only",
                        "Timeline entry " + e.seq() + " of " + e.incident() + " exists or is out of order");
            }
            last = e.seq();
        }
        incidents.put(key, c.incident());
        if (!c.entries().isEmpty()) {
            timelines.computeIfAbsent(key, k -> new ArrayList<>()).addAll(c.entries());
        }
        for (Task t : c.tasks()) {
            tasks.computeIfAbsent(key, k -> new LinkedHashMap<>()).put(t.id(), t);
        }
        if (!c.reports().isEmpty()) {
            reports.computeIfAbsent(key, k -> new ArrayList<>()).addAll(c.reports());
        }
    }

    @Override
    public synchronized Optional<Incident> find(TenantId tenant, String id) {
        return Optional.ofNullable(incidents.get(List.of(tenant.value(), id)));
    }

    @Override
    public synchronized IncidentPage query(TenantId tenant, IncidentQuery query) {
        List<Incident> all = new ArrayList<>();
        for (Incident i : incidents.values()) {
            if (i.tenant().equals(tenant) && query.test(i)) {
                all.add(i);
            }
        }
        all.sort(NEWEST_FIRST);
        int from = Math.min(all.size(), query.offset());
        int to = (int) Math.min(all.size(), (long) from + query.limit());
        return new IncidentPage(all.subList(from, to), all.size());
    }

    @Override
    public synchronized List<Incident> unclosed() {
        List<Incident> out = new ArrayList<>();
        for (Incident i : incidents.values()) {
            if (i.status() != IncidentStatus.CLOSED) {
                out.add(i);
            }
        }
        return out;
    }

    @Override
    public synchronized List<Incident> createdBetween(TenantId tenant, Instant from, Instant to) {
        List<Incident> out = new ArrayList<>();
        for (Incident i : incidents.values()) {
            if (i.tenant().equals(tenant)
                    && !i.createdAt().isBefore(from)
                    && i.createdAt().isBefore(to)) {
                out.add(i);
            }
        }
        out.sort(Comparator.comparing(Incident::createdAt).thenComparing(Incident::id));
        return out;
    }

    @Override
    public synchronized List<TimelineEntry> timeline(TenantId tenant, String incident) {
        return List.copyOf(timelines.getOrDefault(List.of(tenant.value(), incident), List.of()));
    }

    @Override
    public synchronized List<Task> tasks(TenantId tenant, String incident) {
        Map<String, Task> m = tasks.get(List.of(tenant.value(), incident));
        return m == null ? List.of() : List.copyOf(m.values());
    }

    @Override
    public synchronized List<Report> reports(TenantId tenant, String incident) {
        return List.copyOf(reports.getOrDefault(List.of(tenant.value(), incident), List.of()));
    }

    @Override
    public synchronized Optional<String> incidentOfReport(TenantId tenant, String reportId) {
        for (Map.Entry<List<String>, List<Report>> e : reports.entrySet()) {
            if (e.getKey().get(0).equals(tenant.value())) {
                for (Report r : e.getValue()) {
                    if (r.id().equals(reportId)) {
                        return Optional.of(e.getKey().get(1));
                    }
                }
            }
        }
        return Optional.empty();
    }

    @Override
    public synchronized Optional<Catalogue> catalogue(TenantId tenant) {
        return Optional.ofNullable(catalogues.get(tenant));
    }

    @Override
    public synchronized void saveCatalogue(TenantId tenant, Catalogue catalogue) {
        catalogues.put(tenant, catalogue);
    }

    @Override
    public void close() {}
}
