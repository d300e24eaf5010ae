package io.citytwin.subscription.sqlite;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import io.citytwin.subscription.Endpoint;
import io.citytwin.subscription.EntitySelector;
import io.citytwin.subscription.NotificationFormat;
import io.citytwin.subscription.NotificationParams;
import io.citytwin.subscription.Subscription;
import io.citytwin.subscription.SubscriptionId;
import io.citytwin.subscription.Trigger;
import io.citytwin.twin.EntityId;
import io.citytwin.twin.Json;
import io.citytwin.twin.TenantId;
import io.citytwin.twin.geo.GeoJson;
import io.citytwin.twin.geo.GeoQuery;
import io.citytwin.twin.query.QueryParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The JSON column form of a subscription (our own storage shape, names expanded, not the NGSI-LD API shape): q as its
 * canonical text ({@code QueryParser.parse(q.print())} equals q), geoQ as its four query-string parts, durations in
 * nanoseconds, instants as ISO 8601. Thread-safe.
 */
final class SubscriptionCodec {
    static final ObjectMapper JSON;

    static {
        SimpleModule m = new SimpleModule("citytwin-json-null");
        m.addSerializer(Json.Null.class, new StdSerializer<>(Json.Null.class) {
            @Override
            public void serialize(Json.Null value, JsonGenerator gen, SerializerProvider provider) throws IOException {
                gen.writeNull();
            }
        });
        JSON = new ObjectMapper().registerModule(m);
    }

    private static final TypeReference<LinkedHashMap<String, Object>> MAP = new TypeReference<>() {};

    private SubscriptionCodec() {}

    static String write(Subscription s) {
        Map<String, Object> o = new LinkedHashMap<>();
        putIfNotNull(o, "name", s.name());
        putIfNotNull(o, "description", s.description());
        List<Object> entities = new ArrayList<>();
        for (EntitySelector e : s.entities()) {
            Map<String, Object> sel = new LinkedHashMap<>();
            putIfNotNull(sel, "id", e.id() == null ? null : e.id().value());
            putIfNotNull(sel, "idPattern", e.idPattern());
            sel.put("type", e.type());
            entities.add(sel);
        }
        o.put("entities", entities);
        o.put("watchedAttributes", new ArrayList<>(new java.util.TreeSet<>(s.watchedAttributes())));
        putIfNotNull(o, "q", s.q() == null ? null : s.q().print());
        if (s.geoQ() != null) {
            GeoQuery g = s.geoQ();
            Map<String, Object> geo = new LinkedHashMap<>();
            geo.put("georel", g.georel().print());
            geo.put("geometry", g.geometry().getGeometryType());
            geo.put("coordinates", GeoJson.toGeoJson(g.geometry()).get("coordinates"));
            geo.put("geoproperty", g.geoproperty());
            o.put("geoQ", geo);
        }
        List<String> triggers = new ArrayList<>();
        for (Trigger t : s.triggers()) {
            triggers.add(t.jsonName());
        }
        o.put("triggers", triggers);
        o.put("throttlingNanos", s.throttling().toNanos());
        o.put("timeIntervalNanos", s.timeInterval().toNanos());
        putIfNotNull(
                o, "expiresAt", s.expiresAt() == null ? null : s.expiresAt().toString());
        o.put("active", s.active());
        putIfNotNull(o, "lang", s.lang());
        NotificationParams n = s.notification();
        Map<String, Object> notification = new LinkedHashMap<>();
        notification.put("attributes", n.attributes());
        notification.put("format", n.format().jsonName());
        notification.put("sysAttrs", n.sysAttrs());
        notification.put("uri", n.endpoint().uri().toString());
        notification.put("accept", n.endpoint().accept());
        notification.put("receiverInfo", n.endpoint().receiverInfo());
        o.put("notification", notification);
        o.put("context", s.jsonldContext());
        o.put("createdAt", s.createdAt().toString());
        o.put("modifiedAt", s.modifiedAt().toString());
        try {
            return JSON.writeValueAsString(o);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @throws IllegalArgumentException (or another runtime exception) when {@code json} was not written by us */
    @SuppressWarnings("unchecked")
    static Subscription read(TenantId tenant, String id, String json) {
        Map<String, Object> o;
        try {
            o = JSON.readValue(json, MAP);
        } catch (IOException e) {
            throw new IllegalArgumentException("subscription body is not JSON", e);
        }
        Map<String, Object> n = (Map<String, Object>) o.get("notification");
        Endpoint endpoint =
                new Endpoint(Endpoint.parseUri((String) n.get("uri")), (String) n.get("accept"), (Map<String, String>)
                        n.get("receiverInfo"));
        List<EntitySelector> entities = new ArrayList<>();
        for (Object e : (List<Object>) o.get("entities")) {
            Map<String, Object> sel = (Map<String, Object>) e;
            String eid = (String) sel.get("id");
            entities.add(new EntitySelector(
                    eid == null ? null : EntityId.of(eid), (String) sel.get("idPattern"), (String) sel.get("type")));
        }
        Set<Trigger> triggers = EnumSet.noneOf(Trigger.class);
        for (Object t : (List<Object>) o.get("triggers")) {
            triggers.add(Trigger.parse((String) t));
        }
        GeoQuery geo = null;
        if (o.get("geoQ") instanceof Map<?, ?> g) {
            String coordinates = writeJson(g.get("coordinates"));
            geo = GeoQuery.parse((String) g.get("georel"), (String) g.get("geometry"), coordinates, null)
                    .withGeoproperty((String) g.get("geoproperty"));
        }
        String q = (String) o.get("q");
        String expires = (String) o.get("expiresAt");
        return Subscription.builder(SubscriptionId.of(id), tenant, endpoint, Instant.parse((String) o.get("createdAt")))
                .name((String) o.get("name"))
                .description((String) o.get("description"))
                .entities(entities)
                .watchedAttributes(Set.copyOf((List<String>) o.get("watchedAttributes")))
                .q(q == null ? null : QueryParser.parse(q))
                .geoQ(geo)
                .triggers(triggers)
                .throttling(Duration.ofNanos(((Number) o.get("throttlingNanos")).longValue()))
                .timeInterval(Duration.ofNanos(((Number) o.get("timeIntervalNanos")).longValue()))
                .expiresAt(expires == null ? null : Instant.parse(expires))
                .active((Boolean) o.get("active"))
                .lang((String) o.get("lang"))
                .notification(new NotificationParams(
                        (List<String>) n.get("attributes"),
                        NotificationFormat.parse((String) n.get("format")),
                        (Boolean) n.get("sysAttrs"),
                        endpoint))
                .jsonldContext(Json.freeze(o.get("context")))
                .modifiedAt(Instant.parse((String) o.get("modifiedAt")))
                .build();
    }

    private static String writeJson(@Nullable Object v) {
        try {
            return JSON.writeValueAsString(v);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String writeHeaders(Map<String, String> headers) {
        try {
            return JSON.writeValueAsString(headers);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Map<String, String> readHeaders(String json) {
        try {
            return JSON.readValue(json, new TypeReference<LinkedHashMap<String, String>>() {});
        } catch (IOException e) {
            throw new IllegalArgumentException("headers are not a JSON object", e);
        }
    }

    private static void putIfNotNull(Map<String, Object> m, String k, @Nullable Object v) {
        if (v != null) {
            m.put(k, v);
        }
    }
}
