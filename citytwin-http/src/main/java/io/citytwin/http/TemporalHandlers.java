package io.citytwin.http;

import io.citytwin.history.AggregationMethod;
import io.citytwin.history.IsoDuration;
import io.citytwin.history.TemporalMatch;
import io.citytwin.history.TimeBuckets;
import io.citytwin.history.store.AttributeRecord;
import io.citytwin.history.store.HistoryEntity;
import io.citytwin.history.store.HistoryStore;
import io.citytwin.history.store.SeriesKey;
import io.citytwin.ngsild.EntityCodec;
import io.citytwin.ngsild.LdContext;
import io.citytwin.ngsild.RenderOptions;
import io.citytwin.twin.Attribute;
import io.citytwin.twin.Entity;
import io.citytwin.twin.EntityId;
import io.citytwin.twin.ErrorType;
import io.citytwin.twin.GeoValue;
import io.citytwin.twin.IsoTimes;
import io.citytwin.twin.TenantId;
import io.citytwin.twin.Twin;
import io.citytwin.twin.TwinException;
import io.citytwin.twin.TypeSelector;
import io.citytwin.twin.geo.GeoQuery;
import io.citytwin.twin.query.Query;
import io.citytwin.twin.query.QueryParser;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.jspecify.annotations.Nullable;

/*
 * THE TEMPORAL API (ETSI GS CIM 009 v1.8, clauses 5.6.11-5.6.17 and 5.7.3-5.7.4, bindings 6.18 to 6.22).
 *
 * Reads: GET /temporal/entities/{id} and GET /temporal/entities (query). An entity is found in the twin AND in the
 * history's index of series (deleted entities and entities created through the temporal API have history only). The
 * temporal window is timerel/timeAt/endTimeAt on the timeproperty axis: observedAt (default; the store's indexed time
 * axis, see AttributeRecord), or createdAt/modifiedAt, both meaning "when the instance was stored" (the record's
 * modifiedAt; not indexed, so such reads scan each series).
 *
 * PAGINATION OF INSTANCES (clause 6.3.10 "Pagination of temporal representations"): at most `instanceLimit`
 * instances of any attribute are returned. When an attribute has more in the window, the response is cut at ONE
 * instant for every attribute of every entity of the response (so that "continue after the end" loses nothing) and
 * answered 206 Partial Content with
 *     Content-Range: date-time <start>-<end>/<size>
 *   forward (no lastN): start = timeAt (after, between) else the oldest time returned, end = the cut (the newest time
 *     returned), size = * ; the client continues with timerel=after&timeAt=<end> (after is exclusive)
 *   backward (lastN): the newest min(lastN, limit) instances are returned; start = endTimeAt (between) / timeAt
 *     (before) else the newest time returned, end = the cut (the oldest time returned), size = lastN; the client
 *     continues with timerel=before&timeAt=<end>
 * A response that holds everything asked for is 200 with no Content-Range (lastN alone does not make it partial).
 * Aggregated representations are never paged: their size is bounded by the number of periods.
 *
 * q AND GEO-QUERIES select entities by their state within the window: see io.citytwin.history.TemporalMatch. An
 * entity with no instance in the window (of the asked attrs) is not part of a query's result.
 *
 * Writes: create/append a temporal entity, append instances, replace or delete one instance (by instanceId),
 * delete an attribute's history (datasetId / deleteAll) or an entity's. They change the history only, never the twin.
 * Instances written here get the store's derived instanceId (from their time and the time they were stored) unless
 * the request gives one or two instances of one series in one request would get the same, then a random UUID URN.
 */
/** The temporal API; see the comment above. */
final class TemporalHandlers {
    /** The default most instances per attribute in one response. */
    static final int DEFAULT_INSTANCE_LIMIT = 10_000;

    private static final String TEMPORAL = "/ngsi-ld/v1/temporal/entities/";

    private final Twin twin;
    private final HistoryStore history;
    private final EntityCodec codec;
    private final Responses out;
    private final ApiLimits limits;
    private final InstantSource clock;
    private final int instanceLimit;

    TemporalHandlers(
            Twin twin,
            HistoryStore history,
            EntityCodec codec,
            Responses out,
            ApiLimits limits,
            InstantSource clock,
            int instanceLimit) {
        if (instanceLimit < 1) {
            throw new IllegalArgumentException("instanceLimit must be positive");
        }
        this.twin = twin;
        this.history = history;
        this.codec = codec;
        this.out = out;
        this.limits = limits;
        this.clock = clock;
        this.instanceLimit = instanceLimit;
    }

    // ================================================================== reads

    /** The time axis of a request. */
    private enum TimeProperty {
        OBSERVED_AT,
        CREATED_AT,
        MODIFIED_AT;

        Instant of(AttributeRecord r) {
            return this == OBSERVED_AT ? r.observedAt() : r.modifiedAt();
        }

        static TimeProperty parse(@Nullable String text) {
            if (text == null) {
                return OBSERVED_AT;
            }
            return switch (text) {
                case "observedAt" -> OBSERVED_AT;
                case "createdAt" -> CREATED_AT;
                case "modifiedAt" -> MODIFIED_AT;
                default ->
                    throw TwinException.badData(
                            "temporal.timeproperty",
                            "timeproperty must be observedAt, createdAt or modifiedAt, got '" + text + "'");
            };
        }
    }

