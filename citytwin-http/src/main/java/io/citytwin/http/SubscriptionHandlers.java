package io.citytwin.http;

import io.citytwin.ngsild.EntityCodec;
import io.citytwin.ngsild.LdContext;
import io.citytwin.subscription.DeliveryStatus;
import io.citytwin.subscription.Endpoint;
import io.citytwin.subscription.EntitySelector;
import io.citytwin.subscription.NotificationFormat;
import io.citytwin.subscription.NotificationParams;
import io.citytwin.subscription.Subscription;
import io.citytwin.subscription.SubscriptionId;
import io.citytwin.subscription.SubscriptionService;
import io.citytwin.subscription.Trigger;
import io.citytwin.twin.EntityId;
import io.citytwin.twin.ErrorType;
import io.citytwin.twin.IsoTimes;
import io.citytwin.twin.TwinException;
import io.citytwin.twin.geo.GeoQuery;
import io.citytwin.twin.query.QueryParser;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The subscription API (NGSI-LD v1.8 clause 5.8, binding 6.10/6.11): {@code POST /ngsi-ld/v1/subscriptions} (201 +
 * Location), {@code GET} list ({@code limit}, {@code offset}, {@code count}), {@code GET /{id}}, {@code PATCH /{id}}
 * (members given replace the stored ones; {@code notification} members merge), {@code DELETE /{id}}. Names in the
 * body are expanded with the request's @context, which is also kept to render notifications; answers are compacted
 * with the request's @context.
 */
final class SubscriptionHandlers {
    static final String BASE = "/ngsi-ld/v1/subscriptions/";
    private static final Set<String> MEMBERS = Set.of(
            "@context",
            "id",
            "type",
            "subscriptionName",
            "description",
            "entities",
            "watchedAttributes",
            "q",
            "geoQ",
            "notificationTrigger",
            "throttling",
            "timeInterval",
            "expiresAt",
            "isActive",
            "lang",
            "notification",
            "status",
            "createdAt",
            "modifiedAt",
            "jsonldContext");
    private static final Set<String> NOTIFICATION_MEMBERS = Set.of(
            "attributes",
            "format",
            "sysAttrs",
            "endpoint",
            "status",
            "timesSent",
            "timesFailed",
            "lastNotification",
            "lastSuccess",
            "lastFailure");

    private final SubscriptionService service;
    private final Responses out;
    private final ApiLimits limits;
    private final InstantSource clock;

    SubscriptionHandlers(SubscriptionService service, Responses out, ApiLimits limits, InstantSource clock) {
        this.service = service;
        this.out = out;
        this.limits = limits;
        this.clock = clock;
    }

    void create(ApiRequest r) {
        Map<String, Object> body = r.bodyObject();
        LdContext ctx = r.ldContext();
        checkMembers(body, MEMBERS, "");
        Object type = body.get("type");
        if (!"Subscription".equals(type)) {
            throw TwinException.badData(
                    "subscription.type", "type must be \"Subscription\", got " + (type == null ? "nothing" : type));
        }
        SubscriptionId id = body.containsKey("id") ? SubscriptionId.of(string(body, "id")) : SubscriptionId.generate();
        Map<String, Object> notification = object(body, "notification");
        if (notification == null) {
            throw TwinException.badData("subscription.notification-missing", "notification is required");
        }
        Instant now = clock.instant();
        Subscription.Builder b = Subscription.builder(id, r.tenant, endpoint(notification, "notification."), now);
        b.jsonldContext(ctx.linkUrl().<Object>map(u -> u).orElse(ctx.contextValue()));
        apply(b, null, body, ctx);
        Subscription s = b.build();
        service.create(s);
        r.ctx.header("Location", BASE + id.value());
        r.ctx.status(201);
    }

