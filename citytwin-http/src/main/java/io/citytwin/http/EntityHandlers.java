package io.citytwin.http;

import io.citytwin.ngsild.EntityCodec;
import io.citytwin.ngsild.LdContext;
import io.citytwin.ngsild.RenderOptions;
import io.citytwin.twin.Attribute;
import io.citytwin.twin.BatchResult;
import io.citytwin.twin.Entity;
import io.citytwin.twin.EntityId;
import io.citytwin.twin.EntityQuery;
import io.citytwin.twin.ErrorType;
import io.citytwin.twin.Ngsi;
import io.citytwin.twin.QueryResult;
import io.citytwin.twin.Twin;
import io.citytwin.twin.TwinException;
import io.citytwin.twin.TypeSelector;
import io.citytwin.twin.UpdateReport;
import io.citytwin.twin.geo.GeoQuery;
import io.citytwin.twin.query.Query;
import io.citytwin.twin.query.QueryParser;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.jspecify.annotations.Nullable;

/**
 * The entity, attribute and batch operations of the NGSI-LD API (clauses 5.6 and 5.7, bindings 6.4 to 6.7, 6.14 to
 * 6.17 of ETSI GS CIM 009 v1.8).
 */
final class EntityHandlers {
    private static final String ENTITIES = "/ngsi-ld/v1/entities/";

    private final Twin twin;
    private final EntityCodec codec;
    private final Responses out;
    private final ApiLimits limits;

    EntityHandlers(Twin twin, EntityCodec codec, Responses out, ApiLimits limits) {
        this.twin = twin;
        this.codec = codec;
        this.out = out;
        this.limits = limits;
    }

    // ------------------------------------------------------------------ entities

    void create(ApiRequest r) {
        Entity e = codec.parseEntity(r.bodyObject(), r.ldContext());
        twin.create(r.tenant, e);
        r.ctx.header("Location", ENTITIES + e.id().value());
        r.ctx.status(201);
    }

    void retrieve(ApiRequest r) {
        Set<String> options = readOptions(r);
        String media = readMedia(r);
        EntityId id = entityId(r);
        LdContext ctx = r.ldContext();
        Entity e = twin.get(r.tenant, id);
        Projection p = Projection.of(r, ctx);
        RenderOptions ro = renderOptions(r, options, media);
        if (media.equals(MediaTypes.GEO_JSON)) {
            out.json(r, media, codec.renderFeature(p.apply(e), ro, ctx, geometryProperty(r, ctx)), ctx);
        } else {
            out.json(r, media, p.finish(codec.render(p.apply(e), ro, ctx)), ctx);
        }
    }

    void query(ApiRequest r) {
        Set<String> options = readOptions(r);
        String media = readMedia(r);
        LdContext ctx = r.ldContext();
        Paging paging = paging(r);
        EntityQuery q = entityQuery(
                ctx,
                r.listParam("id"),
                r.param("idPattern"),
                r.param("type"),
                r.listParam("attrs"),
                r.param("q"),
                r.param("georel"),
                r.param("geometry"),
                r.param("coordinates"),
                r.param("geoproperty"),
                paging);
        answer(r, twin.query(r.tenant, q), options, media, ctx);
    }

    void replace(ApiRequest r) {
        EntityId id = entityId(r);
        Map<String, Object> body = new LinkedHashMap<>(r.bodyObject());
        Object bodyId = body.get("id");
        if (bodyId != null && !id.value().equals(bodyId)) {
            throw TwinException.badData("entity.id-mismatch", "The id in the body differs from the id in the URL");
        }
        body.put("id", id.value());
        twin.replace(r.tenant, codec.parseEntity(body, r.ldContext()));
        r.ctx.status(204);
    }

    void merge(ApiRequest r) {
        EntityId id = entityId(r);
        Map<String, Object> body = r.bodyObject();
        LdContext ctx = r.ldContext();
        Object bodyId = body.get("id");
        if (bodyId != null && !id.value().equals(bodyId)) {
            throw TwinException.badData("entity.id-mismatch", "The id in the body differs from the id in the URL");
        }
        twin.merge(
                r.tenant,
                id,
                body.get("type") == null ? List.of() : codec.parseTypes(body.get("type"), ctx),
                fragment(body, ctx, true));
        r.ctx.status(204);
    }