    /** The temporal part of a read request. */
    private record Temporal(
            Instant from,
            Instant to,
            @Nullable String timerel,
            TimeProperty timeProperty,
            int lastN,
            Set<String> attrs,
            Set<AggregationMethod> methods,
            IsoDuration period,
            Set<String> options,
            Map<String, List<TimeBuckets.Sample>> samples) {
        boolean aggregated() {
            return !methods.isEmpty();
        }

        Function<AttributeRecord, Instant> time() {
            return timeProperty::of;
        }
    }

    private Temporal temporal(ApiRequest r, LdContext ctx, boolean timerelRequired) {
        Set<String> options = r.options();
        r.allowOptions(options, "temporalvalues", "sysattrs", "aggregatedvalues", "count");
        String format = r.param("format");
        if (format != null) {
            switch (format) {
                case "temporalValues", "simplified" -> options.add("temporalvalues");
                case "aggregatedValues" -> options.add("aggregatedvalues");
                case "normalized" -> {}
                default -> throw TwinException.badData("temporal.format", "Unknown format '" + format + "'");
            }
        }
        TimeProperty tp = TimeProperty.parse(r.param("timeproperty"));
        String timerel = r.param("timerel");
        if (timerelRequired && timerel == null && r.param("lastN") == null) {
            // clause 6.18.3.2: a temporal query needs a timerel; lastN alone (the newest instances) is accepted too
            throw TwinException.badData("temporal.timerel-missing", "A temporal query needs timerel (or lastN)");
        }
        Instant[] window = window(timerel, r.param("timeAt"), r.param("endTimeAt"));
        int lastN = r.intParam("lastN", 0, 1);
        Set<String> attrs = new LinkedHashSet<>();
        for (String a : r.listParam("attrs")) {
            attrs.add(ctx.expandTerm(a));
        }
        String aggr = r.param("aggrMethods");
        Set<AggregationMethod> methods = aggr == null ? Set.of() : AggregationMethod.parseList(aggr);
        if (options.contains("aggregatedvalues") && methods.isEmpty()) {
            throw TwinException.badData("temporal.aggr-missing", "aggregatedValues needs aggrMethods");
        }
        String periodText = r.param("aggrPeriodDuration");
        IsoDuration period = periodText == null ? IsoDuration.ZERO : IsoDuration.parse(periodText);
        if (!methods.isEmpty() && lastN > 0) {
            throw TwinException.badData("temporal.aggr-lastn", "lastN cannot be combined with aggrMethods");
        }
        return new Temporal(
                window[0], window[1], timerel, tp, lastN, attrs, methods, period, options, new java.util.HashMap<>());
    }

    /** GET /temporal/entities/{id}. */
    void retrieve(ApiRequest r) {
        String media = MediaTypes.negotiate(r.ctx.header("Accept"), MediaTypes.JSON, MediaTypes.JSON_LD);
        LdContext ctx = r.ldContext();
        EntityId id = pathId(r);
        Temporal t = temporal(r, ctx, false);
        var current = twin.find(r.tenant, id);
        Set<SeriesKey> keys = history.series(r.tenant, id);
        if (keys.isEmpty() && current.isEmpty()) {
            throw TwinException.notFound("entity.not-found", "Entity " + id + " has no history and does not exist");
        }
        String type = current.map(e -> e.types().get(0)).orElse(null);
        Found f = new Found(id, type, fetch(keys, t));
        if (f.type == null) {
            f.type = historyType(r.tenant, id);
        }
        Page page = cut(List.of(f), t);
        Map<String, Object> body = render(f, t, ctx);
        out.json(r, media, body, ctx);
        page.apply(r);
    }

