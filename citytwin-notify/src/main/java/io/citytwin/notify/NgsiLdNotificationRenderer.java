package io.citytwin.notify;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import io.citytwin.ngsild.ContextResolver;
import io.citytwin.ngsild.EntityCodec;
import io.citytwin.ngsild.LdContext;
import io.citytwin.ngsild.RenderOptions;
import io.citytwin.subscription.Endpoint;
import io.citytwin.subscription.Notification;
import io.citytwin.subscription.NotificationRenderer;
import io.citytwin.subscription.Subscription;
import io.citytwin.twin.Attribute;
import io.citytwin.twin.Entity;
import io.citytwin.twin.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Renders NGSI-LD notifications (ETSI GS CIM 009 v1.8 clause 5.3.1; HTTP binding 6.3.x): {@code {"id":
 * "urn:ngsi-ld:Notification:<uuid>", "type": "Notification", "subscriptionId", "notifiedAt", "data": [...]}}, the
 * entities in the subscription's format, restricted to its {@code notification.attributes}, LanguageProperties in its
 * {@code lang}, names compacted with the @context it was created with. With {@code accept: application/ld+json} the
 * body carries {@code @context}; with {@code application/json} a {@code Link} header names it. The tenant travels in
 * {@code NGSILD-Tenant}, receiverInfo entries as headers. Thread-safe.
 */
public final class NgsiLdNotificationRenderer implements NotificationRenderer {
    static final String LINK_REL = "http://www.w3.org/ns/json-ld#context";

    private final EntityCodec codec;
    private final ContextResolver resolver;
    private final ObjectMapper mapper;

    public NgsiLdNotificationRenderer(EntityCodec codec, ContextResolver resolver) {
        this.codec = codec;
        this.resolver = resolver;
        SimpleModule m = new SimpleModule("citytwin-json-null");
        m.addSerializer(Json.Null.class, new StdSerializer<>(Json.Null.class) {
            @Override
            public void serialize(Json.Null value, JsonGenerator gen, SerializerProvider provider) throws IOException {
                gen.writeNull();
            }
        });
        this.mapper = new ObjectMapper().registerModule(m);
    }

    @Override
    public Notification render(Subscription s, List<Entity> entities, Instant at) {
        return renderAll(List.of(s), entities, at).get(0);
    }

    /** Renders the entities once per distinct (format, projection, lang, @context, accept) and shares the bytes. */
    @Override
    public List<Notification> renderAll(List<Subscription> subs, List<Entity> entities, Instant at) {
        List<Notification> out = new ArrayList<>(subs.size());
        Map<List<Object>, byte[]> shared = subs.size() > 1 ? new HashMap<>() : null;
        String notifiedAt = EntityCodec.formatInstant(at);
        for (Subscription s : subs) {
            LdContext ctx = resolver.resolve(s.jsonldContext());
            Endpoint endpoint = s.notification().endpoint();
            boolean ld = endpoint.accept().equals(Endpoint.JSON_LD);
            List<Object> key = Arrays.asList(
                    s.notification().format(),
                    s.notification().sysAttrs(),
                    s.lang(),
                    s.notification().attributes(),
                    ctx,
                    ld);
            byte[] data = shared == null ? null : shared.get(key);
            if (data == null) {
                data = renderData(s, entities, ctx, ld);
                if (shared != null) {
                    shared.put(key, data);
                }
            }
            ByteArrayOutputStream body = new ByteArrayOutputStream(data.length + 200);
            try {
                body.write('{');
                body.write(data, 1, data.length - 2); // @context (when ld) and data, without the braces
                body.write(',');
                writeMember(body, "id", "urn:ngsi-ld:Notification:" + UUID.randomUUID());
                body.write(',');
                writeMember(body, "type", "Notification");
                body.write(',');
                writeMember(body, "subscriptionId", s.id().value());
                body.write(',');
                writeMember(body, "notifiedAt", notifiedAt);
                body.write('}');
            } catch (IOException ex) {
                throw new UncheckedIOException(ex);
            }
            Map<String, String> headers = new LinkedHashMap<>();
            headers.put("Content-Type", endpoint.accept());
            if (!ld) {
                headers.put(
                        "Link",
                        "<" + ctx.linkUrl().orElse(ContextResolver.CORE_CONTEXT_URL) + ">; rel=\"" + LINK_REL
                                + "\"; type=\"application/ld+json\"");
            }
            headers.put("NGSILD-Tenant", s.tenant().value());
            headers.putAll(endpoint.receiverInfo());
            out.add(new Notification(s.tenant(), s.id(), endpoint.uri().toString(), headers, body.toByteArray(), at));
        }
        return out;
    }

    /** {@code {"@context": ..., "data": [...]}} (the context only for ld+json) as JSON bytes. */
    private byte[] renderData(Subscription s, List<Entity> entities, LdContext ctx, boolean ld) {
        RenderOptions.Format format =
                switch (s.notification().format()) {
                    case NORMALIZED -> RenderOptions.Format.NORMALIZED;
                    case KEY_VALUES -> RenderOptions.Format.KEY_VALUES;
                    case CONCISE -> RenderOptions.Format.CONCISE;
                };
        RenderOptions opts = new RenderOptions(format, s.notification().sysAttrs(), s.lang(), false);
        List<Object> data = new ArrayList<>(entities.size());
        for (Entity e : entities) {
            data.add(codec.render(project(e, s.notification().attributes()), opts, ctx));
        }
        Map<String, Object> m = new LinkedHashMap<>();
        if (ld) {
            m.put("@context", ctx.contextValue());
        }
        m.put("data", data);
        try {
            return mapper.writeValueAsBytes(m);
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    private void writeMember(ByteArrayOutputStream out, String name, String value) throws IOException {
        out.write('"');
        out.write(name.getBytes(StandardCharsets.UTF_8));
        out.write('"');
        out.write(':');
        out.write(mapper.writeValueAsBytes(value));
    }

    private static Entity project(Entity e, List<String> attributes) {
        if (attributes.isEmpty()) {
            return e;
        }
        Map<String, List<Attribute>> kept = new LinkedHashMap<>();
        for (String a : attributes) {
            List<Attribute> instances = e.instances(a);
            if (!instances.isEmpty()) {
                kept.put(a, instances);
            }
        }
        return new Entity(e.id(), e.types(), kept, e.createdAt(), e.modifiedAt());
    }
}