    void delete(ApiRequest r) {
        twin.delete(r.tenant, entityId(r));
        r.ctx.status(204);
    }

    // ------------------------------------------------------------------ attributes

    void appendAttrs(ApiRequest r) {
        Set<String> options = r.options();
        r.allowOptions(options, "nooverwrite");
        LdContext ctx = r.ldContext();
        UpdateReport rep = twin.appendAttributes(
                r.tenant, entityId(r), fragment(r.bodyObject(), ctx, false), options.contains("nooverwrite"));
        updateResult(r, rep, ctx);
    }

    void updateAttrs(ApiRequest r) {
        LdContext ctx = r.ldContext();
        UpdateReport rep = twin.updateAttributes(r.tenant, entityId(r), fragment(r.bodyObject(), ctx, false));
        updateResult(r, rep, ctx);
    }

    void patchAttr(ApiRequest r) {
        LdContext ctx = r.ldContext();
        String name = ctx.expandTerm(r.ctx.pathParam("attrId"));
        List<Attribute> instances = codec.parseAttribute(name, r.bodyObject(), ctx);
        for (Attribute a : instances) {
            twin.patchAttribute(r.tenant, entityId(r), name, a);
        }
        r.ctx.status(204);
    }

    void replaceAttr(ApiRequest r) {
        LdContext ctx = r.ldContext();
        String name = ctx.expandTerm(r.ctx.pathParam("attrId"));
        twin.replaceAttribute(r.tenant, entityId(r), name, codec.parseAttribute(name, r.body(), ctx));
        r.ctx.status(204);
    }

    void deleteAttr(ApiRequest r) {
        LdContext ctx = r.ldContext();
        String name = ctx.expandTerm(r.ctx.pathParam("attrId"));
        twin.deleteAttribute(r.tenant, entityId(r), name, r.param("datasetId"), r.boolParam("deleteAll"));
        r.ctx.status(204);
    }

    // ------------------------------------------------------------------ batch

    void batchCreate(ApiRequest r) {
        Parsed p = parseBatch(r);
        BatchResult res = twin.batchCreate(r.tenant, p.entities);
        batchResult(r, res, p.errors, true, res.success());
    }

    void batchUpsert(ApiRequest r) {
        Set<String> options = r.options();
        r.allowOptions(options, "update", "replace");
        if (options.contains("update") && options.contains("replace")) {
            throw TwinException.badData(
                    "param.options-conflict", "options=update and options=replace exclude each other");
        }
        Parsed p = parseBatch(r);
        BatchResult res = twin.batchUpsert(r.tenant, p.entities, options.contains("update"));
        batchResult(r, res, p.errors, !res.created().isEmpty(), res.created());
    }

    void batchUpdate(ApiRequest r) {
        Set<String> options = r.options();
        r.allowOptions(options, "nooverwrite");
        Parsed p = parseBatch(r);
        batchResult(
                r, twin.batchUpdate(r.tenant, p.entities, options.contains("nooverwrite")), p.errors, false, List.of());
    }

    void batchMerge(ApiRequest r) {
        Parsed p = parseBatch(r);
        batchResult(r, twin.batchMerge(r.tenant, p.entities), p.errors, false, List.of());
    }

    void batchDelete(ApiRequest r) {
        List<?> body = r.bodyArray();
        checkBatchSize(body);
        List<EntityId> ids = new ArrayList<>();
        List<BatchResult.BatchError> errors = new ArrayList<>();
        for (Object o : body) {
            if (o instanceof String s && EntityId.isValid(s)) {
                ids.add(EntityId.of(s));
            } else {
                errors.add(new BatchResult.BatchError(
                        String.valueOf(o), TwinException.badData("entity.id-invalid", "Not an entity id: " + o)));
            }
        }
        batchResult(r, twin.batchDelete(r.tenant, ids), errors, false, List.of());
    }