    /**
     * POST /temporal/entityOperations/query (clause 6.24.3.1): the body's Query (entities, attrs, q, geoQ, temporalQ)
     * stands for the parameters of {@link #query}; paging, options and aggregation still come from the URL.
     */
    void queryPost(ApiRequest r) {
        Map<String, Object> body = r.bodyObject();
        if (body.containsKey("type") && !"Query".equals(body.get("type"))) {
            throw TwinException.badData("query.body-type", "The body must be a Query object (\"type\": \"Query\")");
        }
        Map<String, String> p = new HashMap<>();
        if (body.get("entities") instanceof List<?> selectors) {
            Set<String> ids = new LinkedHashSet<>();
            Set<String> types = new LinkedHashSet<>();
            Set<String> patterns = new LinkedHashSet<>();
            for (Object o : selectors) {
                if (!(o instanceof Map<?, ?> m)) {
                    throw TwinException.badData(
                            "query.entities", "entities must be an array of EntitySelector objects");
                }
                addText(ids, m.get("id"), "entities[].id");
                addText(types, m.get("type"), "entities[].type");
                addText(patterns, m.get("idPattern"), "entities[].idPattern");
            }
            if (patterns.size() > 1) {
                throw TwinException.badData(
                        "query.entities", "Only one idPattern is supported per query, got " + patterns.size());
            }
            putList(p, "id", ids);
            putList(p, "type", types);
            putList(p, "idPattern", patterns);
        } else if (body.containsKey("entities")) {
            throw TwinException.badData("query.entities", "entities must be an array of EntitySelector objects");
        }
        if (body.get("attrs") instanceof List<?> attrs) {
            Set<String> names = new LinkedHashSet<>();
            attrs.forEach(a -> addText(names, a, "attrs[]"));
            putList(p, "attrs", names);
        }
        putText(p, "q", body.get("q"), "q");
        if (body.get("geoQ") instanceof Map<?, ?> g) {
            putText(p, "georel", g.get("georel"), "geoQ.georel");
            putText(p, "geometry", g.get("geometry"), "geoQ.geometry");
            putText(p, "geoproperty", g.get("geoproperty"), "geoQ.geoproperty");
            Object c = g.get("coordinates");
            if (c != null) {
                p.put("coordinates", c instanceof String s ? s : new String(out.bytes(c), StandardCharsets.UTF_8));
            }
        }
        if (body.get("temporalQ") instanceof Map<?, ?> tq) {
            putText(p, "timerel", tq.get("timerel"), "temporalQ.timerel");
            putText(p, "timeAt", tq.get("timeAt"), "temporalQ.timeAt");
            putText(p, "endTimeAt", tq.get("endTimeAt"), "temporalQ.endTimeAt");
            putText(p, "timeproperty", tq.get("timeproperty"), "temporalQ.timeproperty");
            Object lastN = tq.get("lastN");
            if (lastN instanceof Number n) {
                p.put("lastN", Long.toString(n.longValue()));
            } else {
                putText(p, "lastN", lastN, "temporalQ.lastN");
            }
        } else if (body.containsKey("temporalQ")) {
            throw TwinException.badData("query.temporalQ", "temporalQ must be a TemporalQuery object");
        }
        r.paramsFromBody(p);
        query(r);
    }

    private static void addText(Set<String> into, @Nullable Object value, String what) {
        if (value == null) {
            return;
        }
        if (!(value instanceof String s) || s.isEmpty()) {
            throw TwinException.badData("query.member", what + " must be a non-empty string");
        }
        into.add(s);
    }

    private static void putText(Map<String, String> into, String name, @Nullable Object value, String what) {
        Set<String> one = new LinkedHashSet<>();
        addText(one, value, what);
        putList(into, name, one);
    }

    private static void putList(Map<String, String> into, String name, Set<String> values) {
        if (!values.isEmpty()) {
            into.put(name, String.join(",", values));
        }
    }

    /** GET /temporal/entities. */
    void query(ApiRequest r) {
        String media = MediaTypes.negotiate(r.ctx.header("Accept"), MediaTypes.JSON, MediaTypes.JSON_LD);
        LdContext ctx = r.ldContext();
        Temporal t = temporal(r, ctx, true);
        TenantId tenant = r.tenant;

        List<EntityId> ids = new ArrayList<>();
        for (String s : r.listParam("id")) {
            if (!EntityId.isValid(s)) {
                throw TwinException.badData("entity.id-invalid", "id is not a valid URI: '" + s + "'");
            }
            ids.add(EntityId.of(s));
        }
        Pattern idPattern = idPattern(r.param("idPattern"));
        String typeText = r.param("type");
        TypeSelector types = typeText == null ? null : TypeSelector.parse(typeText, ctx::expandTerm);
        Query q = q(r.param("q"), ctx);
        GeoQuery geo = geo(r, ctx);
        if (ids.isEmpty() && idPattern == null && types == null && t.attrs.isEmpty() && q == null && geo == null) {
            throw TwinException.badData(
                    "query.unrestricted",
                    "A temporal query needs at least one of id, idPattern, type, attrs, q or a geo-query");
        }
        boolean count = r.boolParam("count") || t.options.contains("count");
        int limit = r.intParam("limit", limits.defaultLimit(), 0);
        if (limit > limits.maxLimit()) {
            throw new TwinException(
                    ErrorType.TOO_MANY_RESULTS,
                    "query.limit-too-high",
                    "limit " + limit + " exceeds the maximum of " + limits.maxLimit());
        }
        if (limit == 0 && !count) {
            throw TwinException.badData("query.limit-zero", "limit=0 is only allowed together with count=true");
        }
        int offset = r.intParam("offset", 0, 0);

        // the candidates: the twin's entities and the history's index, by id
        TreeMap<String, List<String>> candidates = new TreeMap<>();
        Set<String> wantedTypes = types == null ? null : types.names();
        for (HistoryEntity h : history.entities(tenant, wantedTypes)) {
            candidates.put(h.id().value(), List.of(h.entityType()));
        }
        for (Entity e : twinCandidates(tenant, ids, wantedTypes)) {
            candidates.put(e.id().value(), e.types());
        }
        Set<String> idSet = new HashSet<>();
        ids.forEach(i -> idSet.add(i.value()));

        List<Found> matching = new ArrayList<>();
        int total = 0;
        for (Map.Entry<String, List<String>> c : candidates.entrySet()) {
            if (!idSet.isEmpty() && !idSet.contains(c.getKey())) {
                continue;
            }
            if (idPattern != null && !idPattern.matcher(c.getKey()).find()) {
                continue;
            }
            if (types != null && !types.test(c.getValue())) {
                continue;
            }
            EntityId id = EntityId.of(c.getKey());
            Set<SeriesKey> all = history.series(tenant, id);
            List<SeriesKey> keys = selected(all, t.attrs);
            if (!hasInstances(keys, t)) {
                continue;
            }
            if ((q != null || geo != null) && !matchesInWindow(id, c.getValue(), all, t, q, geo)) {
                continue;
            }
            total++;
            if (total > offset && matching.size() < limit) {
                matching.add(new Found(id, c.getValue().get(0), Map.of()));
            } else if (!count && matching.size() >= limit) {
                break;
            }
        }
        List<Found> page = new ArrayList<>(matching.size());
        for (Found f : matching) {
            page.add(new Found(f.id, f.type, fetch(history.series(tenant, f.id), t)));
        }
        Page cut = cut(page, t);
        List<Object> body = new ArrayList<>(page.size());
        for (Found f : page) {
            body.add(render(f, t, ctx));
        }
        if (count) {
            r.ctx.header("NGSILD-Results-Count", Integer.toString(total));
        }
        out.json(r, media, body, ctx);
        cut.apply(r);
    }

