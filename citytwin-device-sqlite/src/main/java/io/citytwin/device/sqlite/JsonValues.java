package io.citytwin.device.sqlite;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.citytwin.twin.Json;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Canonical {@link Json} values to JSON text and back (values of stored commands). Thread-safe. */
final class JsonValues {
    private static final ObjectMapper JSON = new ObjectMapper();

    private JsonValues() {}

    static String write(Object value) {
        try {
            return JSON.writeValueAsString(plain(value));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not a JSON value: " + value.getClass(), e);
        }
    }

    /** @throws IllegalArgumentException when {@code text} is not JSON */
    static Object read(String text) {
        try {
            return Json.freeze(canonical(JSON.readTree(text)));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("stored value is not JSON", e);
        }
    }

    private static Object plain(Object v) {
        if (v instanceof Json.Null) {
            return JSON.nullNode();
        }
        if (v instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : m.entrySet()) {
                out.put(String.valueOf(e.getKey()), plain(e.getValue()));
            }
            return out;
        }
        if (v instanceof List<?> l) {
            List<Object> out = new ArrayList<>(l.size());
            for (Object o : l) {
                out.add(plain(o));
            }
            return out;
        }
        return v;
    }

    private static Object canonical(JsonNode n) {
        if (n == null || n.isNull() || n.isMissingNode()) {
            return Json.NULL;
        }
        if (n.isIntegralNumber() && n.canConvertToLong()) {
            return n.longValue();
        }
        if (n.isNumber()) {
            return n.doubleValue();
        }
        if (n.isBoolean()) {
            return n.booleanValue();
        }
        if (n.isTextual()) {
            return n.textValue();
        }
        if (n.isArray()) {
            List<Object> out = new ArrayList<>(n.size());
            for (JsonNode x : n) {
                out.add(canonical(x));
            }
            return out;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        n.properties().forEach(e -> out.put(e.getKey(), canonical(e.getValue())));
        return out;
    }
}
