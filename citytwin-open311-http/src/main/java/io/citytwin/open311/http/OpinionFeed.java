package io.citytwin.open311.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.citytwin.open311.FormParser;
import io.citytwin.open311.GeoPoint;
import io.citytwin.open311.Open311Exception;
import io.citytwin.open311.Opinion;
import io.citytwin.open311.OpinionReceipt;
import io.citytwin.open311.PostedOpinion;
import io.citytwin.open311.ServiceDesk;
import io.citytwin.open311.W3cDateTime;
import io.citytwin.twin.ErrorType;
import io.citytwin.twin.TenantId;
import io.citytwin.twin.TwinException;
import io.javalin.http.Context;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The public-opinion feed (contract D): {@code POST /api/v1/opinions} with {@code {"text", "language"?, "location"?:
 * GeoJSON Point, "source"?, "author"?, "postedAt"?}} answers 202 {@code {"id", "incident"?}}; {@code GET
 * /api/v1/opinions?limit=50} answers {@code {"opinions": [...]}}, newest first. Bad input is a 400 problem
 * ({@code opinion.invalid}), a body that is not JSON a 415 or 400; the API server writes the problem details.
 */
final class OpinionFeed {
    private static final Pattern LANGUAGE = Pattern.compile("[a-z]{2,3}(-[A-Za-z0-9]{1,8})*");
    private static final int MAX_FIELD = 200;
    static final int DEFAULT_LIMIT = 50;

    private final ServiceDesk desk;
    private final ObjectMapper json;
    private final InstantSource clock;

    OpinionFeed(ServiceDesk desk, ObjectMapper json, InstantSource clock) {
        this.desk = desk;
        this.json = json;
        this.clock = clock;
    }

    void post(Context ctx) throws JsonProcessingException {
        String type = ctx.contentType() == null
                ? ""
                : ctx.contentType().split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
        if (!type.equals("application/json")) {
            throw new TwinException(
                    ErrorType.UNSUPPORTED_MEDIA_TYPE,
                    "http.unsupported-media-type",
                    "Content-Type must be application/json, got '" + type + "'");
        }
        JsonNode root;
        try {
            root = json.readTree(FormParser.utf8(ctx.bodyAsBytes()));
        } catch (JsonProcessingException | Open311Exception e) {
            throw TwinException.invalid("http.invalid-json", "The body is not valid UTF-8 JSON");
        }
        Opinion o = opinion(root);
        OpinionReceipt receipt = desk.post(tenant(ctx), o);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("id", receipt.id());
        if (!receipt.incident().isEmpty()) {
            body.put("incident", receipt.incident());
        }
        ctx.status(202).contentType("application/json").result(json.writeValueAsBytes(body));
    }

    void list(Context ctx) throws JsonProcessingException {
        int limit = DEFAULT_LIMIT;
        String l = ctx.queryParam("limit");
        if (l != null && !l.isBlank()) {
            try {
                limit = Integer.parseInt(l.strip());
            } catch (NumberFormatException e) {
                limit = -1;
            }
            if (limit < 1 || limit > 1000) {
                throw bad("limit must be an integer within 1..1000, got '" + l + "'");
            }
        }
        List<Object> out = new ArrayList<>();
        for (PostedOpinion p : desk.opinions(tenant(ctx), limit)) {
            out.add(body(p));
        }
        ctx.status(200).contentType("application/json").result(json.writeValueAsBytes(Map.of("opinions", out)));
    }

    /** The opinion {@code root} describes; 400 {@code opinion.invalid} on anything wrong. */
    static Opinion opinion(@Nullable JsonNode root) {
        if (root == null || !root.isObject()) {
            throw bad("The body must be a JSON object");
        }
        JsonNode text = root.get("text");
        if (text == null || !text.isTextual() || text.asText().isBlank()) {
            throw bad("text is required and must be a non-empty string");
        }
        if (text.asText().length() > Opinion.MAX_TEXT) {
            throw bad("text has " + text.asText().length() + " characters; at most " + Opinion.MAX_TEXT);
        }
        String language = string(root, "language");
        if (!language.isEmpty() && !LANGUAGE.matcher(language).matches()) {
            throw bad("language must be a language tag such as en, de or zh, got '" + language + "'");
        }
        GeoPoint location = null;
        JsonNode loc = root.get("location");
        if (loc != null && !loc.isNull()) {
            location = point(loc);
        }
        Instant postedAt = null;
        String at = string(root, "postedAt");
        if (!at.isEmpty()) {
            try {
                postedAt = W3cDateTime.parse("postedAt", at);
            } catch (Open311Exception e) {
                throw bad(e.detail());
            }
        }
        return new Opinion(
                text.asText().strip(), language, location, string(root, "source"), string(root, "author"), postedAt);
    }

    private static GeoPoint point(JsonNode loc) {
        JsonNode c = loc.get("coordinates");
        if (!loc.isObject()
                || !"Point".equals(loc.path("type").asText())
                || c == null
                || !c.isArray()
                || c.size() < 2
                || c.size() > 3
                || !c.get(0).isNumber()
                || !c.get(1).isNumber()) {
            throw bad("location must be a GeoJSON Point, {\"type\": \"Point\", \"coordinates\": [lon, lat]}");
        }
        try {
            return new GeoPoint(c.get(1).asDouble(), c.get(0).asDouble());
        } catch (Open311Exception e) {
            throw bad("location: " + e.detail());
        }
    }

    private static String string(JsonNode root, String name) {
        JsonNode v = root.get(name);
        if (v == null || v.isNull()) {
            return "";
        }
        if (!v.isTextual()) {
            throw bad(name + " must be a string");
        }
        String s = v.asText().strip();
        if (s.length() > MAX_FIELD) {
            throw bad(name + " is longer than " + MAX_FIELD + " characters");
        }
        return s;
    }

    static Map<String, Object> body(PostedOpinion p) {
        Opinion o = p.opinion();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", p.id());
        m.put("text", o.text());
        m.put("language", o.language().isEmpty() ? null : o.language());
        Map<String, Object> point = null;
        if (o.location() != null) {
            point = new LinkedHashMap<>();
            point.put("type", "Point");
            point.put("coordinates", List.of(o.location().lon(), o.location().lat()));
        }
        m.put("location", point);
        m.put("source", o.source().isEmpty() ? null : o.source());
        m.put("author", o.author().isEmpty() ? null : o.author());
        m.put("postedAt", o.postedAt() == null ? null : W3cDateTime.format(o.postedAt()));
        m.put("receivedAt", W3cDateTime.format(p.receivedAt()));
        m.put("incident", p.incident().isEmpty() ? null : p.incident());
        return m;
    }

    private static TenantId tenant(Context ctx) {
        return TenantId.of(ctx.header("NGSILD-Tenant"));
    }

    private static TwinException bad(String detail) {
        return TwinException.badData("opinion.invalid", detail);
    }
}
