package io.citytwin.ngsild;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.citytwin.twin.Attribute;
import io.citytwin.twin.AttributeKind;
import io.citytwin.twin.Entity;
import io.citytwin.twin.EntityId;
import io.citytwin.twin.GeoValue;
import io.citytwin.twin.Json;
import io.citytwin.twin.Ngsi;
import io.citytwin.twin.TwinException;
import java.io.IOException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Converts between NGSI-LD JSON (as Jackson's plain {@code Map}/{@code List}/primitive tree) and the core {@link
 * Entity}/{@link Attribute} values, with names expanded and compacted through an {@link LdContext}.
 *
 * <p>Input accepts the normalized form and the concise form (ETSI GS CIM 009 v1.8 clause 4.5 and 4.5.x "concise
 * representation"): attribute kinds are taken from {@code type} when present, else inferred from the value member
 * ({@code value} = Property, or GeoProperty for a GeoJSON geometry; {@code object} = Relationship; {@code
 * languageMap}, {@code vocab}, {@code json}, {@code valueList}, {@code objectList}), and a bare JSON value is a
 * Property. An array of attribute objects is a multi-attribute (clause 4.5.5). Every client error is a {@link
 * TwinException} of type BadRequestData with a stable code.
 *
 * <p>Output renders normalized, concise or keyValues (clause 4.5.4 simplified) maps that Jackson writes directly
 * (insertion-ordered, JSON null as Java null), and GeoJSON Features (clause 4.5.16).
 *
 * <p>Thread-safe and stateless apart from its Jackson {@link ObjectMapper}.
 */
public final class EntityCodec {
    /** How deep sub-attributes may nest. */
    static final int MAX_ATTRIBUTE_DEPTH = 16;

    private static final DateTimeFormatter INSTANT_MILLIS =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
    private static final Set<String> GEOMETRY_TYPES = Set.of(
            "Point", "LineString", "Polygon", "MultiPoint", "MultiLineString", "MultiPolygon", "GeometryCollection");
    /** Members of an attribute that are not sub-attributes. */
    private static final Set<String> ATTRIBUTE_MEMBERS = Set.of(
            "type",
            "value",
            "object",
            "languageMap",
            "vocab",
            "json",
            "valueList",
            "objectList",
            "observedAt",
            "unitCode",
            "datasetId",
            "createdAt",
            "modifiedAt",
            "deletedAt",
            "lang",
            "objectType",
            "instanceId",
            "@context");
    /** Entity members that are not attributes. */
    private static final Set<String> ENTITY_MEMBERS =
            Set.of("id", "type", "@context", "scope", "createdAt", "modifiedAt", "deletedAt");

    private static final AttributeKind[] KINDS = AttributeKind.values();

    private final Function<Object, GeoValue> geoParser;
    private final ObjectMapper mapper;

    /**
     * @param geoParser parses a GeoJSON geometry (as plain JSON) into a {@link GeoValue}, throwing TwinException on
     *     invalid input; in production {@code io.citytwin.twin.geo.GeoJson::parse}
     */
    public EntityCodec(Function<Object, GeoValue> geoParser) {
        this.geoParser = Objects.requireNonNull(geoParser);
        this.mapper = new ObjectMapper()
                .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    }

    /** A codec with the built-in minimal GeoJSON parser (Point, LineString, Polygon, Multi*, collections). */
    public EntityCodec() {
        this(new MinimalGeoParser());
    }

    // ------------------------------------------------------------------------------------------------ input

    /**
     * Parses a JSON request body into plain Java JSON (Map/List/String/Number/Boolean/null).
     *
     * @throws TwinException BadRequestData {@code json.invalid} for malformed JSON, trailing content or duplicate
     *     keys, with the line and column
     */
    public @Nullable Object parseJson(byte[] body) {
        try {
            return mapper.readValue(body, Object.class);
        } catch (JacksonException e) {
            JsonLocation loc = e.getLocation();
            String where = loc == null ? "" : " at line " + loc.getLineNr() + ", column " + loc.getColumnNr();
            throw new TwinException(
                    io.citytwin.twin.ErrorType.BAD_REQUEST_DATA,
                    "json.invalid",
                    "Invalid JSON" + where + ": " + e.getOriginalMessage(),
                    e);
        } catch (IOException e) {
            throw new TwinException(
                    io.citytwin.twin.ErrorType.BAD_REQUEST_DATA, "json.invalid", "Unreadable JSON body", e);
        }
    }

    /**
     * Parses an NGSI-LD entity (normalized or concise). {@code @context}, {@code scope} and the system attributes
     * {@code createdAt}/{@code modifiedAt} are ignored; every other member besides {@code id} and {@code type} is an
     * attribute, its name expanded with {@code ctx}.
     *
     * @throws TwinException BadRequestData for any invalid content (codes {@code entity.*}, {@code attribute.*},
     *     {@code geo.invalid}, {@code json.unsupported})
     */
    public Entity parseEntity(Map<String, Object> body, LdContext ctx) {
        Object id = body.get("id");
        if (id == null) {
            id = body.get("@id");
        }
        if (id == null) {
            throw TwinException.badData("entity.id-missing", "Entity has no id");
        }
        if (!(id instanceof String ids) || !EntityId.isValid(ids)) {
            throw TwinException.badData("entity.id-invalid", "Entity id is not a valid URI: " + id);
        }
        Object typeJson = body.containsKey("type") ? body.get("type") : body.get("@type");
        List<String> types = parseTypes(typeJson, ctx);
        LinkedHashMap<String, List<Attribute>> attrs = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : body.entrySet()) {
            String name = e.getKey();
            if (ENTITY_MEMBERS.contains(name) || name.equals("@id") || name.equals("@type")) {
                continue;
            }
            checkName(name);
            String expanded = ctx.expandTerm(name);
            if (attrs.containsKey(expanded)) {
                throw TwinException.badData(
                        "attribute.duplicate", "Attribute '" + name + "' is given twice (under different names)");
            }
            attrs.put(expanded, parseAttribute(expanded, e.getValue(), ctx, 0));
        }
        return new Entity(EntityId.of(ids), types, attrs, null, null);
    }

    /** Parses and expands the entity {@code type} member: a name or a non-empty array of names. */
    public List<String> parseTypes(@Nullable Object typeJson, LdContext ctx) {
        if (typeJson == null) {
            throw TwinException.badData("entity.type-missing", "Entity has no type");
        }
        if (typeJson instanceof String s) {
            checkTypeName(s);
            return List.of(ctx.expandTerm(s));
        }
        if (typeJson instanceof List<?> l && !l.isEmpty()) {
            ArrayList<String> out = new ArrayList<>(l.size());
            for (Object o : l) {
                if (!(o instanceof String s)) {
                    throw TwinException.badData("entity.type-invalid", "Entity type must be a string: " + o);
                }
                checkTypeName(s);
                String iri = ctx.expandTerm(s);
                if (!out.contains(iri)) {
                    out.add(iri);
                }
            }
            return out;
        }
        throw TwinException.badData(
                "entity.type-invalid", "Entity type must be a string or a non-empty array of strings");
    }

    /**
     * Parses the JSON of one attribute (normalized or concise, one instance or an array of instances) named {@code
     * expandedName}. The returned instances have distinct datasetIds, the default instance first.
     *
     * <p>Callers handling merge-patch must test {@link #isNullValue(Object)} first: {@code urn:ngsi-ld:null} is
     * parsed as an ordinary value here.
     *
     * @throws TwinException BadRequestData for invalid content
     */
    public List<Attribute> parseAttribute(String expandedName, @Nullable Object json, LdContext ctx) {
        return parseAttribute(expandedName, json, ctx, 0);
    }

    private List<Attribute> parseAttribute(String name, @Nullable Object json, LdContext ctx, int depth) {
        if (depth > MAX_ATTRIBUTE_DEPTH) {
            throw TwinException.badData("attribute.too-deep", "Sub-attributes nest deeper than " + MAX_ATTRIBUTE_DEPTH);
        }
        if (json instanceof List<?> list && isInstanceArray(list)) {
            ArrayList<Attribute> out = new ArrayList<>(list.size());
            HashSet<@Nullable String> datasets = new HashSet<>();
            for (Object o : list) {
                Attribute a = parseInstance(name, o, ctx, depth);
                if (!datasets.add(a.datasetId())) {
                    throw TwinException.badData(
                            "attribute.dataset-duplicate",
                            "Attribute " + ctx.compactIri(name) + " has two instances with datasetId "
                                    + (a.datasetId() == null ? "(default)" : a.datasetId()));
                }
                if (a.datasetId() == null) {
                    out.add(0, a);
                } else {
                    out.add(a);
                }
            }
            return out;
        }
        return List.of(parseInstance(name, json, ctx, depth));
    }

    /** An array is a multi-attribute when it is non-empty and every element is an attribute object. */
    private static boolean isInstanceArray(List<?> list) {
        if (list.isEmpty()) {
            return false;
        }
        for (Object o : list) {
            if (!(o instanceof Map<?, ?> m) || !looksLikeAttribute(m)) {
                return false;
            }
        }
        return true;
    }

    private static boolean looksLikeAttribute(Map<?, ?> m) {
        if (m.get("type") instanceof String t && AttributeKind.ofTypeName(t).isPresent()) {
            return true;
        }
        for (AttributeKind k : KINDS) {
            if (m.containsKey(k.valueMember())) {
                return true;
            }
        }
        return false;
    }

    private Attribute parseInstance(String name, @Nullable Object json, LdContext ctx, int depth) {
        if (!(json instanceof Map<?, ?> m)) {
            if (json == null) {
                throw TwinException.badData("attribute.value-null", "Attribute " + ctx.compactIri(name) + " is null");
            }
            // Concise form: a bare value is a Property.
            return new Attribute(AttributeKind.PROPERTY, Json.freeze(json), null, null, null, Map.of(), null, null);
        }
        AttributeKind kind = kindOf(name, m, ctx);
        String member = kind.valueMember();
        if (!m.containsKey(member)) {
            throw TwinException.badData(
                    "attribute.value-missing",
                    "Attribute " + ctx.compactIri(name) + " of type " + kind.typeName() + " has no '" + member + "'");
        }
        for (AttributeKind other : KINDS) {
            String om = other.valueMember();
            if (!om.equals(member) && m.containsKey(om)) {
                throw TwinException.badData(
                        "attribute.member-conflict",
                        "Attribute " + ctx.compactIri(name) + " of type " + kind.typeName() + " cannot have '" + om
                                + "'");
            }
        }
        Object value = parseValue(name, kind, m.get(member), ctx);
        String datasetId = null;
        Instant observedAt = null;
        String unitCode = null;
        LinkedHashMap<String, Attribute> subs = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : m.entrySet()) {
            String key = String.valueOf(e.getKey());
            Object v = e.getValue();
            switch (key) {
                case "observedAt" -> observedAt = parseDateTime(name, v, ctx);
                case "unitCode" -> {
                    if (!(v instanceof String s) || s.isEmpty()) {
                        throw TwinException.badData(
                                "attribute.unit-code-invalid",
                                "unitCode of " + ctx.compactIri(name) + " must be a non-empty string");
                    }
                    unitCode = s;
                }
                case "datasetId" -> {
                    if (!(v instanceof String s) || !EntityId.isValid(s)) {
                        throw TwinException.badData(
                                "attribute.dataset-id-invalid",
                                "datasetId of " + ctx.compactIri(name) + " must be a URI: " + v);
                    }
                    datasetId = s;
                }
                default -> {
                    if (!ATTRIBUTE_MEMBERS.contains(key)) {
                        checkName(key);
                        String subName = ctx.expandTerm(key);
                        List<Attribute> sub = parseAttribute(subName, v, ctx, depth + 1);
                        if (sub.size() != 1 || subs.containsKey(subName)) {
                            throw TwinException.badData(
                                    "attribute.sub-multi",
                                    "Sub-attribute " + key + " of " + ctx.compactIri(name) + " must have one instance");
                        }
                        subs.put(subName, sub.get(0));
                    }
                }
            }
        }
        return new Attribute(kind, value, datasetId, observedAt, unitCode, subs, null, null);
    }

    private AttributeKind kindOf(String name, Map<?, ?> m, LdContext ctx) {
        Object type = m.get("type");
        if (type != null) {
            if (!(type instanceof String t)) {
                throw TwinException.badData(
                        "attribute.type-invalid", "type of attribute " + ctx.compactIri(name) + " must be a string");
            }
            AttributeKind k = AttributeKind.ofTypeName(t)
                    .or(() -> AttributeKind.ofTypeName(ctx.expandTerm(t)))
                    .orElse(null);
            if (k == null) {
                throw TwinException.badData(
                        "attribute.type-invalid",
                        "Unknown attribute type '" + t + "' of " + ctx.compactIri(name)
                                + " (Property, Relationship, GeoProperty, LanguageProperty, VocabProperty,"
                                + " JsonProperty, ListProperty or ListRelationship)");
            }
            return k;
        }
        // Concise form: the value member says the kind.
        AttributeKind found = null;
        for (AttributeKind k : KINDS) {
            if (k != AttributeKind.GEO_PROPERTY && m.containsKey(k.valueMember())) {
                if (found != null) {
                    throw TwinException.badData(
                            "attribute.ambiguous",
                            "Attribute " + ctx.compactIri(name) + " has both '" + found.valueMember() + "' and '"
                                    + k.valueMember() + "'");
                }
                found = k;
            }
        }
        if (found == null) {
            throw TwinException.badData(
                    "attribute.value-missing",
                    "Attribute " + ctx.compactIri(name) + " has no type and no value member (value, object, ...)");
        }
        if (found == AttributeKind.PROPERTY && isGeometry(m.get("value"))) {
            return AttributeKind.GEO_PROPERTY;
        }
        return found;
    }

    private Object parseValue(String name, AttributeKind kind, @Nullable Object v, LdContext ctx) {
        return switch (kind) {
            case PROPERTY -> {
                if (v == null) {
                    throw TwinException.badData(
                            "attribute.value-null", "The value of Property " + ctx.compactIri(name) + " is null");
                }
                yield Json.freeze(v);
            }
            case JSON_PROPERTY -> Json.freeze(v);
            case GEO_PROPERTY -> {
                if (v == null) {
                    throw TwinException.badData(
                            "attribute.value-null", "The value of GeoProperty " + ctx.compactIri(name) + " is null");
                }
                yield geoParser.apply(v);
            }
            case RELATIONSHIP -> {
                if (v instanceof String s && EntityId.isValid(s)) {
                    yield s;
                }
                if (v instanceof List<?> l && !l.isEmpty()) {
                    yield uriList(name, l, ctx, false);
                }
                throw TwinException.badData(
                        "attribute.object-invalid",
                        "object of Relationship " + ctx.compactIri(name) + " must be a URI or an array of URIs");
            }
            case LIST_RELATIONSHIP -> {
                Object list = unwrapList(v);
                if (!(list instanceof List<?> l)) {
                    throw TwinException.badData(
                            "attribute.object-invalid",
                            "objectList of " + ctx.compactIri(name) + " must be an array of URIs");
                }
                yield uriList(name, l, ctx, true);
            }
            case LIST_PROPERTY -> {
                Object list = unwrapList(v);
                if (!(list instanceof List<?> l)) {
                    throw TwinException.badData(
                            "attribute.value-list-invalid",
                            "valueList of " + ctx.compactIri(name) + " must be an array");
                }
                yield Json.freeze(l);
            }
            case VOCAB_PROPERTY -> {
                if (v instanceof String s && !s.isEmpty()) {
                    yield ctx.expandVocabValue(s);
                }
                if (v instanceof List<?> l && !l.isEmpty()) {
                    ArrayList<String> out = new ArrayList<>(l.size());
                    for (Object o : l) {
                        if (!(o instanceof String s) || s.isEmpty()) {
                            throw vocabInvalid(name, ctx);
                        }
                        out.add(ctx.expandVocabValue(s));
                    }
                    yield List.copyOf(out);
                }
                throw vocabInvalid(name, ctx);
            }
            case LANGUAGE_PROPERTY -> {
                if (!(v instanceof Map<?, ?> map) || map.isEmpty()) {
                    throw languageInvalid(name, ctx);
                }
                for (Map.Entry<?, ?> e : map.entrySet()) {
                    Object s = e.getValue();
                    boolean ok = s instanceof String;
                    if (s instanceof List<?> l) {
                        ok = !l.isEmpty();
                        for (Object o : l) {
                            ok &= o instanceof String;
                        }
                    }
                    if (!ok || String.valueOf(e.getKey()).isEmpty()) {
                        throw languageInvalid(name, ctx);
                    }
                }
                yield Json.freeze(map);
            }
        };
    }

    private static @Nullable Object unwrapList(@Nullable Object v) {
        if (v instanceof Map<?, ?> m && m.size() == 1 && m.containsKey("@list")) {
            return m.get("@list");
        }
        return v;
    }

    private static List<String> uriList(String name, List<?> l, LdContext ctx, boolean allowObjects) {
        ArrayList<String> out = new ArrayList<>(l.size());
        for (Object o : l) {
            Object u = o;
            if (allowObjects && o instanceof Map<?, ?> m && m.containsKey("object")) {
                u = m.get("object");
            }
            if (!(u instanceof String s) || !EntityId.isValid(s)) {
                throw TwinException.badData(
                        "attribute.object-invalid",
                        "Relationship " + ctx.compactIri(name) + " targets a non-URI: " + o);
            }
            out.add(s);
        }
        return List.copyOf(out);
    }

    private static TwinException vocabInvalid(String name, LdContext ctx) {
        return TwinException.badData(
                "attribute.vocab-invalid",
                "vocab of " + ctx.compactIri(name) + " must be a non-empty string or array of strings");
    }

    private static TwinException languageInvalid(String name, LdContext ctx) {
        return TwinException.badData(
                "attribute.language-map-invalid",
                "languageMap of " + ctx.compactIri(name) + " must map language tags to strings or arrays of strings");
    }

    private static Instant parseDateTime(String name, @Nullable Object v, LdContext ctx) {
        if (v instanceof String s) {
            try {
                return OffsetDateTime.parse(s).toInstant();
            } catch (DateTimeParseException e) {
                // fall through to the error below
            }
        }
        throw TwinException.badData(
                "attribute.observed-at-invalid",
                "observedAt of " + ctx.compactIri(name) + " must be an ISO 8601 date-time with offset: " + v);
    }

    /** Whether {@code v} is a GeoJSON geometry object (by its {@code type} and coordinates/geometries members). */
    static boolean isGeometry(@Nullable Object v) {
        return v instanceof Map<?, ?> m
                && m.get("type") instanceof String t
                && GEOMETRY_TYPES.contains(t)
                && (m.containsKey("coordinates") || m.containsKey("geometries"));
    }

    /**
     * Validates an attribute name before expansion: not empty, no whitespace, control characters or any of {@code
     * <>"'=;()}.
     *
     * @throws TwinException BadRequestData {@code attribute.name-invalid}
     */
    public static void checkName(String name) {
        if (!isValidName(name)) {
            throw TwinException.badData("attribute.name-invalid", "Invalid attribute name: '" + name + "'");
        }
    }

    private static void checkTypeName(String name) {
        if (!isValidName(name)) {
            throw TwinException.badData("entity.type-invalid", "Invalid entity type: '" + name + "'");
        }
    }

    static boolean isValidName(String name) {
        if (name.isEmpty()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c <= ' ' || c == 0x7f || (c >= 0x80 && c <= 0x9f) || Character.isWhitespace(c)) {
                return false;
            }
            switch (c) {
                case '<', '>', '"', '\'', '=', ';', '(', ')' -> {
                    return false;
                }
                default -> {}
            }
        }
        return true;
    }

    /**
     * Whether attribute JSON is the NGSI-LD null marker {@code urn:ngsi-ld:null} (merge-patch deletion, clause
     * 5.6.17 v1.8): the bare string, or an attribute object whose value member holds it (also as the only entry of a
     * languageMap, or the {@code @none} entry).
     */
    public boolean isNullValue(@Nullable Object json) {
        if (Ngsi.NULL_URN.equals(json)) {
            return true;
        }
        if (json instanceof List<?> l && l.size() == 1) {
            return isNullValue(l.get(0));
        }
        if (!(json instanceof Map<?, ?> m)) {
            return false;
        }
        for (AttributeKind k : KINDS) {
            Object v = m.get(k.valueMember());
            if (v == null) {
                continue;
            }
            if (Ngsi.NULL_URN.equals(v)
                    || (v instanceof List<?> l && l.size() == 1 && Ngsi.NULL_URN.equals(l.get(0)))) {
                return true;
            }
            if (k == AttributeKind.LANGUAGE_PROPERTY
                    && v instanceof Map<?, ?> lm
                    && (Ngsi.NULL_URN.equals(lm.get("@none"))
                            || (lm.size() == 1
                                    && Ngsi.NULL_URN.equals(
                                            lm.values().iterator().next())))) {
                return true;
            }
        }
        return false;
    }

    // ----------------------------------------------------------------------------------------------- output

    /**
     * Renders an entity: {@code @context} (if asked), {@code id}, {@code type} (a string for one type, else an
     * array), the system attributes (if asked), then the attributes in entity order, names compacted with {@code
     * ctx}. The map is insertion-ordered and holds JSON null as Java null.
     */
    public Map<String, Object> render(Entity e, RenderOptions opts, LdContext ctx) {
        LinkedHashMap<String, Object> out =
                LinkedHashMap.newLinkedHashMap(e.attributes().size() + 5);
        if (opts.includeContext()) {
            out.put("@context", ctx.contextValue());
        }
        out.put("id", e.id().value());
        out.put("type", renderTypes(e.types(), ctx));
        if (opts.sysAttrs()) {
            putTime(out, "createdAt", e.createdAt());
            putTime(out, "modifiedAt", e.modifiedAt());
        }
        for (Map.Entry<String, List<Attribute>> a : e.attributes().entrySet()) {
            out.put(ctx.compactIri(a.getKey()), renderAttribute(a.getValue(), opts, ctx));
        }
        return out;
    }

    /** Compacted entity types: a string for one type, else a list. */
    public Object renderTypes(List<String> types, LdContext ctx) {
        if (types.size() == 1) {
            return ctx.compactIri(types.get(0));
        }
        ArrayList<String> out = new ArrayList<>(types.size());
        for (String t : types) {
            out.add(ctx.compactIri(t));
        }
        return out;
    }

    /**
     * Renders the instances of one attribute (never empty): one instance as an object (or a bare value in concise
     * form), several as an array; in keyValues the value of the default (else first) instance.
     */
    public @Nullable Object renderAttribute(List<Attribute> instances, RenderOptions opts, LdContext ctx) {
        if (instances.isEmpty()) {
            throw new IllegalArgumentException("an attribute has at least one instance");
        }
        if (opts.format() == RenderOptions.Format.KEY_VALUES) {
            Attribute chosen = instances.get(0);
            for (Attribute a : instances) {
                if (a.datasetId() == null) {
                    chosen = a;
                    break;
                }
            }
            return keyValue(chosen, opts, ctx);
        }
        if (instances.size() == 1) {
            return renderInstance(instances.get(0), opts, ctx);
        }
        ArrayList<@Nullable Object> out = new ArrayList<>(instances.size());
        for (Attribute a : instances) {
            out.add(renderInstance(a, opts, ctx));
        }
        return out;
    }

    private @Nullable Object keyValue(Attribute a, RenderOptions opts, LdContext ctx) {
        return switch (a.kind()) {
            case PROPERTY, JSON_PROPERTY, LIST_PROPERTY, RELATIONSHIP, LIST_RELATIONSHIP -> toOutput(a.value());
            case GEO_PROPERTY -> toOutput(((GeoValue) a.value()).geoJson());
            case VOCAB_PROPERTY -> compactVocab(a.value(), ctx);
            case LANGUAGE_PROPERTY -> {
                String lang = opts.lang();
                if (lang == null || lang.equals("*")) {
                    yield toOutput(a.value());
                }
                Map.Entry<?, ?> best = bestLanguage((Map<?, ?>) a.value(), lang);
                yield toOutput(best.getValue());
            }
        };
    }

    private @Nullable Object renderInstance(Attribute a, RenderOptions opts, LdContext ctx) {
        boolean concise = opts.format() == RenderOptions.Format.CONCISE;
        boolean metadata = a.datasetId() != null
                || a.observedAt() != null
                || a.unitCode() != null
                || !a.subAttributes().isEmpty()
                || (opts.sysAttrs() && (a.createdAt() != null || a.modifiedAt() != null));
        String lang = opts.lang();
        boolean langFiltered = a.kind() == AttributeKind.LANGUAGE_PROPERTY && lang != null && !lang.equals("*");
        if (concise && !metadata && !langFiltered && a.kind() == AttributeKind.PROPERTY && isBareSafe(a.value())) {
            return toOutput(a.value());
        }
        LinkedHashMap<String, @Nullable Object> out = new LinkedHashMap<>();
        if (langFiltered) {
            // Clause 4.15: a LanguageProperty asked for in one language is returned as a Property plus "lang".
            Map.Entry<?, ?> best = bestLanguage((Map<?, ?>) a.value(), Objects.requireNonNull(lang));
            if (!concise) {
                out.put("type", AttributeKind.PROPERTY.typeName());
            }
            out.put("value", toOutput(best.getValue()));
            out.put("lang", String.valueOf(best.getKey()));
        } else {
            boolean keepType = !concise || (a.kind() == AttributeKind.PROPERTY && isGeometry(a.value()));
            if (keepType) {
                out.put("type", a.kind().typeName());
            }
            out.put(a.kind().valueMember(), renderValue(a, ctx));
        }
        if (a.observedAt() != null) {
            out.put("observedAt", formatInstant(a.observedAt()));
        }
        if (a.unitCode() != null) {
            out.put("unitCode", a.unitCode());
        }
        if (a.datasetId() != null) {
            out.put("datasetId", a.datasetId());
        }
        if (opts.sysAttrs()) {
            putTime(out, "createdAt", a.createdAt());
            putTime(out, "modifiedAt", a.modifiedAt());
        }
        for (Map.Entry<String, Attribute> s : a.subAttributes().entrySet()) {
            out.put(ctx.compactIri(s.getKey()), renderInstance(s.getValue(), opts, ctx));
        }
        return out;
    }

    private @Nullable Object renderValue(Attribute a, LdContext ctx) {
        return switch (a.kind()) {
            case PROPERTY, JSON_PROPERTY, LIST_PROPERTY, RELATIONSHIP, LANGUAGE_PROPERTY -> toOutput(a.value());
            case GEO_PROPERTY -> toOutput(((GeoValue) a.value()).geoJson());
            case VOCAB_PROPERTY -> compactVocab(a.value(), ctx);
            case LIST_RELATIONSHIP -> {
                List<?> l = (List<?>) a.value();
                ArrayList<Object> out = new ArrayList<>(l.size());
                for (Object o : l) {
                    out.add(Map.of("object", o));
                }
                yield out;
            }
        };
    }

    /** A concise Property may be a bare value only when re-parsing cannot mistake it for an attribute object. */
    private static boolean isBareSafe(Object v) {
        if (v instanceof Map<?, ?>) {
            return false;
        }
        if (v instanceof List<?> l) {
            for (Object o : l) {
                if (o instanceof Map<?, ?>) {
                    return false;
                }
            }
        }
        return !(v instanceof Json.Null);
    }

    private static Object compactVocab(Object v, LdContext ctx) {
        if (v instanceof String s) {
            return ctx.compactVocabValue(s);
        }
        List<?> l = (List<?>) v;
        ArrayList<String> out = new ArrayList<>(l.size());
        for (Object o : l) {
            out.add(ctx.compactVocabValue((String) o));
        }
        return out;
    }

    /**
     * The entry for the best language match (clause 4.15): the first tag of {@code lang} (comma separated, {@code
     * ;q=} weights ignored, in order) present in the map, else {@code @none}, else the first entry.
     */
    private static Map.Entry<?, ?> bestLanguage(Map<?, ?> map, String lang) {
        int start = 0;
        while (start <= lang.length()) {
            int comma = lang.indexOf(',', start);
            int end = comma < 0 ? lang.length() : comma;
            String tag = lang.substring(start, end);
            int semi = tag.indexOf(';');
            if (semi >= 0) {
                tag = tag.substring(0, semi);
            }
            tag = tag.trim();
            if (!tag.isEmpty()) {
                for (Map.Entry<?, ?> e : map.entrySet()) {
                    if (tag.equalsIgnoreCase(String.valueOf(e.getKey()))) {
                        return e;
                    }
                }
            }
            if (comma < 0) {
                break;
            }
            start = comma + 1;
        }
        for (Map.Entry<?, ?> e : map.entrySet()) {
            if ("@none".equals(e.getKey())) {
                return e;
            }
        }
        return map.entrySet().iterator().next();
    }

    // ---------------------------------------------------------------------------------------------- GeoJSON

    /**
     * Renders an entity as a GeoJSON Feature (clause 4.5.16): {@code id}, {@code type: "Feature"}, {@code geometry}
     * (the default instance of {@code geoproperty}, null when absent or not a GeoProperty) and {@code properties}
     * holding the entity type and the attributes rendered per {@code opts}. {@code @context} is added last when
     * {@code opts.includeContext()}.
     *
     * @param geoproperty the GeoProperty to use as geometry, a term or an expanded IRI (usually {@code location})
     */
    public Map<String, Object> renderFeature(Entity e, RenderOptions opts, LdContext ctx, String geoproperty) {
        LinkedHashMap<String, @Nullable Object> feature = feature(e, opts, ctx, ctx.expandTerm(geoproperty));
        if (opts.includeContext()) {
            feature.put("@context", ctx.contextValue());
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> result = (Map<String, Object>) (Map<String, ?>) feature;
        return result;
    }

    /**
     * Renders entities as a GeoJSON FeatureCollection (clause 6.3.15, {@code application/geo+json}), {@code
     * @context} at the collection level when {@code opts.includeContext()}.
     */
    public Map<String, Object> renderFeatureCollection(
            List<Entity> entities, RenderOptions opts, LdContext ctx, String geoproperty) {
        String geo = ctx.expandTerm(geoproperty);
        ArrayList<Object> features = new ArrayList<>(entities.size());
        for (Entity e : entities) {
            features.add(feature(e, opts, ctx, geo));
        }
        LinkedHashMap<String, Object> out = new LinkedHashMap<>();
        out.put("type", "FeatureCollection");
        out.put("features", features);
        if (opts.includeContext()) {
            out.put("@context", ctx.contextValue());
        }
        return out;
    }

    private LinkedHashMap<String, @Nullable Object> feature(
            Entity e, RenderOptions opts, LdContext ctx, String geoIri) {
        RenderOptions inner = opts.withIncludeContext(false);
        Map<String, Object> entity = render(e, inner, ctx);
        LinkedHashMap<String, @Nullable Object> props = new LinkedHashMap<>(entity);
        props.remove("id");
        LinkedHashMap<String, @Nullable Object> feature = new LinkedHashMap<>();
        feature.put("id", e.id().value());
        feature.put("type", "Feature");
        Object geometry = null;
        for (Attribute a : e.instances(geoIri)) {
            if (a.datasetId() == null && a.value() instanceof GeoValue g) {
                geometry = toOutput(g.geoJson());
            }
        }
        feature.put("geometry", geometry);
        feature.put("properties", props);
        return feature;
    }

    // ---------------------------------------------------------------------------------------------- helpers

    private static void putTime(Map<String, @Nullable Object> out, String key, @Nullable Instant t) {
        if (t != null) {
            out.put(key, formatInstant(t));
        }
    }

    /** ISO 8601 UTC with milliseconds, e.g. {@code 2024-05-01T10:00:00.000Z}. */
    public static String formatInstant(Instant t) {
        return INSTANT_MILLIS.format(t);
    }

    /**
     * The frozen JSON model holds {@link Json#NULL}; Jackson must see a Java null. Copies only when a NULL is inside.
     */
    static @Nullable Object toOutput(Object v) {
        if (v instanceof Json.Null) {
            return null;
        }
        if (!containsNull(v)) {
            return v;
        }
        if (v instanceof Map<?, ?> m) {
            LinkedHashMap<Object, @Nullable Object> copy = LinkedHashMap.newLinkedHashMap(m.size());
            for (Map.Entry<?, ?> e : m.entrySet()) {
                copy.put(e.getKey(), toOutput(e.getValue()));
            }
            return copy;
        }
        List<?> l = (List<?>) v;
        ArrayList<@Nullable Object> copy = new ArrayList<>(l.size());
        for (Object o : l) {
            copy.add(toOutput(o));
        }
        return copy;
    }

    private static boolean containsNull(Object v) {
        if (v instanceof Json.Null) {
            return true;
        }
        if (v instanceof Map<?, ?> m) {
            for (Object o : m.values()) {
                if (containsNull(o)) {
                    return true;
                }
            }
        } else if (v instanceof List<?> l) {
            for (Object o : l) {
                if (containsNull(o)) {
                    return true;
                }
            }
        }
        return false;
    }
}