    void list(ApiRequest r) {
        String media = MediaTypes.negotiate(r.ctx.header("Accept"), MediaTypes.JSON, MediaTypes.JSON_LD);
        LdContext ctx = r.ldContext();
        int limit = r.intParam("limit", limits.defaultLimit(), 0);
        if (limit > limits.maxLimit()) {
            throw new TwinException(
                    ErrorType.TOO_MANY_RESULTS,
                    "query.limit-too-high",
                    "limit must be at most " + limits.maxLimit() + ", got " + limit);
        }
        int offset = r.intParam("offset", 0, 0);
        if (r.boolParam("count")) {
            r.ctx.header("NGSILD-Results-Count", Long.toString(service.count(r.tenant)));
        }
        boolean sys = r.options().contains("sysattrs");
        List<Object> page = new ArrayList<>();
        for (Subscription s : service.list(r.tenant, offset, limit)) {
            page.add(render(s, ctx, sys));
        }
        out.json(r, media, page, ctx);
    }

    void retrieve(ApiRequest r) {
        String media = MediaTypes.negotiate(r.ctx.header("Accept"), MediaTypes.JSON, MediaTypes.JSON_LD);
        LdContext ctx = r.ldContext();
        Subscription s = find(r);
        out.json(r, media, render(s, ctx, r.options().contains("sysattrs")), ctx);
    }

    void update(ApiRequest r) {
        Map<String, Object> body = r.bodyObject();
        LdContext ctx = r.ldContext();
        checkMembers(body, MEMBERS, "");
        if (body.containsKey("id") && !find(r).id().value().equals(body.get("id"))) {
            throw TwinException.badData(
                    "subscription.id-mismatch", "The id in the body differs from the one in the URL");
        }
        if (body.containsKey("type") && !"Subscription".equals(body.get("type"))) {
            throw TwinException.badData("subscription.type", "type must be \"Subscription\"");
        }
        Subscription old = find(r);
        Subscription.Builder b = old.toBuilder();
        apply(b, old, body, ctx);
        b.modifiedAt(clock.instant());
        service.update(b.build());
        r.ctx.status(204);
    }

    void delete(ApiRequest r) {
        SubscriptionId id = pathId(r);
        if (!service.delete(r.tenant, id)) {
            throw notFound(r, id);
        }
        r.ctx.status(204);
    }

    // ------------------------------------------------------------------------------------------ parsing

    private Subscription find(ApiRequest r) {
        SubscriptionId id = pathId(r);
        return service.get(r.tenant, id).orElseThrow(() -> notFound(r, id));
    }

    private static TwinException notFound(ApiRequest r, SubscriptionId id) {
        return TwinException.notFound(
                "subscription.not-found", "Subscription '" + id + "' does not exist in tenant '" + r.tenant + "'");
    }

    private static SubscriptionId pathId(ApiRequest r) {
        String raw = r.ctx.pathParam("id");
        if (!EntityId.isValid(raw)) {
            throw TwinException.badData(
                    "subscription.id-invalid", "Subscription id in the URL is not a valid URI: '" + raw + "'");
        }
        return SubscriptionId.of(raw);
    }

