package io.citytwin.ingest;

import io.citytwin.device.FieldMapping;
import io.citytwin.device.ValueType;
import io.citytwin.twin.GeoValue;
import io.citytwin.twin.IsoTimes;
import io.citytwin.twin.Json;
import io.citytwin.twin.TwinException;
import io.citytwin.twin.geo.GeoJson;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Converts device values (in the {@link Json} shape) to attribute values as a {@link FieldMapping} says: the linear
 * transform {@code value * scale + offset} for numbers, then the target {@link ValueType}. Failures are reported as
 * problems, never thrown.
 */
final class FieldConversion {
    private FieldConversion() {}

    /**
     * Converts {@code raw} as {@code m} says.
     *
     * @param field the field name, for the problem text
     * @param problems where a problem is added when conversion fails
     * @return the attribute value, or null after adding a problem
     */
    static @Nullable Object convert(FieldMapping m, String field, Object raw, List<String> problems) {
        return convert(field, raw, m.type(), m.scale(), m.offset(), m.scale() == 1 && m.offset() == 0, problems);
    }

    static @Nullable Object convert(
            String field,
            Object raw,
            ValueType type,
            double scale,
            double offset,
            boolean identity,
            List<String> problems) {
        if (raw instanceof Json.Null) {
            problems.add("field " + field + ": null value");
            return null;
        }
        switch (type) {
            case NUMBER, AUTO -> {
                Object n = number(raw);
                if (n == null) {
                    if (type == ValueType.AUTO) {
                        return raw;
                    }
                    problems.add("field " + field + ": " + show(raw) + " is not a number");
                    return null;
                }
                if (identity) {
                    return n;
                }
                double d = ((Number) n).doubleValue() * scale + offset;
                if (!Double.isFinite(d)) {
                    problems.add("field " + field + ": " + show(raw) + " scaled is out of range");
                    return null;
                }
                return d;
            }
            case INTEGER -> {
                Object n = number(raw);
                if (n == null) {
                    problems.add("field " + field + ": " + show(raw) + " is not a number");
                    return null;
                }
                if (identity && n instanceof Long) {
                    return n;
                }
                double d = ((Number) n).doubleValue() * scale + offset;
                // 2^63: the first double that no long can hold
                if (!Double.isFinite(d) || Math.abs(d) >= 0x1p63) {
                    problems.add("field " + field + ": " + show(raw) + " is out of integer range");
                    return null;
                }
                return Math.round(d);
            }
            case BOOLEAN -> {
                Object b = bool(raw);
                if (b == null) {
                    problems.add("field " + field + ": " + show(raw) + " is not a boolean");
                }
                return b;
            }
            case STRING -> {
                if (raw instanceof String || raw instanceof Long || raw instanceof Boolean) {
                    return raw.toString();
                }
                if (raw instanceof Double d) {
                    return d.toString();
                }
                problems.add("field " + field + ": " + show(raw) + " is not a scalar");
                return null;
            }
            case DATETIME -> {
                Instant t = null;
                if (raw instanceof String s) {
                    t = IsoTimes.parseDateTime(s);
                } else if (raw instanceof Long l) {
                    t = IsoTimes.ofEpochMilli(l);
                }
                if (t == null) {
                    problems.add("field " + field + ": " + show(raw) + " is not an ISO 8601 dateTime");
                    return null;
                }
                return t.toString();
            }
            case JSON -> {
                return raw;
            }
            case GEO_POINT -> {
                return point(field, raw, problems);
            }
        }
        throw new AssertionError(type);
    }

    private static final String[] POSITION_MEMBERS = {
        "lat", "lon", "lng", "latitude", "longitude", "alt", "type", "coordinates"
    };

    /**
     * The members of a position object that the JSON decoder flattened ({@code pos.lat}, {@code pos.lon}, ...) put
     * back together, or null when the reading has none.
     */
    static @Nullable Map<String, Object> nestedPosition(Map<String, Object> fields, String field) {
        Map<String, Object> out = null;
        for (String member : POSITION_MEMBERS) {
            Object v = fields.get(field + "." + member);
            if (v != null) {
                if (out == null) {
                    out = new java.util.LinkedHashMap<>(4);
                }
                out.put(member, v);
            }
        }
        return out;
    }

    /*
     * A position from the shapes devices send: a GeoJSON position [lon, lat(, alt)] (RFC 7946 clause 3.1.1: longitude
     * first), an object with lat/lon (or lng, longitude/latitude, alt) members as trackers and phone apps send, or a
     * GeoJSON Point. Numbers may be JSON numbers or numeric text. The result is validated by GeoJson.parse (finite,
     * longitude in [-180, 180], latitude in [-90, 90]).
     */
    private static @Nullable GeoValue point(String field, Object raw, List<String> problems) {
        Object lon = null;
        Object lat = null;
        Object alt = null;
        if (raw instanceof List<?> l && (l.size() == 2 || l.size() == 3)) {
            lon = l.get(0);
            lat = l.get(1);
            alt = l.size() == 3 ? l.get(2) : null;
        } else if (raw instanceof Map<?, ?> m) {
            if ("Point".equals(m.get("type")) && m.get("coordinates") instanceof List<?> c) {
                return point(field, c, problems);
            }
            lat = m.containsKey("lat") ? m.get("lat") : m.get("latitude");
            lon = m.containsKey("lon") ? m.get("lon") : m.containsKey("lng") ? m.get("lng") : m.get("longitude");
            alt = m.get("alt");
        }
        Object x = lon == null ? null : number(lon);
        Object y = lat == null ? null : number(lat);
        Object z = alt == null ? null : number(alt);
        if (x == null || y == null || (alt != null && z == null)) {
            problems.add("field " + field + ": " + show(raw)
                    + " is not a position ([lon, lat] or {\"lat\": .., \"lon\": ..})");
            return null;
        }
        List<Object> coordinates = z == null
                ? List.of(((Number) x).doubleValue(), ((Number) y).doubleValue())
                : List.of(((Number) x).doubleValue(), ((Number) y).doubleValue(), ((Number) z).doubleValue());
        try {
            return GeoJson.parse(Map.of("type", "Point", "coordinates", coordinates));
        } catch (TwinException e) {
            problems.add("field " + field + ": " + e.detail());
            return null;
        }
    }

    private static @Nullable Object number(Object raw) {
        if (raw instanceof Long || raw instanceof Double) {
            return raw;
        }
        if (raw instanceof String s) {
            return Scalars.number(s);
        }
        return null;
    }

    private static @Nullable Boolean bool(Object raw) {
        if (raw instanceof Boolean b) {
            return b;
        }
        if (raw instanceof Long l) {
            return l == 1 ? Boolean.TRUE : l == 0 ? Boolean.FALSE : null;
        }
        if (raw instanceof String s) {
            String t = s.toLowerCase(Locale.ROOT);
            return switch (t) {
                case "true", "1" -> Boolean.TRUE;
                case "false", "0" -> Boolean.FALSE;
                default -> null;
            };
        }
        return null;
    }

    /** A short rendering of a device value for problem texts. */
    static String show(Object raw) {
        if (raw instanceof String s) {
            return "'" + JsonPayloadDecoder.abbreviate(s) + "'";
        }
        if (raw instanceof List<?>) {
            return "a list";
        }
        if (raw instanceof Map<?, ?>) {
            return "an object";
        }
        return raw.toString();
    }
}