    /** POST /entityOperations/query: a Query object (clause 5.2.23) in the body, paging in the URL. */
    void batchQuery(ApiRequest r) {
        Set<String> options = readOptions(r);
        String media = readMedia(r);
        Map<String, Object> body = r.bodyObject();
        LdContext ctx = r.ldContext();
        if (body.containsKey("type") && !"Query".equals(body.get("type"))) {
            throw TwinException.badData("query.body-type", "The body must be a Query object (\"type\": \"Query\")");
        }
        Paging paging = paging(r);
        List<String> ids = new ArrayList<>();
        String idPattern = null;
        List<String> types = new ArrayList<>();
        if (body.get("entities") instanceof List<?> sel) {
            for (Object o : sel) {
                if (!(o instanceof Map<?, ?> m)) {
                    throw TwinException.badData(
                            "query.entities", "entities must be an array of EntitySelector objects");
                }
                if (m.get("id") instanceof String s) {
                    ids.add(s);
                }
                if (m.get("idPattern") instanceof String s) {
                    idPattern = s;
                }
                if (m.get("type") instanceof String s) {
                    types.add(s);
                }
            }
        }
        String georel = null;
        String geometry = null;
        String coordinates = null;
        String geoproperty = null;
        if (body.get("geoQ") instanceof Map<?, ?> g) {
            georel = g.get("georel") instanceof String s ? s : null;
            geometry = g.get("geometry") instanceof String s ? s : null;
            Object c = g.get("coordinates");
            coordinates =
                    c == null ? null : c instanceof String s ? s : new String(out.bytes(c), StandardCharsets.UTF_8);
            geoproperty = g.get("geoproperty") instanceof String s ? s : null;
        }
        List<String> attrs = new ArrayList<>();
        if (body.get("attrs") instanceof List<?> l) {
            l.forEach(a -> attrs.add(String.valueOf(a)));
        }
        EntityQuery q = entityQuery(
                ctx,
                ids,
                idPattern,
                types.isEmpty() ? null : String.join(",", types),
                attrs,
                body.get("q") instanceof String s ? s : null,
                georel,
                geometry,
                coordinates,
                geoproperty,
                paging);
        answer(r, twin.query(r.tenant, q), options, media, ctx);
    }

    // ------------------------------------------------------------------ helpers

    private record Paging(int offset, int limit, boolean count) {}

    /** {@code offset}, {@code limit} (TooManyResults above the maximum) and {@code count} of a query. */
    private Paging paging(ApiRequest r) {
        boolean count = r.boolParam("count");
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
        return new Paging(r.intParam("offset", 0, 0), limit, count);
    }

    private static Set<String> readOptions(ApiRequest r) {
        Set<String> options = r.options();
        r.allowOptions(options, "keyvalues", "simplified", "concise", "normalized", "sysattrs");
        return options;
    }

    private static String readMedia(ApiRequest r) {
        return MediaTypes.negotiate(r.ctx.header("Accept"), MediaTypes.JSON, MediaTypes.JSON_LD, MediaTypes.GEO_JSON);
    }

    /** Answers a query: the count header when asked for, and the page in the negotiated representation. */
    private void answer(ApiRequest r, QueryResult result, Set<String> options, String media, LdContext ctx) {
        result.count().ifPresent(n -> r.ctx.header("NGSILD-Results-Count", Long.toString(n)));
        out.json(r, media, renderAll(r, result.entities(), renderOptions(r, options, media), ctx, media), ctx);
    }

    private record Parsed(List<Entity> entities, List<BatchResult.BatchError> errors) {}

    private Parsed parseBatch(ApiRequest r) {
        List<?> body = r.bodyArray();
        checkBatchSize(body);
        List<Entity> entities = new ArrayList<>(body.size());
        List<BatchResult.BatchError> errors = new ArrayList<>();
        for (Object o : body) {
            String id = o instanceof Map<?, ?> m && m.get("id") instanceof String s ? s : String.valueOf(o);
            try {
                if (!(o instanceof Map<?, ?> m)) {
                    throw TwinException.badData("json.not-object", "Each batch element must be an entity object");
                }
                @SuppressWarnings("unchecked")
                Map<String, Object> em = (Map<String, Object>) m;
                entities.add(codec.parseEntity(em, r.ldContextOf(em)));
            } catch (TwinException e) {
                if (e.type() == ErrorType.LD_CONTEXT_NOT_AVAILABLE) {
                    throw e;
                }
                errors.add(new BatchResult.BatchError(id, e));
            }
        }
        return new Parsed(entities, errors);
    }