    /** Applies the members present in {@code body} to {@code b}; {@code old} is the stored subscription on PATCH. */
    private void apply(Subscription.Builder b, @Nullable Subscription old, Map<String, Object> body, LdContext ctx) {
        if (body.containsKey("subscriptionName")) {
            b.name(optionalString(body, "subscriptionName"));
        }
        if (body.containsKey("description")) {
            b.description(optionalString(body, "description"));
        }
        if (body.containsKey("entities")) {
            List<EntitySelector> selectors = new ArrayList<>();
            for (Object o : list(body, "entities")) {
                if (!(o instanceof Map<?, ?> m)) {
                    throw TwinException.badData("subscription.entities", "entities must be an array of objects");
                }
                @SuppressWarnings("unchecked")
                Map<String, Object> sel = (Map<String, Object>) m;
                checkMembers(sel, Set.of("id", "idPattern", "type"), "entities[].");
                String type = optionalString(sel, "type");
                if (type == null) {
                    throw TwinException.badData("subscription.entities-type", "Each entity selector needs a type");
                }
                String id = optionalString(sel, "id");
                if (id != null && !EntityId.isValid(id)) {
                    throw TwinException.badData(
                            "subscription.entities-id", "entities[].id is not a valid URI: '" + id + "'");
                }
                String pattern = optionalString(sel, "idPattern");
                if (pattern != null && pattern.length() > limits.maxQueryLength()) {
                    throw TwinException.badData(
                            "query.too-long", "idPattern is longer than " + limits.maxQueryLength());
                }
                selectors.add(new EntitySelector(id == null ? null : EntityId.of(id), pattern, ctx.expandTerm(type)));
            }
            b.entities(selectors);
        }
        if (body.containsKey("watchedAttributes")) {
            Set<String> watched = new LinkedHashSet<>();
            for (String a : strings(body, "watchedAttributes")) {
                watched.add(ctx.expandTerm(a));
            }
            if (watched.isEmpty()) {
                throw TwinException.badData(
                        "subscription.watched-empty", "watchedAttributes must not be an empty array");
            }
            b.watchedAttributes(watched);
        }
        if (body.containsKey("q")) {
            String q = optionalString(body, "q");
            if (q != null && q.length() > limits.maxQueryLength()) {
                throw TwinException.badData(
                        "q.too-long", "q is longer than " + limits.maxQueryLength() + " characters");
            }
            b.q(q == null ? null : QueryParser.parse(q).mapNames(ctx::expandTerm));
        }
        if (body.containsKey("geoQ")) {
            Map<String, Object> g = object(body, "geoQ");
            if (g == null) {
                b.geoQ(null);
            } else {
                checkMembers(g, Set.of("geometry", "coordinates", "georel", "geoproperty"), "geoQ.");
                Object c = g.get("coordinates");
                String coordinates =
                        c == null ? null : c instanceof String s ? s : new String(out.bytes(c), StandardCharsets.UTF_8);
                String geoproperty = optionalString(g, "geoproperty");
                String georel = optionalString(g, "georel");
                String geometry = optionalString(g, "geometry");
                if (georel == null || geometry == null || coordinates == null) {
                    throw TwinException.badData(
                            "geo.incomplete", "geoQ needs georel, geometry and coordinates together");
                }
                b.geoQ(GeoQuery.parse(georel, geometry, coordinates, geoproperty)
                        .withGeoproperty(ctx.expandTerm(geoproperty == null ? "location" : geoproperty)));
            }
        }
        if (body.containsKey("notificationTrigger")) {
            Set<Trigger> triggers = EnumSet.noneOf(Trigger.class);
            for (String t : strings(body, "notificationTrigger")) {
                triggers.add(Trigger.parse(t));
            }
            b.triggers(triggers);
        }
        if (body.containsKey("throttling")) {
            b.throttling(seconds(body, "throttling"));
        }
        if (body.containsKey("timeInterval")) {
            b.timeInterval(seconds(body, "timeInterval"));
        }
        if (body.containsKey("expiresAt")) {
            String t = optionalString(body, "expiresAt");
            Instant at = t == null ? null : IsoTimes.parseDateTime(t);
            if (t != null && at == null) {
                throw TwinException.badData(
                        "subscription.expires-at", "expiresAt must be an ISO 8601 date-time, got '" + t + "'");
            }
            if (at != null && old == null && !at.isAfter(clock.instant())) {
                throw TwinException.badData("subscription.expires-at", "expiresAt must be in the future");
            }
            b.expiresAt(at);
        }
        if (body.containsKey("isActive")) {
            if (!(body.get("isActive") instanceof Boolean active)) {
                throw TwinException.badData("subscription.is-active", "isActive must be true or false");
            }
            b.active(active);
        }
        if (body.containsKey("lang")) {
            b.lang(optionalString(body, "lang"));
        }
        if (body.containsKey("notification")) {
            Map<String, Object> n = object(body, "notification");
            if (n == null) {
                throw TwinException.badData("subscription.notification-missing", "notification must be an object");
            }
            checkMembers(n, NOTIFICATION_MEMBERS, "notification.");
            NotificationParams base = old == null ? null : old.notification();
            List<String> attributes = base == null ? List.of() : base.attributes();
            if (n.containsKey("attributes")) {
                attributes = new ArrayList<>();
                for (String a : strings(n, "attributes")) {
                    attributes.add(ctx.expandTerm(a));
                }
            }
            NotificationFormat format = base == null ? NotificationFormat.NORMALIZED : base.format();
            if (n.containsKey("format")) {
                format = NotificationFormat.parse(string(n, "format"));
            }
            boolean sysAttrs = base != null && base.sysAttrs();
            if (n.containsKey("sysAttrs")) {
                if (!(n.get("sysAttrs") instanceof Boolean v)) {
                    throw TwinException.badData("subscription.sys-attrs", "notification.sysAttrs must be a boolean");
                }
                sysAttrs = v;
            }
            Endpoint endpoint =
                    base == null || n.containsKey("endpoint") ? endpoint(n, "notification.") : base.endpoint();
            b.notification(new NotificationParams(attributes, format, sysAttrs, endpoint));
        }
    }

