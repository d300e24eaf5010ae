package io.citytwin.incident;

import io.citytwin.twin.TwinException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/*
 * KPI definitions (docs/incidents.md; REFERENCE.md section 7: 按时办结率, 发回重办率, NYC Local Law 47's resolution time
 * by category and agency). Over the incidents created in [from, to):
 * - timeToTriage / timeToDispatch / timeToResolve: created -> first triaged / first dispatched / last resolved, in
 *   seconds, median and mean over the incidents that got there.
 * - onTimeClosureRate: of the finished incidents (resolved or closed), the share whose SLA is "met".
 * - reopenRate: of the incidents resolved at least once, the share reopened at least once.
 * - collaboration: on multi-department incidents (two or more departments through dispatch, tasks or handoffs),
 *   the median of (time to dispatch + the summed handoff waits, each from the handoff until the receiving department
 *   started the task).
 * - publicOpinion: on public-opinion incidents, the median time from creation to (last) closing, and their on-time
 *   closure rate.
 * Medians of an even count are the mean of the two middle values.
 */
/** Computes the incident KPIs; pure. */
final class IncidentKpis {
    private IncidentKpis() {}

    static Map<String, Object> compute(
            List<Incident> incidents, Instant from, Instant to, @Nullable String by, Instant now) {
        Function<Incident, String> key = null;
        if (by != null) {
            key = switch (by) {
                case "department" -> i -> i.department() == null ? "unassigned" : i.department();
                case "category" -> i -> i.category().label();
                case "district" -> i -> i.district() == null ? "unknown" : i.district();
                default ->
                    throw TwinException.badData(
                            "incident.invalid", "by must be department, category or district, got '" + by + "'");
            };
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("from", from.toString());
        out.put("to", to.toString());
        out.put("at", now.toString());
        out.put("by", by);
        out.put("total", metrics(incidents));
        if (key != null) {
            Map<String, List<Incident>> groups = new TreeMap<>();
            for (Incident i : incidents) {
                groups.computeIfAbsent(key.apply(i), k -> new ArrayList<>()).add(i);
            }
            Map<String, Object> g = new LinkedHashMap<>();
            groups.forEach((k, v) -> g.put(k, metrics(v)));
            out.put("groups", g);
        }
        List<Double> collab = new ArrayList<>();
        for (Incident i : incidents) {
            if (i.departments().size() >= 2 && i.dispatchedAt() != null) {
                collab.add(seconds(i.createdAt(), i.dispatchedAt()) + i.handoffWaitSeconds());
            }
        }
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("incidents", collab.size());
        c.put("medianDispatchPlusHandoffSeconds", median(collab));
        out.put("collaboration", c);
        List<Incident> opinions = incidents.stream()
                .filter(i -> i.type() == IncidentType.PUBLIC_OPINION)
                .toList();
        List<Double> close = new ArrayList<>();
        for (Incident i : opinions) {
            if (i.status() == IncidentStatus.CLOSED && i.closedAt() != null) {
                close.add(seconds(i.createdAt(), i.closedAt()));
            }
        }
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("incidents", opinions.size());
        p.put("closed", close.size());
        p.put("medianTimeToCloseSeconds", median(close));
        p.put("onTimeClosureRate", onTime(opinions));
        out.put("publicOpinion", p);
        return out;
    }

    private static Map<String, Object> metrics(List<Incident> l) {
        List<Double> triage = new ArrayList<>();
        List<Double> dispatch = new ArrayList<>();
        List<Double> resolve = new ArrayList<>();
        int open = 0;
        int everResolved = 0;
        int reopened = 0;
        int escalated = 0;
        for (Incident i : l) {
            if (i.status().active()) {
                open++;
            }
            if (i.triagedAt() != null) {
                triage.add(seconds(i.createdAt(), i.triagedAt()));
            }
            if (i.dispatchedAt() != null) {
                dispatch.add(seconds(i.createdAt(), i.dispatchedAt()));
            }
            if (i.resolvedAt() != null) {
                resolve.add(seconds(i.createdAt(), i.resolvedAt()));
                everResolved++;
                if (i.reopenCount() > 0) {
                    reopened++;
                }
            }
            if (i.escalatedTo() != null) {
                escalated++;
            }
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("incidents", l.size());
        m.put("open", open);
        m.put("escalated", escalated);
        m.put("timeToTriage", stats(triage));
        m.put("timeToDispatch", stats(dispatch));
        m.put("timeToResolve", stats(resolve));
        m.put("onTimeClosureRate", onTime(l));
        m.put("reopenRate", everResolved == 0 ? null : (double) reopened / everResolved);
        return m;
    }

    private static @Nullable Double onTime(List<Incident> l) {
        int finished = 0;
        int met = 0;
        for (Incident i : l) {
            if (!i.status().active()) {
                finished++;
                if (i.sla() == SlaState.MET) {
                    met++;
                }
            }
        }
        return finished == 0 ? null : (double) met / finished;
    }

    private static Map<String, Object> stats(List<Double> v) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("count", v.size());
        m.put("medianSeconds", median(v));
        m.put(
                "meanSeconds",
                v.isEmpty() ? null : v.stream().mapToDouble(Double::doubleValue).sum() / v.size());
        return m;
    }

    static @Nullable Double median(List<Double> values) {
        if (values.isEmpty()) {
            return null;
        }
        List<Double> s = new ArrayList<>(values);
        Collections.sort(s);
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }

    private static double seconds(Instant a, Instant b) {
        return Duration.between(a, b).toMillis() / 1000.0;
    }
}