    private void checkBatchSize(List<?> body) {
        if (body.isEmpty()) {
            throw TwinException.badData("batch.empty", "A batch needs at least one element");
        }
        if (body.size() > limits.maxBatch()) {
            throw TwinException.badData(
                    "batch.too-large", "A batch holds at most " + limits.maxBatch() + " elements, got " + body.size());
        }
    }

    /** 201 with ids / 204 when everything succeeded, else 207 with the BatchOperationResult (clause 5.2.16). */
    private void batchResult(
            ApiRequest r,
            BatchResult res,
            List<BatchResult.BatchError> parseErrors,
            boolean created,
            List<EntityId> createdIds) {
        List<BatchResult.BatchError> errors = new ArrayList<>(parseErrors);
        errors.addAll(res.errors());
        if (errors.isEmpty()) {
            if (created) {
                List<String> ids = new ArrayList<>();
                createdIds.forEach(i -> ids.add(i.value()));
                out.plainJson(r, 201, ids);
            } else {
                r.ctx.status(204);
            }
            return;
        }
        List<String> success = new ArrayList<>();
        res.success().forEach(i -> success.add(i.value()));
        List<Map<String, Object>> errs = new ArrayList<>();
        for (BatchResult.BatchError e : errors) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("entityId", e.entityId());
            m.put("error", Problems.of(e.error()));
            errs.add(m);
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("success", success);
        result.put("errors", errs);
        out.plainJson(r, 207, result);
    }

    private void updateResult(ApiRequest r, UpdateReport rep, LdContext ctx) {
        if (rep.complete()) {
            r.ctx.status(204);
            return;
        }
        List<String> updated = new ArrayList<>();
        rep.updated().forEach(a -> updated.add(ctx.compactIri(a)));
        List<Map<String, Object>> notUpdated = new ArrayList<>();
        for (UpdateReport.NotUpdated n : rep.notUpdated()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("attributeName", ctx.compactIri(n.attributeName()));
            if (n.datasetId() != null) {
                m.put("datasetId", n.datasetId());
            }
            m.put("reason", n.reason());
            notUpdated.add(m);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("updated", updated);
        body.put("notUpdated", notUpdated);
        out.plainJson(r, 207, body);
    }

    /**
     * The attributes of a fragment body, by expanded name; id, type and @context are not attributes. With {@code
     * nullDeletes} (merge-patch), an attribute whose value is {@code urn:ngsi-ld:null} becomes the deletion marker
     * the twin's merge understands.
     */
    private Map<String, List<Attribute>> fragment(Map<String, Object> body, LdContext ctx, boolean nullDeletes) {
        Map<String, List<Attribute>> attrs = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : body.entrySet()) {
            String k = e.getKey();
            if (k.equals("id")
                    || k.equals("type")
                    || k.equals("@context")
                    || k.equals("createdAt")
                    || k.equals("modifiedAt")) {
                continue;
            }
            EntityCodec.checkName(k);
            String name = ctx.expandTerm(k);
            if (nullDeletes && codec.isNullValue(e.getValue())) {
                attrs.put(name, List.of(Attribute.property(Ngsi.NULL_URN)));
            } else {
                attrs.put(name, codec.parseAttribute(name, e.getValue(), ctx));
            }
        }
        if (attrs.isEmpty() && !body.containsKey("type")) {
            throw TwinException.badData("attribute.none", "The request body holds no attributes");
        }
        return attrs;
    }