    private Iterable<Entity> twinCandidates(TenantId tenant, List<EntityId> ids, @Nullable Set<String> types) {
        List<Entity> outList = new ArrayList<>();
        if (!ids.isEmpty()) {
            for (EntityId id : ids) {
                twin.find(tenant, id).ifPresent(outList::add);
            }
            return outList;
        }
        for (String type : types != null ? types : twin.types(tenant)) {
            twin.entitiesOfType(tenant, type).forEach(outList::add);
        }
        return outList;
    }

    private static List<SeriesKey> selected(Set<SeriesKey> keys, Set<String> attrs) {
        List<SeriesKey> outList = new ArrayList<>();
        for (SeriesKey k : keys) {
            if (attrs.isEmpty() || attrs.contains(k.attribute())) {
                outList.add(k);
            }
        }
        outList.sort(Comparator.comparing(SeriesKey::attribute)
                .thenComparing(k -> k.datasetId() == null ? "" : k.datasetId()));
        return outList;
    }

    private boolean hasInstances(List<SeriesKey> keys, Temporal t) {
        for (SeriesKey k : keys) {
            if (!inWindow(k, t, 1, true).isEmpty()) {
                return true;
            }
        }
        return false;
    }

    private boolean matchesInWindow(
            EntityId id,
            List<String> types,
            Set<SeriesKey> keys,
            Temporal t,
            @Nullable Query q,
            @Nullable GeoQuery geo) {
        List<AttributeRecord> seed = new ArrayList<>();
        List<AttributeRecord> window = new ArrayList<>();
        for (SeriesKey k : keys) {
            if (t.timeProperty == TimeProperty.OBSERVED_AT) {
                if (t.from.isAfter(IsoTimes.MIN)) {
                    seed.addAll(history.read(k, IsoTimes.MIN, t.from, 1));
                }
                window.addAll(history.read(k, t.from, t.to, 0));
            } else {
                AttributeRecord latestBefore = null;
                for (AttributeRecord rec : history.read(k, IsoTimes.MIN, IsoTimes.MAX, 0)) {
                    Instant at = t.timeProperty.of(rec);
                    if (at.isBefore(t.from)) {
                        if (latestBefore == null || !at.isBefore(t.timeProperty.of(latestBefore))) {
                            latestBefore = rec;
                        }
                    } else if (at.isBefore(t.to)) {
                        window.add(rec);
                    }
                }
                if (latestBefore != null) {
                    seed.add(latestBefore);
                }
            }
        }
        return TemporalMatch.matches(id, types, seed, window, t.time(), q, geo);
    }

    /**
     * The records of {@code key} in the window: the first {@code n} ({@code fromEnd} false) or the last {@code n}, 0 =
     * all, in ascending order of the request's time axis.
     */
    private List<AttributeRecord> inWindow(SeriesKey key, Temporal t, int n, boolean fromEnd) {
        if (t.timeProperty == TimeProperty.OBSERVED_AT) {
            return fromEnd ? history.read(key, t.from, t.to, n) : history.readFirst(key, t.from, t.to, n);
        }
        List<AttributeRecord> all = new ArrayList<>();
        for (AttributeRecord rec : history.read(key, IsoTimes.MIN, IsoTimes.MAX, 0)) {
            Instant at = t.timeProperty.of(rec);
            if (!at.isBefore(t.from) && at.isBefore(t.to)) {
                all.add(rec);
            }
        }
        all.sort(Comparator.comparing(t.time()));
        if (n > 0 && all.size() > n) {
            return fromEnd ? all.subList(all.size() - n, all.size()) : all.subList(0, n);
        }
        return all;
    }

    /** An entity of the response: its records by attribute, ascending on the request's time axis. */
    private static final class Found {
        final EntityId id;

