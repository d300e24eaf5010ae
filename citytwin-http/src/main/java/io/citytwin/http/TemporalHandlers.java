package io.citytwin.http;

import io.citytwin.history.AggregationMethod;
import io.citytwin.history.IsoDuration;
import io.citytwin.history.TimeBuckets;
import io.citytwin.history.store.AttributeRecord;
import io.citytwin.history.store.HistoryStore;
import io.citytwin.history.store.SeriesKey;
import io.citytwin.ngsild.EntityCodec;
import io.citytwin.ngsild.LdContext;
import io.citytwin.ngsild.RenderOptions;
import io.citytwin.twin.EntityId;
import io.citytwin.twin.IsoTimes;
import io.citytwin.twin.Twin;
import io.citytwin.twin.TwinException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * Temporal retrieval of an entity (NGSI-LD v1.8 clause 5.7.3, binding 6.19): {@code GET
 * /ngsi-ld/v1/temporal/entities/{id}} with {@code attrs}, {@code timerel} ({@code before}, {@code after}, {@code
 * between}) with {@code timeAt}/{@code endTimeAt} on the observedAt axis, {@code lastN}, {@code
 * options=temporalValues} (the simplified representation: {@code values: [[value, time], ...]}) and aggregation
 * ({@code aggrMethods} with {@code aggrPeriodDuration}, clause 4.5.19: {@code avg: [[value, start, end], ...]}).
 * Without {@code timerel} the whole history is returned.
 */
final class TemporalHandlers {
    private static final int MAX_INSTANCES = 10_000;

    private final Twin twin;
    private final HistoryStore history;
    private final EntityCodec codec;
    private final Responses out;

    TemporalHandlers(Twin twin, HistoryStore history, EntityCodec codec, Responses out) {
        this.twin = twin;
        this.history = history;
        this.codec = codec;
        this.out = out;
    }

    void retrieve(ApiRequest r) {
        String media = MediaTypes.negotiate(r.ctx.header("Accept"), MediaTypes.JSON, MediaTypes.JSON_LD);
        LdContext ctx = r.ldContext();
        String raw = r.ctx.pathParam("id");
        if (!EntityId.isValid(raw)) {
            throw TwinException.badData("entity.id-invalid", "Entity id in the URL is not a valid URI: '" + raw + "'");
        }
        EntityId id = EntityId.of(raw);
        Set<String> options = r.options();
        r.allowOptions(options, "temporalvalues", "sysattrs", "aggregatedvalues");
        String timeproperty = r.param("timeproperty");
        if (timeproperty != null && !timeproperty.equals("observedAt")) {
            throw new TwinException(
                    io.citytwin.twin.ErrorType.OPERATION_NOT_SUPPORTED,
                    "temporal.timeproperty",
                    "Only timeproperty=observedAt is supported (the time axis of the history store)");
        }
        Instant[] window = window(r.param("timerel"), r.param("timeAt"), r.param("endTimeAt"));
        int lastN = r.intParam("lastN", 0, 1);
        Set<String> attrs = new HashSet<>();
        for (String a : r.listParam("attrs")) {
            attrs.add(ctx.expandTerm(a));
        }
        String aggr = r.param("aggrMethods");
        Set<AggregationMethod> methods = aggr == null ? Set.of() : AggregationMethod.parseList(aggr);
        String periodText = r.param("aggrPeriodDuration");
        IsoDuration period = periodText == null ? IsoDuration.ZERO : IsoDuration.parse(periodText);
        if (!methods.isEmpty() && lastN > 0) {
            throw TwinException.badData("temporal.aggr-lastn", "lastN cannot be combined with aggrMethods");
        }

        TreeMap<String, List<AttributeRecord>> byAttribute = new TreeMap<>();
        String type = null;
        for (SeriesKey key : history.series(r.tenant, id)) {
            if (!attrs.isEmpty() && !attrs.contains(key.attribute())) {
                continue;
            }
            List<AttributeRecord> records = history.read(key, window[0], window[1], lastN > 0 ? lastN : MAX_INSTANCES);
            if (!records.isEmpty()) {
                byAttribute
                        .computeIfAbsent(key.attribute(), k -> new ArrayList<>())
                        .addAll(records);
                type = records.get(records.size() - 1).entityType();
            }
        }
        var current = twin.find(r.tenant, id);
        if (byAttribute.isEmpty() && current.isEmpty()) {
            throw TwinException.notFound("entity.not-found", "Entity " + id + " has no history and does not exist");
        }
        if (current.isPresent()) {
            type = current.get().types().get(0);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("id", id.value());
        body.put("type", ctx.compactIri(type == null ? "" : type));
        RenderOptions normalized =
                new RenderOptions(RenderOptions.Format.NORMALIZED, options.contains("sysattrs"), null, false);
        for (Map.Entry<String, List<AttributeRecord>> a : byAttribute.entrySet()) {
            List<AttributeRecord> records = a.getValue();
            records.sort((x, y) -> x.observedAt().compareTo(y.observedAt()));
            String name = ctx.compactIri(a.getKey());
            if (!methods.isEmpty()) {
                body.put(name, aggregated(records, methods, period, window));
            } else if (options.contains("temporalvalues")) {
                body.put(name, simplified(records));
            } else {
                List<Object> instances = new ArrayList<>(records.size());
                for (AttributeRecord rec : records) {
                    instances.add(codec.renderAttribute(List.of(rec.instance()), normalized, ctx));
                }
                body.put(name, instances);
            }
        }
        out.json(r, media, body, ctx);
    }

    private static Map<String, Object> simplified(List<AttributeRecord> records) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", records.get(0).instance().kind().typeName());
        List<Object> values = new ArrayList<>(records.size());
        for (AttributeRecord rec : records) {
            values.add(List.of(
                    rec.instance().value() instanceof io.citytwin.twin.GeoValue g
                            ? g.geoJson()
                            : rec.instance().value(),
                    EntityCodec.formatInstant(rec.observedAt())));
        }
        m.put("values", values);
        return m;
    }