    private EntityQuery entityQuery(
            LdContext ctx,
            List<String> ids,
            @Nullable String idPattern,
            @Nullable String type,
            List<String> attrs,
            @Nullable String q,
            @Nullable String georel,
            @Nullable String geometry,
            @Nullable String coordinates,
            @Nullable String geoproperty,
            Paging paging) {
        List<EntityId> entityIds = new ArrayList<>();
        for (String id : ids) {
            entityIds.add(EntityId.of(id));
        }
        Pattern pattern = null;
        if (idPattern != null) {
            if (idPattern.length() > limits.maxQueryLength()) {
                throw TwinException.badData("query.too-long", "idPattern is longer than " + limits.maxQueryLength());
            }
            try {
                pattern = Pattern.compile(idPattern);
            } catch (PatternSyntaxException e) {
                throw TwinException.badData("query.id-pattern", "Invalid idPattern: " + e.getDescription());
            }
        }
        TypeSelector types = type == null ? null : TypeSelector.parse(type, ctx::expandTerm);
        Set<String> attrNames = new LinkedHashSet<>();
        for (String a : attrs) {
            attrNames.add(ctx.expandTerm(a));
        }
        Query filter = null;
        if (q != null) {
            if (q.length() > limits.maxQueryLength()) {
                throw TwinException.badData(
                        "q.too-long", "q is longer than " + limits.maxQueryLength() + " characters");
            }
            filter = QueryParser.parse(q).mapNames(ctx::expandTerm);
        }
        GeoQuery geo = null;
        if (georel != null || geometry != null || coordinates != null) {
            if (georel == null || geometry == null || coordinates == null) {
                throw TwinException.badData(
                        "geo.incomplete", "A geo-query needs georel, geometry and coordinates together");
            }
            geo = GeoQuery.parse(georel, geometry, coordinates, geoproperty);
            geo = geo.withGeoproperty(ctx.expandTerm(geoproperty == null ? "location" : geoproperty));
        }
        EntityQuery query = new EntityQuery(
                entityIds, pattern, types, attrNames, filter, geo, paging.offset(), paging.limit(), paging.count());
        if (!query.isRestricted()) {
            throw TwinException.badData(
                    "query.unrestricted", "A query needs at least one of id, idPattern, type, attrs, q or a geo-query");
        }
        return query;
    }

    private Object renderAll(ApiRequest r, List<Entity> entities, RenderOptions ro, LdContext ctx, String media) {
        Projection p = Projection.of(r, ctx);
        if (media.equals(MediaTypes.GEO_JSON)) {
            List<Entity> projected = new ArrayList<>(entities.size());
            for (Entity e : entities) {
                projected.add(p.apply(e));
            }
            return codec.renderFeatureCollection(projected, ro, ctx, geometryProperty(r, ctx));
        }
        List<Object> list = new ArrayList<>(entities.size());
        for (Entity e : entities) {
            list.add(p.finish(codec.render(p.apply(e), ro, ctx)));
        }
        return list;
    }

    private static String geometryProperty(ApiRequest r, LdContext ctx) {
        String g = r.param("geometryProperty");
        return g == null ? "location" : g;
    }

    private static RenderOptions renderOptions(ApiRequest r, Set<String> options, String media) {
        String format = r.param("format");
        RenderOptions.Format f = RenderOptions.Format.NORMALIZED;
        if (options.contains("keyvalues") || options.contains("simplified")) {
            f = RenderOptions.Format.KEY_VALUES;
        } else if (options.contains("concise")) {
            f = RenderOptions.Format.CONCISE;
        }
        if (format != null) {
            f = switch (format) {
                case "keyValues", "simplified" -> RenderOptions.Format.KEY_VALUES;
                case "concise" -> RenderOptions.Format.CONCISE;
                case "normalized" -> RenderOptions.Format.NORMALIZED;
                default ->
                    throw TwinException.badData(
                            "param.format", "format must be normalized, concise, keyValues or simplified");
            };
        }
        String lang = r.param("lang");
        // @context is added by Responses for every application/ld+json answer, not by the codec
        return new RenderOptions(f, options.contains("sysattrs"), lang, false);
    }

    private static EntityId entityId(ApiRequest r) {
        String raw = r.ctx.pathParam("id");
        if (!EntityId.isValid(raw)) {
            throw TwinException.badData("entity.id-invalid", "Entity id in the URL is not a valid URI: '" + raw + "'");
        }
        return EntityId.of(raw);
    }
}
