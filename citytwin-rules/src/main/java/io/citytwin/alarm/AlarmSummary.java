package io.citytwin.alarm;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Counts of the open alarms of a tenant, rolled up by severity, domain and district.
 *
 * @param open how many alarms are open
 * @param bySeverity open alarms per severity label (every severity present, zero included)
 * @param byDomain open alarms per domain (only domains with alarms)
 * @param byDistrict open alarms per district id (only alarms with a district)
 */
public record AlarmSummary(
        long open, Map<String, Long> bySeverity, Map<String, Long> byDomain, Map<String, Long> byDistrict) {

    public AlarmSummary {
        bySeverity = Map.copyOf(bySeverity);
        byDomain = Map.copyOf(byDomain);
        byDistrict = Map.copyOf(byDistrict);
    }

    /** The summary of these open alarms. */
    public static AlarmSummary of(Iterable<Alarm> openAlarms) {
        long n = 0;
        Map<String, Long> sev = new LinkedHashMap<>();
        for (Severity s : Severity.values()) {
            sev.put(s.label(), 0L);
        }
        Map<String, Long> dom = new TreeMap<>();
        Map<String, Long> dis = new TreeMap<>();
        for (Alarm a : openAlarms) {
            n++;
            sev.merge(a.severity().label(), 1L, Long::sum);
            dom.merge(a.domain(), 1L, Long::sum);
            if (a.district() != null) {
                dis.merge(a.district(), 1L, Long::sum);
            }
        }
        return new AlarmSummary(n, sev, dom, dis);
    }

    /** The JSON object of {@code GET /api/v1/alarms/summary} (maps in severity, then name order). */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("open", open);
        Map<String, Long> sev = new LinkedHashMap<>();
        for (Severity s : Severity.values()) {
            sev.put(s.label(), bySeverity.getOrDefault(s.label(), 0L));
        }
        m.put("bySeverity", sev);
        m.put("byDomain", new TreeMap<>(byDomain));
        m.put("byDistrict", new TreeMap<>(byDistrict));
        return m;
    }
}