    private static Endpoint endpoint(Map<String, Object> notification, String where) {
        Map<String, Object> e = object(notification, "endpoint");
        if (e == null) {
            throw TwinException.badData("subscription.endpoint-missing", where + "endpoint is required");
        }
        checkMembers(e, Set.of("uri", "accept", "receiverInfo", "notifierInfo"), where + "endpoint.");
        String uri = optionalString(e, "uri");
        if (uri == null) {
            throw TwinException.badData("subscription.endpoint-uri", where + "endpoint.uri is required");
        }
        String accept = optionalString(e, "accept");
        Map<String, String> info = new LinkedHashMap<>();
        if (e.get("receiverInfo") != null) {
            for (Object o : list(e, "receiverInfo")) {
                if (!(o instanceof Map<?, ?> kv)
                        || !(kv.get("key") instanceof String k)
                        || !(kv.get("value") instanceof String v)) {
                    throw TwinException.badData(
                            "subscription.receiver-info",
                            "receiverInfo must be an array of {\"key\": string, \"value\": string}");
                }
                info.put(k, v);
            }
        }
        return new Endpoint(Endpoint.parseUri(uri), accept == null ? Endpoint.JSON : accept, info);
    }

    // ------------------------------------------------------------------------------------------ output

    private Map<String, Object> render(Subscription s, LdContext ctx, boolean sysAttrs) {
        Instant now = clock.instant();
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("id", s.id().value());
        o.put("type", "Subscription");
        if (s.name() != null) {
            o.put("subscriptionName", s.name());
        }
        if (s.description() != null) {
            o.put("description", s.description());
        }
        if (!s.entities().isEmpty()) {
            List<Object> entities = new ArrayList<>();
            for (EntitySelector e : s.entities()) {
                Map<String, Object> sel = new LinkedHashMap<>();
                if (e.id() != null) {
                    sel.put("id", e.id().value());
                }
                if (e.idPattern() != null) {
                    sel.put("idPattern", e.idPattern());
                }
                sel.put("type", ctx.compactIri(e.type()));
                entities.add(sel);
            }
            o.put("entities", entities);
        }
        if (!s.watchedAttributes().isEmpty()) {
            List<String> watched = new ArrayList<>();
            for (String a : new java.util.TreeSet<>(s.watchedAttributes())) {
                watched.add(ctx.compactIri(a));
            }
            o.put("watchedAttributes", watched);
        }
        if (s.q() != null) {
            o.put("q", s.q().mapNames(ctx::compactIri).print());
        }
        if (s.geoQ() != null) {
            Map<String, Object> g = new LinkedHashMap<>();
            g.put("geometry", s.geoQ().geometry().getGeometryType());
            g.put(
                    "coordinates",
                    io.citytwin.twin.geo.GeoJson.toGeoJson(s.geoQ().geometry()).get("coordinates"));
            g.put("georel", s.geoQ().georel().print());
            g.put("geoproperty", ctx.compactIri(s.geoQ().geoproperty()));
            o.put("geoQ", g);
        }
        List<String> triggers = new ArrayList<>();
        for (Trigger t : s.triggers()) {
            triggers.add(t.jsonName());
        }
        o.put("notificationTrigger", triggers);
        if (!s.throttling().isZero()) {
            o.put("throttling", seconds(s.throttling()));
        }
        if (s.periodic()) {
            o.put("timeInterval", seconds(s.timeInterval()));
        }
        if (s.expiresAt() != null) {
            o.put("expiresAt", EntityCodec.formatInstant(s.expiresAt()));
        }
        o.put("isActive", s.active());
        o.put("status", s.status(now));
        if (s.lang() != null) {
            o.put("lang", s.lang());
        }
        NotificationParams n = s.notification();
        DeliveryStatus d = service.status(s.tenant(), s.id());
        Map<String, Object> no = new LinkedHashMap<>();
        if (!n.attributes().isEmpty()) {
            List<String> attrs = new ArrayList<>();
            for (String a : n.attributes()) {
                attrs.add(ctx.compactIri(a));
            }
            no.put("attributes", attrs);
        }
        no.put("format", n.format().jsonName());
        if (n.sysAttrs()) {
            no.put("sysAttrs", true);
        }
        Map<String, Object> ep = new LinkedHashMap<>();
        ep.put("uri", n.endpoint().uri().toString());
        ep.put("accept", n.endpoint().accept());
        if (!n.endpoint().receiverInfo().isEmpty()) {
            List<Object> info = new ArrayList<>();
            n.endpoint().receiverInfo().forEach((k, v) -> info.add(Map.of("key", k, "value", v)));
            ep.put("receiverInfo", info);
        }
        no.put("endpoint", ep);
        no.put("status", d.status());
        no.put("timesSent", d.timesSent());
        no.put("timesFailed", d.timesFailed());
        putTime(no, "lastNotification", d.lastNotification());
        putTime(no, "lastSuccess", d.lastSuccess());
        putTime(no, "lastFailure", d.lastFailure());
        o.put("notification", no);
        if (sysAttrs) {
            o.put("createdAt", EntityCodec.formatInstant(s.createdAt()));
            o.put("modifiedAt", EntityCodec.formatInstant(s.modifiedAt()));
        }
        return o;
    }

