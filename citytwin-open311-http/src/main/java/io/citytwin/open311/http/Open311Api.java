package io.citytwin.open311.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.citytwin.http.ApiServer;
import io.citytwin.open311.FormParser;
import io.citytwin.open311.NewRequest;
import io.citytwin.open311.Open311Exception;
import io.citytwin.open311.RequestForm;
import io.citytwin.open311.RequestQuery;
import io.citytwin.open311.Service;
import io.citytwin.open311.ServiceDefinition;
import io.citytwin.open311.ServiceDesk;
import io.citytwin.open311.ServiceRequest;
import io.citytwin.open311.Submission;
import io.citytwin.open311.TokenLookup;
import io.citytwin.open311.W3cDateTime;
import io.citytwin.twin.ErrorType;
import io.citytwin.twin.TenantId;
import io.citytwin.twin.TwinException;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The HTTP adapter of a {@link ServiceDesk}: the Open311 GeoReport v2 endpoint under {@value #BASE} and the
 * public-opinion feed under {@code /api/v1/opinions}, as an {@link ApiServer.Extension}.
 *
 * <p>GeoReport v2 (wiki.open311.org/GeoReport_v2): {@code discovery}, {@code services}, {@code services/{code}},
 * {@code requests} (GET and POST), {@code requests/{id}} and {@code tokens/{token}}, each as {@code .xml} or {@code
 * .json} (else the {@code format} parameter, else XML, the spec's required format); errors in the spec's format
 * ({@code <errors><error><code>..</code><description>..</description></error></errors>}) with the status the spec
 * lists. POST takes form data (the spec) or a JSON object, and needs one of the configured api keys ({@code api_key}
 * in the body or the query; 403 otherwise). The tenant is the {@code NGSILD-Tenant} header, as on the rest of the
 * API (default tenant without it).
 *
 * <p>The opinion feed is a CityTwin route: JSON in and out, errors as the API's problem details.
 */
public final class Open311Api implements ApiServer.Extension {
    /** Where the GeoReport v2 endpoint lives. */
    public static final String BASE = "/open311/v2";

    /** The default range of a requests query, and the widest one allowed (spec: "may not span more than 90 days"). */
    static final Duration RANGE = Duration.ofDays(90);

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Open311Api.class);
    private static final String XML = "text/xml; charset=utf-8";
    private static final String JSON = "application/json; charset=utf-8";
    private static final String SPEC = "http://wiki.open311.org/GeoReport_v2";

    private final ServiceDesk desk;
    private final Open311Options options;
    private final InstantSource clock;
    private final ObjectMapper json = new ObjectMapper();
    private final List<byte[]> keys;

    /**
     * @param desk where requests and opinions go
     * @param options api keys, jurisdiction, discovery texts, body limit
     * @param clock the clock of the default date range of requests queries
     */
    public Open311Api(ServiceDesk desk, Open311Options options, InstantSource clock) {
        this.desk = Objects.requireNonNull(desk);
        this.options = Objects.requireNonNull(options);
        this.clock = Objects.requireNonNull(clock);
        this.keys = options.apiKeys().stream()
                .map(k -> k.getBytes(StandardCharsets.UTF_8))
                .toList();
    }

    @Override
    public void register(ApiServer.Routes r) {
        r.get(BASE + "/{resource}", ctx -> georeport(ctx, ctx.pathParam("resource"), this::getResource));
        r.post(BASE + "/{resource}", ctx -> georeport(ctx, ctx.pathParam("resource"), this::postResource));
        r.get(BASE + "/services/{code}", ctx -> georeport(ctx, ctx.pathParam("code"), this::definition));
        r.get(BASE + "/requests/{id}", ctx -> georeport(ctx, ctx.pathParam("id"), this::request));
        r.get(BASE + "/tokens/{token}", ctx -> georeport(ctx, ctx.pathParam("token"), this::token));
        OpinionFeed feed = new OpinionFeed(desk, json, clock);
        r.post("/api/v1/opinions", feed::post);
        r.get("/api/v1/opinions", feed::list);
    }

    /** One GeoReport call: the last path segment split into name and format, then {@code handler}. */
    @FunctionalInterface
    private interface Call {
        Answer handle(Context ctx, Params p, String name);
    }

    /** A GeoReport answer: status, root element, body (map or list). */
    private record Answer(int status, String root, Object body) {}

    /** The request's parameters: query string, and for POST the body's fields after them. */
    private record Params(Map<String, List<String>> fields) {
        String get(String name) {
            return RequestForm.field(fields, name);
        }

        List<String> list(String name) {
            List<String> out = new ArrayList<>();
            for (String v : fields.getOrDefault(name, List.of())) {
                for (String part : v.split(",")) {
                    if (!part.isBlank()) {
                        out.add(part.strip());
                    }
                }
            }
            return out;
        }
    }

    private void georeport(Context ctx, String segment, Call call) {
        String name = segment;
        String format = "";
        int dot = segment.lastIndexOf('.');
        if (dot > 0) {
            name = segment.substring(0, dot);
            format = segment.substring(dot + 1).toLowerCase(Locale.ROOT);
        }
        boolean asJson = false;
        try {
            Map<String, List<String>> fields = FormParser.parse(ctx.queryString() == null ? "" : ctx.queryString());
            if (format.isEmpty()) {
                format = RequestForm.field(fields, "format").toLowerCase(Locale.ROOT);
                if (format.isEmpty()) {
                    format = "xml";
                }
            }
            asJson = format.equals("json");
            if (!asJson && !format.equals("xml")) {
                throw new Open311Exception(
                        404, "open311.format", "Format '" + format + "' is not served; use .xml or .json");
            }
            Params p = new Params(fields);
            checkJurisdiction(p);
            Answer a = call.handle(ctx, p, name);
            write(ctx, a.status(), asJson, a.root(), a.body());
        } catch (Open311Exception e) {
            error(ctx, asJson, e.status(), e.detail());
        } catch (TwinException e) {
            error(ctx, asJson, e.type().status(), e.detail());
        } catch (HttpResponseException e) {
            error(ctx, asJson, e.getStatus() == 413 ? 413 : 400, e.getMessage());
        } catch (RuntimeException e) {
            // a failing desk: logged here with its stack trace, answered in the spec's format without internals
            LOG.error("Open311 {} {} failed", ctx.method(), ctx.path(), e);
            error(ctx, asJson, 500, "Internal error; the node's log has the details");
        }
    }

    private void checkJurisdiction(Params p) {
        String j = p.get("jurisdiction_id");
        if (!j.isEmpty() && !options.jurisdictionId().isEmpty() && !j.equals(options.jurisdictionId())) {
            throw Open311Exception.notFound(
                    "open311.jurisdiction-not-found", "jurisdiction_id '" + j + "' was not found");
        }
    }

    // ---- GET {resource}

    private Answer getResource(Context ctx, Params p, String name) {
        return switch (name) {
            case "discovery" -> discovery(ctx);
            case "services" -> services(ctx, p);
            case "requests" -> requests(ctx, p);
            default ->
                throw Open311Exception.notFound("open311.no-such-resource", "No GeoReport v2 resource '" + name + "'");
        };
    }

    private Answer discovery(Context ctx) {
        Map<String, Object> endpoint = new LinkedHashMap<>();
        endpoint.put("specification", SPEC);
        endpoint.put("url", ctx.scheme() + "://" + ctx.host() + BASE);
        endpoint.put("changeset", W3cDateTime.format(options.changeset()));
        endpoint.put("type", "production");
        endpoint.put("formats", List.of("text/xml", "application/json"));
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("changeset", W3cDateTime.format(options.changeset()));
        d.put("contact", options.contact());
        d.put("key_service", options.keyService());
        d.put("endpoints", List.of(endpoint));
        return new Answer(200, "discovery", d);
    }

    private Answer services(Context ctx, Params p) {
        List<Object> out = new ArrayList<>();
        for (Service s : desk.services(tenant(ctx), locale(ctx, p))) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("service_code", s.code());
            m.put("service_name", s.name());
            m.put("description", s.description());
            m.put("metadata", s.metadata());
            m.put("type", s.type().wire());
            m.put("keywords", String.join(", ", s.keywords()));
            m.put("group", s.group());
            out.add(m);
        }
        return new Answer(200, "services", out);
    }

    private Answer definition(Context ctx, Params p, String code) {
        ServiceDefinition d = desk.definition(tenant(ctx), code, locale(ctx, p))
                .orElseThrow(() -> Open311Exception.notFound(
                        "open311.service-not-found", "service_code '" + code + "' was not found"));
        List<Object> attrs = new ArrayList<>();
        for (ServiceDefinition.Attribute a : d.attributes()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("variable", a.variable());
            m.put("code", a.code());
            m.put("datatype", a.datatype().wire());
            m.put("required", a.required());
            m.put("datatype_description", a.datatypeDescription().isEmpty() ? null : a.datatypeDescription());
            m.put("order", a.order());
            m.put("description", a.description());
            List<Object> values = new ArrayList<>();
            for (ServiceDefinition.Value v : a.values()) {
                Map<String, Object> vm = new LinkedHashMap<>();
                vm.put("key", v.key());
                vm.put("name", v.name());
                values.add(vm);
            }
            m.put("values", values);
            attrs.add(m);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("service_code", d.serviceCode());
        body.put("attributes", attrs);
        return new Answer(200, "service_definition", body);
    }

    private Answer requests(Context ctx, Params p) {
        RequestQuery q = query(p.fields(), clock.instant());
        List<Object> out = new ArrayList<>();
        for (ServiceRequest r : desk.requests(tenant(ctx), q)) {
            out.add(requestBody(r));
        }
        return new Answer(200, "service_requests", out);
    }

    /** The query a GET requests call asks for (spec defaults: the last 90 days, all codes, all statuses). */
    static RequestQuery query(Map<String, List<String>> fields, Instant now) {
        Params p = new Params(fields);
        List<String> ids = p.list("service_request_id");
        List<String> codes = p.list("service_code");
        Set<ServiceRequest.Status> statuses = EnumSet.noneOf(ServiceRequest.Status.class);
        for (String s : p.list("status")) {
            statuses.add(ServiceRequest.Status.parse(s));
        }
        String from = p.get("start_date");
        String to = p.get("end_date");
        Instant start;
        Instant end;
        if (from.isEmpty() && to.isEmpty()) {
            end = now;
            start = now.minus(RANGE);
        } else if (to.isEmpty()) {
            start = W3cDateTime.parse("start_date", from);
            end = start.plus(RANGE);
        } else if (from.isEmpty()) {
            end = W3cDateTime.parse("end_date", to);
            start = end.minus(RANGE);
        } else {
            start = W3cDateTime.parse("start_date", from);
            end = W3cDateTime.parse("end_date", to);
            if (end.isBefore(start)) {
                throw Open311Exception.badRequest("open311.date-range", "end_date is before start_date");
            }
            if (Duration.between(start, end).compareTo(RANGE) > 0) {
                throw Open311Exception.badRequest(
                        "open311.date-range", "start_date and end_date may not span more than 90 days");
            }
        }
        int limit = RequestQuery.MAX_RESULTS;
        if (ids.size() > RequestQuery.MAX_RESULTS) {
            throw Open311Exception.badRequest(
                    "open311.too-many-ids", "At most " + RequestQuery.MAX_RESULTS + " service_request_id values");
        }
        return new RequestQuery(ids, codes, start, end, statuses, limit);
    }

    private Answer request(Context ctx, Params p, String id) {
        ServiceRequest r = desk.request(tenant(ctx), id)
                .orElseThrow(() -> Open311Exception.notFound(
                        "open311.request-not-found", "service_request_id '" + id + "' was not found"));
        return new Answer(200, "service_requests", List.of(requestBody(r)));
    }

    private Answer token(Context ctx, Params p, String token) {
        TokenLookup t = desk.token(tenant(ctx), token)
                .orElseThrow(() ->
                        Open311Exception.notFound("open311.token-not-found", "token '" + token + "' was not found"));
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("service_request_id", t.serviceRequestId().isEmpty() ? null : t.serviceRequestId());
        m.put("token", t.token());
        return new Answer(200, "service_requests", List.of(m));
    }

    static Map<String, Object> requestBody(ServiceRequest r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("service_request_id", r.id());
        m.put("status", r.status().wire());
        m.put("status_notes", r.statusNotes());
        m.put("service_name", r.serviceName());
        m.put("service_code", r.serviceCode());
        m.put("description", r.description());
        m.put("agency_responsible", r.agencyResponsible());
        m.put("service_notice", r.serviceNotice());
        m.put("requested_datetime", W3cDateTime.format(r.requestedAt()));
        m.put("updated_datetime", W3cDateTime.format(r.updatedAt()));
        m.put("expected_datetime", r.expectedAt() == null ? null : W3cDateTime.format(r.expectedAt()));
        m.put("address", r.address());
        m.put("address_id", r.addressId());
        m.put("zipcode", r.zipcode());
        m.put("lat", r.location() == null ? null : r.location().lat());
        m.put("long", r.location() == null ? null : r.location().lon());
        m.put("media_url", r.mediaUrl());
        return m;
    }

    // ---- POST requests

    private Answer postResource(Context ctx, Params query, String name) {
        if (!name.equals("requests")) {
            throw Open311Exception.notFound(
                    "open311.no-such-resource", "No GeoReport v2 resource '" + name + "' takes a POST");
        }
        Map<String, List<String>> fields = new LinkedHashMap<>();
        query.fields().forEach((k, v) -> fields.put(k, new ArrayList<>(v)));
        body(ctx).forEach((k, v) -> fields.computeIfAbsent(k, x -> new ArrayList<>())
                .addAll(v));
        Params p = new Params(fields);
        checkJurisdiction(p);
        checkKey(p.get("api_key"));
        TenantId tenant = tenant(ctx);
        String code = RequestForm.serviceCode(fields);
        ServiceDefinition def = desk.definition(tenant, code, Locale.ROOT)
                .orElseThrow(() -> Open311Exception.notFound(
                        "open311.service-not-found", "service_code '" + code + "' was not found"));
        NewRequest request = RequestForm.parse(fields, def);
        Submission s = desk.submit(tenant, request);
        Map<String, Object> m = new LinkedHashMap<>();
        if (!s.serviceRequestId().isEmpty()) {
            m.put("service_request_id", s.serviceRequestId());
        }
        if (!s.token().isEmpty()) {
            m.put("token", s.token());
        }
        m.put("service_notice", s.serviceNotice().isEmpty() ? null : s.serviceNotice());
        m.put("account_id", s.accountId().isEmpty() ? null : s.accountId());
        return new Answer(200, "service_requests", List.of(m));
    }

    private void checkKey(String given) {
        if (keys.isEmpty()) {
            return;
        }
        if (given.isEmpty()) {
            throw new Open311Exception(403, "open311.api-key-missing", "api_key was not provided");
        }
        byte[] g = given.getBytes(StandardCharsets.UTF_8);
        boolean ok = false;
        for (byte[] k : keys) {
            ok |= MessageDigest.isEqual(k, g);
        }
        if (!ok) {
            throw new Open311Exception(403, "open311.api-key-invalid", "Invalid api_key");
        }
    }

    /** The POST body's fields: form data (the spec) or a JSON object. */
    private Map<String, List<String>> body(Context ctx) {
        long declared = ctx.contentLength();
        if (declared > options.maxBodyBytes()) {
            throw tooLarge();
        }
        String type = ctx.contentType() == null ? "" : ctx.contentType();
        String bare = type.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
        if (!charsetIsUtf8(type)) {
            throw new Open311Exception(415, "open311.charset", "The body must be UTF-8");
        }
        byte[] bytes = ctx.bodyAsBytes();
        if (bytes.length > options.maxBodyBytes()) {
            throw tooLarge();
        }
        return switch (bare) {
            case "application/x-www-form-urlencoded", "" -> FormParser.parse(bytes);
            case "application/json" -> jsonFields(bytes);
            default ->
                throw new Open311Exception(
                        415,
                        "open311.media-type",
                        "POST a request as application/x-www-form-urlencoded (or application/json), not '" + bare
                                + "'");
        };
    }

    private Open311Exception tooLarge() {
        return new Open311Exception(
                413, "open311.body-too-large", "The body exceeds " + options.maxBodyBytes() + " bytes");
    }

    private static boolean charsetIsUtf8(String contentType) {
        for (String part : contentType.split(";")) {
            String t = part.strip().toLowerCase(Locale.ROOT);
            if (t.startsWith("charset=")) {
                String cs = t.substring("charset=".length()).replace("\"", "");
                return cs.equals("utf-8") || cs.equals("utf8") || cs.equals("us-ascii");
            }
        }
        return true;
    }

    /**
     * The fields of a JSON body: scalars as strings, arrays of scalars as repeated fields, and an {@code attribute}
     * object as {@code attribute[code]} fields.
     */
    Map<String, List<String>> jsonFields(byte[] bytes) {
        JsonNode root;
        try {
            root = json.readTree(FormParser.utf8(bytes));
        } catch (JsonProcessingException e) {
            throw Open311Exception.badRequest("open311.json", "The body is not valid JSON");
        }
        if (root == null || !root.isObject()) {
            throw Open311Exception.badRequest("open311.json", "The JSON body must be an object");
        }
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : root.properties()) {
            String name = e.getKey();
            JsonNode v = e.getValue();
            if (name.equals("attribute") && v.isObject()) {
                for (Map.Entry<String, JsonNode> a : v.properties()) {
                    out.computeIfAbsent("attribute[" + a.getKey() + "]", k -> new ArrayList<>())
                            .addAll(scalars("attribute." + a.getKey(), a.getValue()));
                }
            } else {
                out.computeIfAbsent(name, k -> new ArrayList<>()).addAll(scalars(name, v));
            }
        }
        return out;
    }

    private static List<String> scalars(String name, JsonNode v) {
        if (v.isNull()) {
            return List.of();
        }
        if (v.isValueNode()) {
            return List.of(v.asText());
        }
        if (v.isArray()) {
            List<String> out = new ArrayList<>();
            for (JsonNode item : v) {
                if (!item.isValueNode() || item.isNull()) {
                    throw Open311Exception.badRequest("open311.json", name + " must hold strings or numbers");
                }
                out.add(item.asText());
            }
            return out;
        }
        throw Open311Exception.badRequest("open311.json", name + " must be a string, a number or a list of them");
    }

    // ---- common

    private static TenantId tenant(Context ctx) {
        return TenantId.of(ctx.header("NGSILD-Tenant"));
    }

    /** The {@code locale} parameter, else the first Accept-Language tag, else the default. */
    private static Locale locale(Context ctx, Params p) {
        String tag = p.get("locale");
        if (tag.isEmpty()) {
            String accept = ctx.header("Accept-Language");
            if (accept != null && !accept.isBlank()) {
                tag = accept.split(",", 2)[0].split(";", 2)[0].strip();
            }
        }
        return tag.isEmpty() || tag.equals("*") ? Locale.ROOT : Locale.forLanguageTag(tag.replace('_', '-'));
    }

    private void write(Context ctx, int status, boolean asJson, String root, Object body) {
        byte[] bytes;
        if (asJson) {
            try {
                bytes = json.writeValueAsBytes(body);
            } catch (JsonProcessingException e) {
                throw new TwinException(ErrorType.INTERNAL_ERROR, "internal", "Cannot write JSON", e);
            }
        } else {
            bytes = XmlOut.write(root, body);
        }
        ctx.status(status).contentType(asJson ? JSON : XML).result(bytes);
    }

    private void error(Context ctx, boolean asJson, int status, @Nullable String description) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("code", status);
        e.put("description", description == null ? "Error" : description);
        write(ctx, status, asJson, "errors", List.of(e));
    }
}
