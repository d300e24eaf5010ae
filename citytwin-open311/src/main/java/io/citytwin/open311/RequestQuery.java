package io.citytwin.open311;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A query over service requests (GeoReport v2 "GET Service Requests"). When {@code ids} is not empty it overrides
 * every other criterion (spec); otherwise a request matches when its {@code requested_datetime} lies in {@code [start,
 * end]}, its service code is one of {@code serviceCodes} (all when empty) and its status one of {@code statuses} (all
 * when empty). Results are newest first, at most {@code limit}.
 *
 * @param ids {@code service_request_id} list
 * @param serviceCodes {@code service_code} list
 * @param start earliest {@code requested_datetime}, inclusive
 * @param end latest {@code requested_datetime}, inclusive
 * @param statuses status filter
 * @param limit most results, 1..1000
 */
public record RequestQuery(
        List<String> ids,
        List<String> serviceCodes,
        Instant start,
        Instant end,
        Set<ServiceRequest.Status> statuses,
        int limit) {
    /** The most results one query returns. */
    public static final int MAX_RESULTS = 1000;

    public RequestQuery {
        ids = List.copyOf(ids);
        serviceCodes = List.copyOf(serviceCodes);
        Objects.requireNonNull(start);
        Objects.requireNonNull(end);
        statuses = Set.copyOf(statuses);
        if (limit < 1 || limit > MAX_RESULTS) {
            throw new IllegalArgumentException("limit must be within 1.." + MAX_RESULTS + ", not " + limit);
        }
    }

    /** Whether {@code r} matches this query (ids first, as the spec says). */
    public boolean matches(ServiceRequest r) {
        if (!ids.isEmpty()) {
            return ids.contains(r.id());
        }
        return !r.requestedAt().isBefore(start)
                && !r.requestedAt().isAfter(end)
                && (serviceCodes.isEmpty() || serviceCodes.contains(r.serviceCode()))
                && (statuses.isEmpty() || statuses.contains(r.status()));
    }
}
