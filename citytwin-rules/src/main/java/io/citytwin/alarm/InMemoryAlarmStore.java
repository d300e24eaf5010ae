package io.citytwin.alarm;

import io.citytwin.twin.TenantId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The in-memory adapter of {@link AlarmStore}: alarms in a map, lost on restart. For tests and for nodes that keep
 * alarms only while they run. Thread-safe (one lock).
 */
public final class InMemoryAlarmStore implements AlarmStore {
    /** Newest last occurrence first, then by id: the order of every query. */
    public static final Comparator<Alarm> NEWEST_FIRST =
            Comparator.comparing(Alarm::lastOccurrence).reversed().thenComparing(Alarm::id);

    private final Map<List<String>, Alarm> alarms = new LinkedHashMap<>();

    @Override
    public synchronized void save(Alarm alarm) {
        alarms.put(List.of(alarm.tenant().value(), alarm.id()), alarm);
    }

    @Override
    public synchronized Optional<Alarm> find(TenantId tenant, String id) {
        return Optional.ofNullable(alarms.get(List.of(tenant.value(), id)));
    }

    @Override
    public synchronized Optional<Alarm> findOpen(TenantId tenant, String originator, String type) {
        for (Alarm a : alarms.values()) {
            if (a.tenant().equals(tenant)
                    && a.state().open()
                    && a.originator().equals(originator)
                    && a.type().equals(type)) {
                return Optional.of(a);
            }
        }
        return Optional.empty();
    }

    @Override
    public synchronized AlarmPage query(TenantId tenant, AlarmQuery query) {
        List<Alarm> all = new ArrayList<>();
        for (Alarm a : alarms.values()) {
            if (a.tenant().equals(tenant) && query.test(a)) {
                all.add(a);
            }
        }
        all.sort(NEWEST_FIRST);
        int from = Math.min(all.size(), query.offset());
        int to = (int) Math.min(all.size(), (long) from + query.limit());
        return new AlarmPage(all.subList(from, to), all.size());
    }

    @Override
    public synchronized List<Alarm> open() {
        List<Alarm> out = new ArrayList<>();
        for (Alarm a : alarms.values()) {
            if (a.state().open()) {
                out.add(a);
            }
        }
        return out;
    }

    @Override
    public void close() {}
}
