package io.citytwin.http;

import io.citytwin.ngsild.ContextResolver;
import io.citytwin.ngsild.EntityCodec;
import io.citytwin.ngsild.LdContext;
import io.citytwin.twin.TenantId;
import io.citytwin.twin.TwinException;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * One API request as NGSI-LD sees it: the tenant, the JSON-LD context that applies to it (clause 6.3.5), the parsed
 * body and the option lists, resolved once so handlers only deal with the operation.
 */
final class ApiRequest {
    static final String LINK_REL_CONTEXT = "http://www.w3.org/ns/json-ld#context";

    final Context ctx;
    final TenantId tenant;
    private final ContextResolver resolver;
    private final EntityCodec codec;
    private final long maxBodyBytes;
    private @Nullable LdContext ldContext;
    private @Nullable Object body;
    private boolean bodyParsed;
    private Map<String, String> bodyParams = Map.of();

    ApiRequest(Context ctx, ContextResolver resolver, EntityCodec codec, long maxBodyBytes) {
        this.ctx = ctx;
        this.resolver = resolver;
        this.codec = codec;
        this.maxBodyBytes = maxBodyBytes;
        this.tenant = TenantId.of(ctx.header("NGSILD-Tenant"));
    }

    /**
     * The request body parsed as JSON, checked against the Content-Type rules: {@code application/json} takes its
     * context from the Link header and must not carry {@code @context}; {@code application/ld+json} must carry it
     * in the body and must not send a context Link header.
     */
    Object body() {
        if (bodyParsed) {
            return body;
        }
        String type = MediaTypes.bare(ctx.contentType());
        boolean ld = type.equals(MediaTypes.JSON_LD);
        boolean isPatch = ctx.method().name().equals("PATCH");
        if (!ld && !type.equals(MediaTypes.JSON) && !(isPatch && type.equals(MediaTypes.MERGE_PATCH))) {
            throw new TwinException(
                    io.citytwin.twin.ErrorType.UNSUPPORTED_MEDIA_TYPE,
                    "http.unsupported-media-type",
                    "Content-Type must be application/json or application/ld+json"
                            + (isPatch ? " (or application/merge-patch+json)" : "") + ", got '" + type + "'");
        }
        byte[] bytes = bytes();
        if (bytes.length == 0) {
            throw TwinException.invalid("http.body-missing", "A JSON request body is required");
        }
        Object parsed = codec.parseJson(bytes);
        Object inBodyContext = null;
        if (parsed instanceof Map<?, ?> m && m.containsKey("@context")) {
            inBodyContext = m.get("@context");
        }
        String link = contextLink();
        if (ld) {
            if (link != null) {
                throw TwinException.badData(
                        "context.link-with-ld-json",
                        "A JSON-LD @context Link header must not be sent with Content-Type application/ld+json");
            }
            if (parsed instanceof Map<?, ?> && inBodyContext == null) {
                throw TwinException.badData(
                        "context.missing", "Content-Type application/ld+json requires an @context member in the body");
            }
            if (parsed instanceof Map<?, ?>) {
                ldContext = resolver.resolve(inBodyContext);
            }
        } else if (inBodyContext != null) {
            throw TwinException.badData(
                    "context.in-json-body",
                    "An @context member is only allowed with Content-Type application/ld+json; with application/json send"
                            + " it in a Link header");
        }
        body = parsed;
        bodyParsed = true;
        return parsed;
    }

    /** The raw request body, refused with 413 beyond the body limit (whatever its media type). */
    byte[] bytes() {
        // a declared length over the limit is refused before anything is read, so a client that sent
        // "Expect: 100-continue" (curl does for large bodies) gets the 413 without uploading the body
        long declared = ctx.req().getContentLengthLong();
        if (declared > maxBodyBytes) {
            throw tooLarge(declared);
        }
        byte[] bytes = ctx.bodyAsBytes();
        if (bytes.length > maxBodyBytes) {
            throw tooLarge(bytes.length);
        }
        return bytes;
    }

    private TwinException tooLarge(long length) {
        return new TwinException(
                io.citytwin.twin.ErrorType.PAYLOAD_TOO_LARGE,
                "http.body-too-large",
                "Request body of " + length + " bytes exceeds the limit of " + maxBodyBytes + " bytes");
    }

    /** The body, which must be a JSON object. */
    @SuppressWarnings("unchecked")
    Map<String, Object> bodyObject() {
        if (!(body() instanceof Map<?, ?> m)) {
            throw TwinException.badData("json.not-object", "The request body must be a JSON object");
        }
        return (Map<String, Object>) m;
    }

