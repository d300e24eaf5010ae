package io.citytwin.rule;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One recorded evaluation of a rule: why it did (or did not) fire.
 *
 * @param at the event time of the sample (or the tick's time)
 * @param entity the entity evaluated
 * @param version the rule version that evaluated
 * @param result {@code raised}, {@code cleared}, {@code true}, {@code false}, {@code late} (out of order, counted in
 *     windows only) or {@code dropped} (later than the grace)
 * @param values the values the condition looked at: readings, aggregates with their window, thresholds, scores
 */
public record TraceEntry(Instant at, String entity, int version, String result, Map<String, Object> values) {
    public TraceEntry {
        values = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    /** The JSON form of the trace API. */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("at", at.toString());
        m.put("entity", entity);
        m.put("version", version);
        m.put("result", result);
        m.put("values", values);
        return m;
    }
}