    private static Map<String, Object> aggregated(
            List<AttributeRecord> records, Set<AggregationMethod> methods, IsoDuration period, Instant[] window) {
        List<TimeBuckets.Sample> samples = new ArrayList<>(records.size());
        for (AttributeRecord rec : records) {
            samples.add(new TimeBuckets.Sample(rec.observedAt(), rec.instance().value()));
        }
        Instant from = window[0].equals(IsoTimes.MIN) ? records.get(0).observedAt() : window[0];
        Instant to = window[1].equals(IsoTimes.MAX)
                ? records.get(records.size() - 1).observedAt().plusNanos(1)
                : window[1];
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", records.get(0).instance().kind().typeName());
        for (AggregationMethod method : methods) {
            m.put(method.ngsiName(), new ArrayList<>());
        }
        for (TimeBuckets.Bucket b : TimeBuckets.aggregate(samples, from, to, period, methods)) {
            for (AggregationMethod method : methods) {
                Object v = b.values().get(method);
                if (v != null) {
                    @SuppressWarnings("unchecked")
                    List<Object> list = (List<Object>) m.get(method.ngsiName());
                    list.add(List.of(v, EntityCodec.formatInstant(b.start()), EntityCodec.formatInstant(b.end())));
                }
            }
        }
        return m;
    }

    /** The [from, to) window of a timerel on the observedAt axis. */
    private static Instant[] window(@Nullable String timerel, @Nullable String timeAt, @Nullable String endTimeAt) {
        if (timerel == null) {
            if (timeAt != null || endTimeAt != null) {
                throw TwinException.badData("temporal.timerel-missing", "timeAt and endTimeAt need a timerel");
            }
            return new Instant[] {IsoTimes.MIN, IsoTimes.MAX};
        }
        Instant at = time("timeAt", timeAt);
        return switch (timerel) {
            case "before" -> new Instant[] {IsoTimes.MIN, at};
            case "after" -> new Instant[] {at.plusNanos(1), IsoTimes.MAX};
            case "between" -> {
                Instant end = time("endTimeAt", endTimeAt);
                if (!end.isAfter(at)) {
                    throw TwinException.badData("temporal.window", "endTimeAt must be after timeAt");
                }
                yield new Instant[] {at, end};
            }
            default ->
                throw TwinException.badData(
                        "temporal.timerel", "timerel must be before, after or between, got '" + timerel + "'");
        };
    }

    private static Instant time(String name, @Nullable String text) {
        Instant t = text == null ? null : IsoTimes.parseDateTime(text);
        if (t == null) {
            throw TwinException.badData("temporal." + name, name + " must be an ISO 8601 dateTime, got '" + text + "'");
        }
        return t;
    }
}
