package io.citytwin.http;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import io.citytwin.ngsild.LdContext;
import io.citytwin.twin.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes JSON responses with the NGSI-LD context rules (clause 6.3.6): {@code application/json} answers carry the
 * context in a Link header, {@code application/ld+json} answers carry {@code @context} in the body.
 */
final class Responses {
    private final ObjectMapper mapper;

    Responses() {
        SimpleModule m = new SimpleModule("citytwin-json");
        m.addSerializer(Json.Null.class, new StdSerializer<>(Json.Null.class) {
            @Override
            public void serialize(Json.Null value, JsonGenerator gen, SerializerProvider provider) throws IOException {
                gen.writeNull();
            }
        });
        this.mapper = new ObjectMapper().registerModule(m);
    }

    /** Writes an entity-shaped answer (an object or an array of objects) in {@code media}. */
    void json(ApiRequest r, String media, Object body, LdContext ctx) {
        Object out = body;
        if (media.equals(MediaTypes.JSON_LD)) {
            out = withContext(body, ctx);
        } else {
            r.ctx.header(
                    "Link",
                    "<" + ctx.linkUrl().orElse(io.citytwin.ngsild.ContextResolver.CORE_CONTEXT_URL) + ">; rel=\""
                            + ApiRequest.LINK_REL_CONTEXT + "\"; type=\"application/ld+json\"");
        }
        write(r, 200, media, out);
    }

    /** Writes a JSON answer that carries no entity data (ids, reports, problem details). */
    void plainJson(ApiRequest r, int status, Object body) {
        write(r, status, MediaTypes.JSON, body);
    }

    void write(ApiRequest r, int status, String media, Object body) {
        try {
            r.ctx.status(status).contentType(media).result(mapper.writeValueAsBytes(body));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    byte[] bytes(Object body) {
        try {
            return mapper.writeValueAsBytes(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Object withContext(Object body, LdContext ctx) {
        if (body instanceof Map<?, ?> m && !m.containsKey("@context")) {
            Map<String, Object> copy = new LinkedHashMap<>();
            copy.put("@context", ctx.contextValue());
            m.forEach((k, v) -> copy.put(String.valueOf(k), v));
            return copy;
        }
        if (body instanceof List<?> l) {
            List<Object> out = new ArrayList<>(l.size());
            for (Object o : l) {
                out.add(withContext(o, ctx));
            }
            return out;
        }
        return body;
    }
}
