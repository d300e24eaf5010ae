package io.citytwin.incident;

import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A filter and page over a tenant's incidents ({@code GET /api/v1/incidents}); empty sets and nulls match all.
 *
 * @param statuses any of these statuses
 * @param district this district
 * @param department this (responsible) department
 * @param category this category
 * @param type this type
 * @param source this source
 * @param limit page size, at least 0
 * @param offset how many to skip, at least 0
 */
public record IncidentQuery(
        Set<IncidentStatus> statuses,
        @Nullable String district,
        @Nullable String department,
        @Nullable Category category,
        @Nullable IncidentType type,
        @Nullable Source source,
        int limit,
        int offset) {
    public IncidentQuery {
        statuses = Set.copyOf(statuses);
        if (limit < 0 || offset < 0) {
            throw new IllegalArgumentException("limit and offset must not be negative");
        }
    }

    /** Every incident, first page of 50. */
    public static IncidentQuery all() {
        return new IncidentQuery(Set.of(), null, null, null, null, null, 50, 0);
    }

    /** Whether {@code i} passes the filter (not the page). */
    public boolean test(Incident i) {
        return (statuses.isEmpty() || statuses.contains(i.status()))
                && (district == null || district.equals(i.district()))
                && (department == null || department.equals(i.department()))
                && (category == null || category == i.category())
                && (type == null || type == i.type())
                && (source == null || source == i.source());
    }
}
