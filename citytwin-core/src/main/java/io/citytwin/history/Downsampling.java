package io.citytwin.history;

import io.citytwin.history.store.AttributeRecord;
import io.citytwin.history.store.HistoryEntity;
import io.citytwin.history.store.HistoryStore;
import io.citytwin.history.store.SeriesKey;
import io.citytwin.twin.Attribute;
import io.citytwin.twin.AttributeKind;
import io.citytwin.twin.IsoTimes;
import io.citytwin.twin.TenantId;
import io.citytwin.twin.TwinException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/*
 * DOWNSAMPLING of old history (in the spirit of RRDtool's consolidation and of continuous aggregates in time-series
 * databases): records older than `olderThan` are replaced, per series and per period (e.g. PT1H, aligned to the
 * epoch in UTC), by ONE record holding
 *     value       = the average of the period's numeric values (Double; a Boolean counts 1/0 as in clause 4.5.19)
 *     sub-attributes min, max (Double), count (Long) and downsampled (the period, e.g. "PT1H") as Properties
 *     observedAt  = the period's start, unitCode = the last record's, modifiedAt = the run's time
 * so the temporal API keeps answering over old data (an hourly average curve) at a fraction of the size. Records
 * without a numeric value (text, GeoProperties, Relationships) are kept as they are: there is nothing to average.
 * A period that already holds exactly one downsampled record and nothing else is left alone, so runs are idempotent;
 * late raw data for a downsampled period is folded in with the earlier aggregate weighted by its count.
 *
 * Each series' rewrite is one HistoryStore#replaceRange, atomic per series. A run remembers up to where it went (per
 * rule, in memory): the next run only reads from there (minus one period), so a run costs the new old data, not all of
 * it; after a restart the first run reads everything before the cutoff once.
 */
/** Downsampling rules and their application; see the comment above. Thread-safe (apply is synchronized). */
public final class Downsampling {
    /** The name of the marker sub-attribute (expanded, default context). */
    public static final String DOWNSAMPLED = "https://uri.etsi.org/ngsi-ld/default-context/downsampled";

    static final String MIN = "https://uri.etsi.org/ngsi-ld/default-context/min";
    static final String MAX = "https://uri.etsi.org/ngsi-ld/default-context/max";
    static final String COUNT = "https://uri.etsi.org/ngsi-ld/default-context/count";

    /** No downsampling. */
    public static final Downsampling NONE = new Downsampling(List.of());

    /**
     * Downsample records of {@code tenant} (of entity type {@code entityType} only, when given) older than {@code
     * olderThan} into one record per {@code period}.
     */
    public record Rule(TenantId tenant, @Nullable String entityType, Duration olderThan, Duration period) {
        public Rule {
            Objects.requireNonNull(tenant, "tenant");
            if (olderThan.isNegative() || olderThan.isZero() || period.isNegative() || period.isZero()) {
                throw TwinException.badData(
                        "history.downsampling-invalid", "Downsampling needs a positive age and period");
            }
            if (period.toMillis() < 1000 || Duration.ofDays(1).toMillis() % period.toMillis() != 0) {
                throw TwinException.badData(
                        "history.downsampling-period",
                        "A downsampling period must divide a day into whole seconds (PT1M, PT15M, PT1H, P1D...), not "
                                + period);
            }
        }
    }

    private final List<Rule> rules;
    private final Map<Rule, Instant> done = new HashMap<>();

    public Downsampling(List<Rule> rules) {
        this.rules = List.copyOf(rules);
    }

    public List<Rule> rules() {
        return rules;
    }