    /** The body, which must be a JSON array. */
    List<?> bodyArray() {
        if (!(body() instanceof List<?> l)) {
            throw TwinException.badData("json.not-array", "The request body must be a JSON array");
        }
        return l;
    }

    /** The context of this request: from the body (ld+json), else the Link header, else the core context. */
    LdContext ldContext() {
        if (ldContext == null) {
            String link = contextLink();
            ldContext = resolver.resolve(link);
        }
        return ldContext;
    }

    /** The context of one element of a JSON-LD array body (batch operations): its own @context. */
    LdContext ldContextOf(Map<?, ?> element) {
        if (MediaTypes.bare(ctx.contentType()).equals(MediaTypes.JSON_LD)) {
            Object c = element.get("@context");
            if (c == null) {
                throw TwinException.badData(
                        "context.missing", "Each entity of an application/ld+json batch needs an @context member");
            }
            return resolver.resolve(c);
        }
        if (element.containsKey("@context")) {
            throw TwinException.badData(
                    "context.in-json-body", "An @context member is only allowed with Content-Type application/ld+json");
        }
        return ldContext();
    }

    /** The URL of the JSON-LD context Link header, if any. */
    @Nullable
    String contextLink() {
        List<String> links = ctx.req().getHeaders("Link") == null
                ? List.of()
                : java.util.Collections.list(ctx.req().getHeaders("Link"));
        String found = null;
        for (String header : links) {
            for (String link : header.split(",(?=\\s*<)")) {
                if (!link.contains(LINK_REL_CONTEXT)) {
                    continue;
                }
                int lt = link.indexOf('<');
                int gt = link.indexOf('>', lt + 1);
                if (lt < 0 || gt < 0) {
                    throw TwinException.badData("context.link-invalid", "Malformed Link header: " + link.trim());
                }
                if (found != null) {
                    throw TwinException.badData("context.link-multiple", "More than one JSON-LD context Link header");
                }
                found = link.substring(lt + 1, gt).trim();
            }
        }
        return found;
    }

    /** A query parameter, null when absent; an empty value is an error (clause 6.3.x: no empty parameters). */
    @Nullable
    String param(String name) {
        String v = bodyParams.containsKey(name) ? bodyParams.get(name) : ctx.queryParam(name);
        if (v != null && v.isEmpty()) {
            throw TwinException.badData("param.empty", "Query parameter '" + name + "' must not be empty");
        }
        return v;
    }

    /**
     * Parameters taken from the body (POST queries): they win over query parameters of the same name; the others
     * still come from the URL.
     */
    void paramsFromBody(Map<String, String> params) {
        this.bodyParams = Map.copyOf(params);
    }

    /** A comma-separated list parameter, empty when absent. */
    List<String> listParam(String name) {
        String v = param(name);
        if (v == null) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (String s : v.split(",")) {
            String t = s.trim();
            if (t.isEmpty()) {
                throw TwinException.badData("param.empty-item", "Empty item in the list parameter '" + name + "'");
            }
            out.add(t);
        }
        return out;
    }

    /** The values of {@code options} and {@code format}, lower case. */
    Set<String> options() {
        Set<String> opts = new LinkedHashSet<>();
        for (String o : listParam("options")) {
            opts.add(o.toLowerCase(java.util.Locale.ROOT));
        }
        return opts;
    }

    /** An integer parameter within [min, max], or {@code dflt} when absent. */
    int intParam(String name, int dflt, int min) {
        String v = param(name);
        if (v == null) {
            return dflt;
        }
        try {
            int n = Integer.parseInt(v);
            if (n < min) {
                throw TwinException.badData("param.range", "'" + name + "' must be at least " + min + ", got " + n);
            }
            return n;
        } catch (NumberFormatException e) {
            throw TwinException.badData("param.not-integer", "'" + name + "' must be an integer, got '" + v + "'");
        }
    }

    boolean boolParam(String name) {
        String v = param(name);
        if (v == null) {
            return false;
        }
        return switch (v) {
            case "true" -> true;
            case "false" -> false;
            default -> throw TwinException.badData("param.not-boolean", "'" + name + "' must be true or false");
        };
    }

    /** Unknown {@code options} values are an error, so typos are not silently ignored. */
    void allowOptions(Set<String> options, String... allowed) {
        for (String o : options) {
            if (!Arrays.asList(allowed).contains(o)) {
                throw TwinException.badData(
                        "param.option-unknown",
                        "Unknown option '" + o + "'; allowed here: " + String.join(", ", allowed));
            }
        }
    }
}
