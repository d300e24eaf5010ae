package io.citytwin.alarm;

import java.time.Instant;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A filter over the alarms of a tenant; every empty set or null member means "any". Results are ordered by last
 * occurrence, newest first (then by id).
 *
 * @param states lifecycle states to include
 * @param severities severities to include
 * @param domains domains to include ({@code lighting}, ...)
 * @param districts district ids to include
 * @param originator only alarms about this entity, or null
 * @param type only alarms of this type, or null
 * @param since only alarms whose last occurrence is at or after this, or null
 * @param limit the most alarms to return
 * @param offset how many matching alarms to skip
 */
public record AlarmQuery(
        Set<AlarmState> states,
        Set<Severity> severities,
        Set<String> domains,
        Set<String> districts,
        @Nullable String originator,
        @Nullable String type,
        @Nullable Instant since,
        int limit,
        int offset) {

    /** Open alarms (active and acknowledged), any other member, the first 100. */
    public static final AlarmQuery OPEN = new AlarmQuery(
            EnumSet.of(AlarmState.ACTIVE, AlarmState.ACKNOWLEDGED),
            Set.of(),
            Set.of(),
            Set.of(),
            null,
            null,
            null,
            100,
            0);

    public AlarmQuery {
        states = states.isEmpty() ? Set.of() : Set.copyOf(states);
        severities = Set.copyOf(severities);
        domains = Set.copyOf(domains);
        districts = Set.copyOf(districts);
        if (limit < 0 || offset < 0) {
            throw new IllegalArgumentException("limit and offset must not be negative");
        }
    }

    /** Whether {@code a} passes the filter (ignoring limit and offset). */
    public boolean test(Alarm a) {
        return (states.isEmpty() || states.contains(a.state()))
                && (severities.isEmpty() || severities.contains(a.severity()))
                && (domains.isEmpty() || domains.contains(a.domain()))
                && (districts.isEmpty() || (a.district() != null && districts.contains(a.district())))
                && (originator == null || originator.equals(a.originator()))
                && (type == null || type.equals(a.type()))
                && (since == null || !a.lastOccurrence().isBefore(since));
    }

    /** This query with another page. */
    public AlarmQuery page(int newLimit, int newOffset) {
        return new AlarmQuery(states, severities, domains, districts, originator, type, since, newLimit, newOffset);
    }

    @Override
    public boolean equals(@Nullable Object o) {
        return o instanceof AlarmQuery q
                && states.equals(q.states)
                && severities.equals(q.severities)
                && domains.equals(q.domains)
                && districts.equals(q.districts)
                && Objects.equals(originator, q.originator)
                && Objects.equals(type, q.type)
                && Objects.equals(since, q.since)
                && limit == q.limit
                && offset == q.offset;
    }

    @Override
    public int hashCode() {
        return Objects.hash(states, severities, domains, districts, originator, type, since, limit, offset);
    }
}