        @Nullable
        String type;

        final Map<String, List<AttributeRecord>> byAttribute;

        Found(EntityId id, @Nullable String type, Map<String, List<AttributeRecord>> byAttribute) {
            this.id = id;
            this.type = type;
            this.byAttribute = byAttribute;
        }
    }

    /**
     * Reads what the response needs of each attribute: one more than the limit, to know about truncation. For an
     * aggregation on the observedAt axis only the newest record (for the attribute's type) and the (time, value)
     * samples, which the store decodes far more cheaply than whole records.
     */
    private Map<String, List<AttributeRecord>> fetch(Set<SeriesKey> keys, Temporal t) {
        TreeMap<String, List<AttributeRecord>> byAttribute = new TreeMap<>();
        if (t.aggregated() && t.timeProperty == TimeProperty.OBSERVED_AT) {
            for (SeriesKey key : selected(keys, t.attrs)) {
                List<AttributeRecord> newest = history.read(key, t.from, t.to, 1);
                if (!newest.isEmpty()) {
                    byAttribute
                            .computeIfAbsent(key.attribute(), k -> new ArrayList<>())
                            .addAll(newest);
                    List<TimeBuckets.Sample> samples =
                            t.samples.computeIfAbsent(key.attribute(), k -> new ArrayList<>());
                    history.scanValues(key, t.from, t.to, (at, v) -> samples.add(new TimeBuckets.Sample(at, v)));
                }
            }
            return byAttribute;
        }
        int n = t.aggregated() ? 0 : (t.lastN > 0 ? Math.min(t.lastN, instanceLimit) : instanceLimit) + 1;
        for (SeriesKey key : selected(keys, t.attrs)) {
            List<AttributeRecord> records = inWindow(key, t, n, t.lastN > 0);
            if (!records.isEmpty()) {
                byAttribute
                        .computeIfAbsent(key.attribute(), k -> new ArrayList<>())
                        .addAll(records);
            }
        }
        for (List<AttributeRecord> list : byAttribute.values()) {
            list.sort(Comparator.comparing(t.time())); // datasets merged; stable for equal times
        }
        return byAttribute;
    }

    /** The outcome of pagination: nothing, or 206 with a Content-Range. */
    private record Page(@Nullable String contentRange) {
        void apply(ApiRequest r) {
            if (contentRange != null) {
                r.ctx.status(206);
                r.ctx.header("Content-Range", contentRange);
            }
        }
    }

    /** Applies the instance limit to the response (see PAGINATION OF INSTANCES), in place. */
    private Page cut(List<Found> entities, Temporal t) {
        if (t.aggregated()) {
            return new Page(null);
        }
        boolean backward = t.lastN > 0;
        int keep = backward ? Math.min(t.lastN, instanceLimit) : instanceLimit;
        Instant cut = null;
        boolean truncated = false;
        for (Found f : entities) {
            for (List<AttributeRecord> list : f.byAttribute.values()) {
                if (list.size() > keep) {
                    Instant edge = backward
                            ? t.timeProperty.of(list.get(list.size() - keep))
                            : t.timeProperty.of(list.get(keep - 1));
                    // lastN within the limit: the surplus record is beyond what was asked for, not a page break
                    boolean partial = !backward || t.lastN > instanceLimit;
                    truncated |= partial;
                    if (partial && (cut == null || (backward ? edge.isAfter(cut) : edge.isBefore(cut)))) {
                        cut = edge;
                    }
                }
            }
        }
        Instant first = null;
        Instant last = null;
        for (Found f : entities) {
            for (Map.Entry<String, List<AttributeRecord>> a : f.byAttribute.entrySet()) {
                List<AttributeRecord> list = a.getValue();
                List<AttributeRecord> kept = new ArrayList<>(Math.min(list.size(), keep));
                int start = backward ? Math.max(0, list.size() - keep) : 0;
                int end = backward ? list.size() : Math.min(list.size(), keep);
                for (int i = start; i < end; i++) {
                    AttributeRecord rec = list.get(i);
                    Instant at = t.timeProperty.of(rec);
                    if (cut == null || (backward ? !at.isBefore(cut) : !at.isAfter(cut))) {
                        kept.add(rec);
                        first = first == null || at.isBefore(first) ? at : first;
                        last = last == null || at.isAfter(last) ? at : last;
                    }
                }
                a.setValue(kept);
            }
            f.byAttribute.values().removeIf(List::isEmpty);
        }
        if (!truncated || first == null) {
            return new Page(null);
        }
        String range;
        if (backward) {
            Instant start = t.timerel != null && !t.timerel.equals("after") ? t.to : last;
            range = EntityCodec.formatInstant(start) + "-" + EntityCodec.formatInstant(first) + "/" + t.lastN;
        } else {
            Instant start = "after".equals(t.timerel) || "between".equals(t.timerel) ? timeAtOf(t) : first;
            range = EntityCodec.formatInstant(start) + "-" + EntityCodec.formatInstant(last) + "/*";
        }
        return new Page("date-time " + range);
    }

