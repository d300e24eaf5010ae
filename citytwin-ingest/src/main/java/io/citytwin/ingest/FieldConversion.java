package io.citytwin.ingest;

import io.citytwin.device.FieldMapping;
import io.citytwin.device.ValueType;
import io.citytwin.twin.IsoTimes;
import io.citytwin.twin.Json;
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
        }
        throw new AssertionError(type);
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