    /**
     * Applies every rule at {@code now}.
     *
     * @return the number of records removed (raw records replaced, minus the aggregates written)
     */
    public synchronized long apply(HistoryStore store, Instant now) {
        long saved = 0;
        for (Rule rule : rules) {
            long periodMs = rule.period.toMillis();
            Instant cutoff =
                    Instant.ofEpochMilli(Math.floorDiv(now.minus(rule.olderThan).toEpochMilli(), periodMs) * periodMs);
            Instant previous = done.get(rule);
            Instant from = previous == null ? IsoTimes.MIN : previous.minus(rule.period);
            if (!from.isBefore(cutoff)) {
                continue;
            }
            Set<String> types = rule.entityType == null ? null : Set.of(rule.entityType);
            for (HistoryEntity e : store.entities(rule.tenant, types)) {
                for (SeriesKey key : store.series(rule.tenant, e.id())) {
                    saved += series(store, key, from, cutoff, rule.period, now);
                }
            }
            done.put(rule, cutoff);
        }
        return saved;
    }

    private static long series(
            HistoryStore store, SeriesKey key, Instant from, Instant to, Duration period, Instant now) {
        List<AttributeRecord> records = store.read(key, from, to, 0);
        if (records.isEmpty()) {
            return 0;
        }
        long periodMs = period.toMillis();
        TreeMap<Long, List<AttributeRecord>> buckets = new TreeMap<>();
        for (AttributeRecord r : records) {
            long start = Math.floorDiv(r.observedAt().toEpochMilli(), periodMs) * periodMs;
            buckets.computeIfAbsent(start, k -> new ArrayList<>()).add(r);
        }
        boolean changed = false;
        List<AttributeRecord> out = new ArrayList<>(buckets.size());
        for (Map.Entry<Long, List<AttributeRecord>> b : buckets.entrySet()) {
            List<AttributeRecord> in = b.getValue();
            if (in.size() == 1 && in.get(0).instance().subAttributes().containsKey(DOWNSAMPLED)) {
                out.add(in.get(0));
                continue;
            }
            double sum = 0;
            long count = 0;
            double min = Double.POSITIVE_INFINITY;
            double max = Double.NEGATIVE_INFINITY;
            AttributeRecord last = null;
            for (AttributeRecord r : in) {
                Attribute a = r.instance();
                if (a.subAttributes().containsKey(DOWNSAMPLED)) {
                    long n = ((Number) a.subAttributes().get(COUNT).value()).longValue();
                    sum += ((Number) a.value()).doubleValue() * n;
                    count += n;
                    min = Math.min(min, ((Number) a.subAttributes().get(MIN).value()).doubleValue());
                    max = Math.max(max, ((Number) a.subAttributes().get(MAX).value()).doubleValue());
                    last = r;
                    continue;
                }
                Double v = numeric(a);
                if (v == null) {
                    out.add(r); // nothing to average: kept as it is
                    continue;
                }
                sum += v;
                count++;
                min = Math.min(min, v);
                max = Math.max(max, v);
                last = r;
            }
            if (last == null) {
                continue;
            }
            changed = true;
            Map<String, Attribute> subs = new LinkedHashMap<>();
            subs.put(MIN, Attribute.property(min));
            subs.put(MAX, Attribute.property(max));
            subs.put(COUNT, Attribute.property(count));
            subs.put(DOWNSAMPLED, Attribute.property(period.toString()));
            Instant start = Instant.ofEpochMilli(b.getKey());
            Attribute agg = new Attribute(
                    AttributeKind.PROPERTY,
                    sum / count,
                    key.datasetId(),
                    start,
                    last.instance().unitCode(),
                    subs,
                    now,
                    now);
            out.add(AttributeRecord.of(key, last.entityType(), now, agg));
        }
        if (!changed) {
            return 0;
        }
        out.sort((x, y) -> x.observedAt().compareTo(y.observedAt()));
        store.replaceRange(key, from, to, out);
        return records.size() - (long) out.size();
    }

    private static @Nullable Double numeric(Attribute a) {
        if (a.kind() != AttributeKind.PROPERTY) {
            return null;
        }
        return switch (a.value()) {
            case Long l -> l.doubleValue();
            case Double d -> Double.isFinite(d) ? d : null;
            case Integer i -> i.doubleValue();
            case Boolean b -> b ? 1.0 : 0.0;
            default -> null;
        };
    }
}
