package io.citytwin.device.sqlite;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.citytwin.device.FieldMapping;
import io.citytwin.device.ValueType;
import java.util.ArrayList;
import java.util.List;

/**
 * The JSON column form of a device's attribute mapping: {@code [{"field": "t", "attribute": "temperature",
 * "unitCode": "CEL", "scale": 0.1, "offset": -40.0, "type": "NUMBER", "command": true}, ...]} ({@code command} only when true). Doubles are written in their shortest
 * exact form, so they read back bit for bit. Thread-safe (ObjectMapper is, once configured).
 */
final class MappingCodec {
    private static final ObjectMapper JSON = new ObjectMapper();

    private MappingCodec() {}

    static String write(List<FieldMapping> mapping) {
        ArrayNode array = JSON.createArrayNode();
        for (FieldMapping m : mapping) {
            ObjectNode o = array.addObject();
            o.put("field", m.deviceField());
            o.put("attribute", m.attribute());
            if (m.unitCode() != null) {
                o.put("unitCode", m.unitCode());
            }
            o.put("scale", m.scale());
            o.put("offset", m.offset());
            o.put("type", m.type().name());
            if (m.command()) {
                o.put("command", true);
            }
        }
        try {
            return JSON.writeValueAsString(array);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("A tree of strings and numbers always serializes", e);
        }
    }

    /**
     * @throws IllegalArgumentException when {@code json} is not a mapping written by {@link #write} (the caller turns
     *     it into a corrupt-record error)
     */
    static List<FieldMapping> read(String json) {
        JsonNode array;
        try {
            array = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("mapping is not JSON", e);
        }
        if (array == null || !array.isArray()) {
            throw new IllegalArgumentException("mapping is not a JSON array");
        }
        List<FieldMapping> mapping = new ArrayList<>(array.size());
        for (JsonNode o : array) {
            JsonNode unit = o.get("unitCode");
            mapping.add(new FieldMapping(
                    text(o, "field"),
                    text(o, "attribute"),
                    unit == null || unit.isNull() ? null : unit.asText(),
                    number(o, "scale"),
                    number(o, "offset"),
                    ValueType.valueOf(text(o, "type")),
                    o.path("command").asBoolean(false)));
        }
        return mapping;
    }

    private static String text(JsonNode o, String name) {
        JsonNode n = o.get(name);
        if (n == null || !n.isTextual()) {
            throw new IllegalArgumentException("mapping member '" + name + "' is missing");
        }
        return n.asText();
    }

    private static double number(JsonNode o, String name) {
        JsonNode n = o.get(name);
        if (n == null || !n.isNumber()) {
            throw new IllegalArgumentException("mapping member '" + name + "' is missing");
        }
        return n.doubleValue();
    }
}