    /** The timeAt of an after/between window (the window starts 1 ns after it for after). */
    private static Instant timeAtOf(Temporal t) {
        return "after".equals(t.timerel) ? t.from.minusNanos(1) : t.from;
    }

    private Map<String, Object> render(Found f, Temporal t, LdContext ctx) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("id", f.id.value());
        body.put("type", ctx.compactIri(f.type == null ? "" : f.type));
        RenderOptions normalized =
                new RenderOptions(RenderOptions.Format.NORMALIZED, t.options.contains("sysattrs"), null, false);
        for (Map.Entry<String, List<AttributeRecord>> a : f.byAttribute.entrySet()) {
            List<AttributeRecord> records = a.getValue();
            String name = ctx.compactIri(a.getKey());
            if (t.aggregated()) {
                body.put(name, aggregated(records, t.samples.remove(a.getKey()), t));
            } else if (t.options.contains("temporalvalues")) {
                body.put(name, simplified(records, t));
            } else {
                List<Object> instances = new ArrayList<>(records.size());
                for (AttributeRecord rec : records) {
                    Object rendered = codec.renderAttribute(List.of(rec.instance()), normalized, ctx);
                    if (rendered instanceof Map<?, ?> m) {
                        LinkedHashMap<Object, Object> withId = new LinkedHashMap<>(m);
                        withId.put("instanceId", rec.instanceId());
                        rendered = withId;
                    }
                    instances.add(rendered);
                }
                body.put(name, instances);
            }
        }
        return body;
    }

    private static Map<String, Object> simplified(List<AttributeRecord> records, Temporal t) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", records.get(0).instance().kind().typeName());
        List<Object> values = new ArrayList<>(records.size());
        for (AttributeRecord rec : records) {
            values.add(List.of(
                    rec.instance().value() instanceof GeoValue g
                            ? g.geoJson()
                            : rec.instance().value(),
                    EntityCodec.formatInstant(t.timeProperty.of(rec))));
        }
        m.put("values", values);
        return m;
    }

    private static Map<String, Object> aggregated(
            List<AttributeRecord> records, @Nullable List<TimeBuckets.Sample> scanned, Temporal t) {
        List<TimeBuckets.Sample> samples = scanned;
        if (samples == null) {
            samples = new ArrayList<>(records.size());
            for (AttributeRecord rec : records) {
                samples.add(new TimeBuckets.Sample(
                        t.timeProperty.of(rec), rec.instance().value()));
            }
            samples.sort(Comparator.comparing(TimeBuckets.Sample::at));
        }
        Instant from = t.from.equals(IsoTimes.MIN) ? samples.get(0).at() : t.from;
        Instant to =
                t.to.equals(IsoTimes.MAX) ? samples.get(samples.size() - 1).at().plusNanos(1) : t.to;
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", records.get(0).instance().kind().typeName());
        Map<AggregationMethod, List<Object>> lists = new LinkedHashMap<>();
        for (AggregationMethod method : t.methods) {
            List<Object> list = new ArrayList<>();
            lists.put(method, list);
            m.put(method.ngsiName(), list);
        }
        for (TimeBuckets.Bucket b : TimeBuckets.aggregate(samples, from, to, t.period, t.methods)) {
            for (AggregationMethod method : t.methods) {
                Object v = b.values().get(method);
                if (v != null) {
                    lists.get(method)
                            .add(List.of(v, EntityCodec.formatInstant(b.start()), EntityCodec.formatInstant(b.end())));
                }
            }
        }
        return m;
    }

    // ================================================================== writes

    /** POST /temporal/entities: creates a temporal entity (201) or appends to an existing one (204). */
    void create(ApiRequest r) {
        Map<String, Object> body = r.bodyObject();
        LdContext ctx = r.ldContext();
        Object idJson = body.get("id");
        if (!(idJson instanceof String ids) || !EntityId.isValid(ids)) {
            throw TwinException.badData("entity.id-invalid", "A temporal entity needs an id that is a URI");
        }
        EntityId id = EntityId.of(ids);
        List<String> types = codec.parseTypes(body.get("type"), ctx);
        boolean exists = !history.series(r.tenant, id).isEmpty()
                || twin.find(r.tenant, id).isPresent();
        List<AttributeRecord> records = records(r.tenant, id, types.get(0), body, ctx, true);
        join(history.append(records));
        if (exists) {
            r.ctx.status(204);
        } else {
            r.ctx.header("Location", TEMPORAL + id.value());
            r.ctx.status(201);
        }
    }

    /** POST /temporal/entities/{id}/attrs: appends instances to an existing temporal entity. */
    void appendAttrs(ApiRequest r) {
        EntityId id = pathId(r);
        Map<String, Object> body = r.bodyObject();
        LdContext ctx = r.ldContext();
        String type = twin.find(r.tenant, id).map(e -> e.types().get(0)).orElse(null);
        if (type == null) {
            type = historyType(r.tenant, id);
        }
        if (type == null) {
            throw TwinException.notFound("entity.not-found", "Entity " + id + " has no history and does not exist");
        }
        List<AttributeRecord> records = records(r.tenant, id, type, body, ctx, false);
        if (records.isEmpty()) {
            throw TwinException.badData("attribute.none", "The request body holds no attributes");
        }
        join(history.append(records));
        r.ctx.status(204);
    }

    /** PATCH /temporal/entities/{id}/attrs/{attrId}/{instanceId}: replaces one instance (keeping its instanceId). */
    void patchInstance(ApiRequest r) {
        EntityId id = pathId(r);
        LdContext ctx = r.ldContext();
        String attr = ctx.expandTerm(r.ctx.pathParam("attrId"));
        String instanceId = instanceIdParam(r);
        Map<String, Object> body = r.bodyObject();
        AttributeRecord old = history.findInstance(r.tenant, id, attr, instanceId)
                .orElseThrow(() -> TwinException.notFound(
                        "temporal.instance-not-found", "No instance " + instanceId + " of " + attr + " of " + id));
        Map<String, Object> fragment = new LinkedHashMap<>(body);
        fragment.remove("instanceId");
        fragment.remove("datasetId");
        Attribute parsed = parseInstance(attr, fragment, ctx, old.instance());
        Instant now = clock.instant();
        Attribute merged = new Attribute(
                        parsed.kind(),
                        parsed.value(),
                        old.instance().datasetId(),
                        parsed.observedAt() != null
                                ? parsed.observedAt()
                                : old.instance().observedAt(),
                        parsed.unitCode() != null
                                ? parsed.unitCode()
                                : old.instance().unitCode(),
                        mergedSubs(old.instance(), parsed),
                        null,
                        null)
                .stamped(old.instance(), now);
        Instant axis = merged.observedAt() != null ? merged.observedAt() : old.observedAt();
        AttributeRecord replacement = new AttributeRecord(old.key(), old.entityType(), axis, now, merged, instanceId);
        if (!history.replaceInstance(r.tenant, id, attr, instanceId, replacement)) {
            throw TwinException.notFound(
                    "temporal.instance-not-found", "No instance " + instanceId + " of " + attr + " of " + id);
        }
        r.ctx.status(204);
    }

    /** DELETE /temporal/entities/{id}. */
    void delete(ApiRequest r) {
        EntityId id = pathId(r);
        if (history.deleteEntity(r.tenant, id) == 0) {
            throw TwinException.notFound("entity.not-found", "Entity " + id + " has no history");
        }
        r.ctx.status(204);
    }

    /** DELETE /temporal/entities/{id}/attrs/{attrId} with datasetId or deleteAll. */
    void deleteAttr(ApiRequest r) {
        EntityId id = pathId(r);
        LdContext ctx = r.ldContext();
        String attr = ctx.expandTerm(r.ctx.pathParam("attrId"));
        boolean deleteAll = r.boolParam("deleteAll");
        String datasetId = r.param("datasetId");
        if (deleteAll && datasetId != null) {
            throw TwinException.badData("attribute.delete-ambiguous", "Give either datasetId or deleteAll=true");
        }
        if (datasetId != null && !EntityId.isValid(datasetId)) {
            throw TwinException.badData("attribute.dataset-id-invalid", "datasetId must be a URI: " + datasetId);
        }
        long deleted = 0;
        for (SeriesKey k : history.series(r.tenant, id)) {
            if (k.attribute().equals(attr) && (deleteAll || java.util.Objects.equals(k.datasetId(), datasetId))) {
                deleted += history.deleteSeries(k);
            }
        }
        if (deleted == 0) {
            throw TwinException.notFound(
                    "attribute.not-found", "Entity " + id + " has no history of " + ctx.compactIri(attr));
        }
        r.ctx.status(204);
    }

    /** DELETE /temporal/entities/{id}/attrs/{attrId}/{instanceId}. */
    void deleteInstance(ApiRequest r) {
        EntityId id = pathId(r);
        String attr = r.ldContext().expandTerm(r.ctx.pathParam("attrId"));
        String instanceId = instanceIdParam(r);
        if (!history.deleteInstance(r.tenant, id, attr, instanceId)) {
            throw TwinException.notFound(
                    "temporal.instance-not-found", "No instance " + instanceId + " of " + attr + " of " + id);
        }
        r.ctx.status(204);
    }

    /** The records of a temporal entity fragment: each attribute one instance or an array of instances. */
    private List<AttributeRecord> records(
            TenantId tenant, EntityId id, String type, Map<String, Object> body, LdContext ctx, boolean entity) {
        Instant now = clock.instant();
        List<AttributeRecord> records = new ArrayList<>();
        Set<String> usedIds = new HashSet<>();
        for (Map.Entry<String, Object> e : body.entrySet()) {
            String name = e.getKey();
            if (Set.of("id", "type", "@context", "scope", "createdAt", "modifiedAt", "deletedAt")
                    .contains(name)) {
                if (!entity && name.equals("id")) {
                    throw TwinException.badData("attribute.name-reserved", "id is not an attribute");
                }
                continue;
            }
            EntityCodec.checkName(name);
            String expanded = ctx.expandTerm(name);
            List<?> instances = e.getValue() instanceof List<?> l ? l : List.of(e.getValue());
            if (instances.isEmpty()) {
                throw TwinException.badData("attribute.empty", "Attribute " + name + " has no instances");
            }
            for (Object o : instances) {
                if (!(o instanceof Map<?, ?> m)) {
                    throw TwinException.badData(
                            "attribute.instance-invalid", "Each instance of " + name + " must be an attribute object");
                }
                @SuppressWarnings("unchecked")
                Map<String, Object> json = new LinkedHashMap<>((Map<String, Object>) m);
                Object given = json.remove("instanceId");
                if (given != null && (!(given instanceof String s) || !EntityId.isValid(s))) {
                    throw TwinException.badData("temporal.instance-id", "instanceId must be a URI: " + given);
                }
                Attribute a = parseInstance(expanded, json, ctx, null).stamped(null, now);
                SeriesKey key = new SeriesKey(tenant, id, expanded, a.datasetId());
                AttributeRecord rec = AttributeRecord.of(key, type, now, a);
                String instanceId = given != null ? (String) given : rec.instanceId();
                if (!usedIds.add(key + " " + instanceId)) {
                    if (given != null) {
                        throw TwinException.badData(
                                "temporal.instance-id-duplicate", "instanceId " + given + " is given twice");
                    }
                    instanceId = randomInstanceId();
                    usedIds.add(key + " " + instanceId);
                }
                records.add(rec.withInstanceId(instanceId));
            }
        }
        return records;
    }

    private Attribute parseInstance(
            String expanded, Map<String, Object> json, LdContext ctx, @Nullable Attribute previous) {
        if (previous != null && !json.containsKey("type")) {
            json.put("type", previous.kind().typeName());
        }
        List<Attribute> parsed = codec.parseAttribute(expanded, json, ctx);
        if (parsed.size() != 1) {
            throw TwinException.badData("attribute.instance-invalid", "An instance must be one attribute object");
        }
        return parsed.get(0);
    }

    private static Map<String, Attribute> mergedSubs(Attribute old, Attribute fragment) {
        LinkedHashMap<String, Attribute> subs = new LinkedHashMap<>(old.subAttributes());
        subs.putAll(fragment.subAttributes());
        return subs;
    }

    private static String randomInstanceId() {
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        long hi = (rnd.nextLong() & ~0xF000L) | 0x4000L; // version 4
        long lo = (rnd.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L; // IETF variant
        return "urn:ngsi-ld:instance:" + new UUID(hi, lo);
    }

    private static void join(java.util.concurrent.CompletableFuture<Void> f) {
        try {
            f.join();
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof TwinException te) {
                throw te;
            }
            throw e;
        }
    }

    // ================================================================== helpers

    private @Nullable String historyType(TenantId tenant, EntityId id) {
        Set<SeriesKey> keys = history.series(tenant, id);
        for (SeriesKey k : keys) {
            List<AttributeRecord> last = history.read(k, IsoTimes.MIN, IsoTimes.MAX, 1);
            if (!last.isEmpty()) {
                return last.get(0).entityType();
            }
        }
        return null;
    }

    private static EntityId pathId(ApiRequest r) {
        String raw = r.ctx.pathParam("id");
        if (!EntityId.isValid(raw)) {
            throw TwinException.badData("entity.id-invalid", "Entity id in the URL is not a valid URI: '" + raw + "'");
        }
        return EntityId.of(raw);
    }

    private static String instanceIdParam(ApiRequest r) {
        String raw = r.ctx.pathParam("instanceId");
        if (!EntityId.isValid(raw)) {
            throw TwinException.badData("temporal.instance-id", "instanceId in the URL is not a URI: '" + raw + "'");
        }
        return raw;
    }

    private @Nullable Pattern idPattern(@Nullable String idPattern) {
        if (idPattern == null) {
            return null;
        }
        if (idPattern.length() > limits.maxQueryLength()) {
            throw TwinException.badData("query.too-long", "idPattern is longer than " + limits.maxQueryLength());
        }
        try {
            return Pattern.compile(idPattern);
        } catch (PatternSyntaxException e) {
            throw TwinException.badData("query.id-pattern", "Invalid idPattern: " + e.getDescription());
        }
    }

    private @Nullable Query q(@Nullable String q, LdContext ctx) {
        if (q == null) {
            return null;
        }
        if (q.length() > limits.maxQueryLength()) {
            throw TwinException.badData("q.too-long", "q is longer than " + limits.maxQueryLength() + " characters");
        }
        return QueryParser.parse(q).mapNames(ctx::expandTerm);
    }

    private static @Nullable GeoQuery geo(ApiRequest r, LdContext ctx) {
        String georel = r.param("georel");
        String geometry = r.param("geometry");
        String coordinates = r.param("coordinates");
        String geoproperty = r.param("geoproperty");
        if (georel == null && geometry == null && coordinates == null) {
            return null;
        }
        if (georel == null || geometry == null || coordinates == null) {
            throw TwinException.badData(
                    "geo.incomplete", "A geo-query needs georel, geometry and coordinates together");
        }
        return GeoQuery.parse(georel, geometry, coordinates, geoproperty)
                .withGeoproperty(ctx.expandTerm(geoproperty == null ? "location" : geoproperty));
    }

    /** The [from, to) window of a timerel. */
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