    private static void putTime(Map<String, Object> m, String k, @Nullable Instant t) {
        if (t != null) {
            m.put(k, EntityCodec.formatInstant(t));
        }
    }

    private static Object seconds(Duration d) {
        if (d.getNano() == 0) {
            return d.getSeconds();
        }
        return d.toNanos() / 1e9;
    }

    // ------------------------------------------------------------------------------------------ JSON helpers

    private static void checkMembers(Map<String, Object> m, Set<String> allowed, String where) {
        for (String k : m.keySet()) {
            if (!allowed.contains(k)) {
                throw TwinException.badData(
                        "subscription.member-unknown", "Unknown member '" + where + k + "' in the subscription");
            }
        }
    }

    private static String string(Map<String, Object> m, String k) {
        if (!(m.get(k) instanceof String s) || s.isEmpty()) {
            throw TwinException.badData("subscription.member-type", k + " must be a non-empty string");
        }
        return s;
    }

    private static @Nullable String optionalString(Map<String, Object> m, String k) {
        Object v = m.get(k);
        if (v == null || v instanceof io.citytwin.twin.Json.Null) {
            return null;
        }
        return string(m, k);
    }

    @SuppressWarnings("unchecked")
    private static @Nullable Map<String, Object> object(Map<String, Object> m, String k) {
        Object v = m.get(k);
        if (v == null || v instanceof io.citytwin.twin.Json.Null) {
            return null;
        }
        if (!(v instanceof Map<?, ?> o)) {
            throw TwinException.badData("subscription.member-type", k + " must be a JSON object");
        }
        return (Map<String, Object>) o;
    }

    private static List<?> list(Map<String, Object> m, String k) {
        if (!(m.get(k) instanceof List<?> l)) {
            throw TwinException.badData("subscription.member-type", k + " must be a JSON array");
        }
        return l;
    }

    private static List<String> strings(Map<String, Object> m, String k) {
        List<String> out = new ArrayList<>();
        for (Object o : list(m, k)) {
            if (!(o instanceof String s) || s.isEmpty()) {
                throw TwinException.badData("subscription.member-type", k + " must be an array of non-empty strings");
            }
            out.add(s);
        }
        return out;
    }

    private static Duration seconds(Map<String, Object> m, String k) {
        Object v = m.get(k);
        double secs;
        if (v instanceof Number num) {
            secs = num.doubleValue();
        } else {
            throw TwinException.badData("subscription.member-type", k + " must be a number of seconds");
        }
        if (!(secs > 0) || secs > 1e9) {
            throw TwinException.badData("subscription." + k, k + " must be a positive number of seconds");
        }
        return Duration.ofNanos(Math.round(secs * 1e9));
    }
}
